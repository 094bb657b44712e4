/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.preprocess.EncodedImages;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.ServingSignature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Where {@code eval}'s overhead over {@code forward} goes (docs/benchmarks.md, "eval against forward"): a CLI-free
 * timing of one batch of the same encoded image in three ways, in turn each round so load hits them alike:
 *
 * <ul>
 *   <li>{@code preprocess}: the {@code serving_bytes} preprocessing alone ({@link EncodedImages#evalBatch}: decode +
 *       slim's eval preprocessing, the tf.data map), no network;
 *   <li>{@code network}: resnet_v2_50's inference graph fed the preprocessed host batch ({@code serving_default},
 *       what {@code forward --saved-model} times);
 *   <li>{@code serving_bytes}: the same graph fed the encoded batch ({@code image_bytes}), preprocessing in the graph
 *       before the network (what {@code eval} on a SavedModel runs per batch).
 * </ul>
 *
 * Prints per way the median wall time and the process CPU time per batch, and the first run of each. With a fifth
 * argument {@code WORKDIR}, also exports the same seeded model as a SavedModel there, writes {@code BATCH} copies of
 * the image in 4 class folders, and times {@link Evaluation#run} on them through {@link ImageClassifier#open} (what
 * {@code eval --saved-model} runs per batch), in turn with the network alone and serving_bytes.
 * Arguments: {@code IMAGE SIZE BATCH ROUNDS [WORKDIR]} (e.g. {@code grace_hopper.jpg 224 16 5}); the model is seeded
 * resnet_v2_50 with 1001 classes.
 */
public final class EvalOverheadTiming {
    private EvalOverheadTiming() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args.length > 0 ? args[0] : "resnet-graph/src/test/resources/images/grace_hopper.jpg");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        byte[] bytes = Files.readAllBytes(image);
        byte[][] encoded = new byte[batch][];
        Arrays.fill(encoded, bytes);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        NetworkSpec spec = NetworkSpec.of(Depth.D50).withNumClasses(1001).withImageSize(size);
        try (Graph pg = new Graph();
                Session ps = new Session(pg);
                InferenceModel model = InferenceModel.build(spec, 1, false);
                TString in = TString.tensorOfBytes(NdArrays.vectorOfObjects(encoded))) {
            Ops tf = Ops.create(pg);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> pre = EncodedImages.evalBatch(tf, enc, size, size);
            model.initialize();
            Session s = model.session();
            String predictions = ServingSignature.OUTPUT_SCOPE + "/" + ServingSignature.PREDICTIONS;
            TFloat32 host;
            try (Result r = ps.runner().feed(enc, in).fetch(pre).run()) {
                TFloat32 batchOut = (TFloat32) r.get(0);
                host = TFloat32.tensorOf(batchOut.shape(), batchOut::copyTo);
            }
            try (host) {
                // warm-up: one run of each, timed (the first run of a feed/fetch signature builds its executor)
                long f0 = System.nanoTime();
                run(s.runner().feed(ServingSignature.IMAGE_BYTES, in).fetch(predictions));
                long f1 = System.nanoTime();
                run(s.runner().feed(ServingSignature.IMAGES, host).fetch(predictions));
                long f2 = System.nanoTime();
                System.out.printf(
                        Locale.ROOT,
                        "first runs: serving_bytes %.3f s, network %.3f s%n",
                        (f1 - f0) / 1e9,
                        (f2 - f1) / 1e9);
                List<double[]> wall = List.of(new double[rounds], new double[rounds], new double[rounds]);
                List<double[]> cpu = List.of(new double[rounds], new double[rounds], new double[rounds]);
                for (int i = 0; i < rounds; i++) {
                    List<Runnable> ways = List.of(
                            () -> run(ps.runner().feed(enc, in).fetch(pre)),
                            () -> run(s.runner()
                                    .feed(ServingSignature.IMAGES, host)
                                    .fetch(predictions)),
                            () -> run(s.runner()
                                    .feed(ServingSignature.IMAGE_BYTES, in)
                                    .fetch(predictions)));
                    for (int w = 0; w < 3; w++) {
                        long c0 = os.getProcessCpuTime();
                        long t0 = System.nanoTime();
                        ways.get(w).run();
                        wall.get(w)[i] = (System.nanoTime() - t0) / 1e9;
                        cpu.get(w)[i] = (os.getProcessCpuTime() - c0) / 1e9;
                    }
                }
                String[] names = {"preprocess", "network", "serving_bytes"};
                System.out.printf(
                        Locale.ROOT,
                        "resnet_v2_50 %dx%d, batch %d of %s (%d bytes), %d rounds, load %.2f%n",
                        size,
                        size,
                        batch,
                        image.getFileName(),
                        bytes.length,
                        rounds,
                        os.getSystemLoadAverage());
                double[] med = new double[3];
                for (int w = 0; w < 3; w++) {
                    med[w] = median(wall.get(w));
                    System.out.printf(
                            Locale.ROOT,
                            "%-14s median %.4f s/batch (%.2f ms/image), CPU %.4f s/batch; walls %s%n",
                            names[w],
                            med[w],
                            med[w] * 1000 / batch,
                            median(cpu.get(w)),
                            round(wall.get(w)));
                }
                System.out.printf(
                        Locale.ROOT,
                        "network / serving_bytes %.3f; (serving_bytes - network) / preprocess %.2f%n",
                        med[1] / med[2],
                        (med[2] - med[1]) / med[0]);
                if (args.length > 4) {
                    evaluation(
                            Path.of(args[4]),
                            spec,
                            bytes,
                            batch,
                            rounds,
                            () -> run(s.runner()
                                    .feed(ServingSignature.IMAGES, host)
                                    .fetch(predictions)),
                            () -> run(s.runner()
                                    .feed(ServingSignature.IMAGE_BYTES, in)
                                    .fetch(predictions)),
                            os);
                }
            }
        }
    }

    /**
     * {@link Evaluation#run} through a SavedModel export of the same seeded model on one batch of copies of the image
     * (4 synset folders), in turn with the in-memory network alone and serving_bytes each round: the whole eval loop
     * (reading, header checks, the serving_bytes run, metrics) against the session runs under the same load.
     */
    private static void evaluation(
            Path work,
            NetworkSpec spec,
            byte[] image,
            int batch,
            int rounds,
            Runnable network,
            Runnable servingBytes,
            com.sun.management.OperatingSystemMXBean os)
            throws Exception {
        Path models = work.resolve("m" + spec.imageSize());
        if (!Files.exists(models)) {
            new dev.slimport.savedmodel.SavedModelExporter()
                    .export(dev.slimport.savedmodel.ExportSpec.of(spec, models).withSeed(1));
        }
        Path data = work.resolve("data" + batch);
        String[] synsets = {"n01440764", "n01443537", "n01484850", "n01491361"};
        for (int i = 0; i < batch; i++) {
            Path f = data.resolve(synsets[i % 4]).resolve(i + ".jpg");
            Files.createDirectories(f.getParent());
            if (!Files.exists(f)) {
                Files.write(f, image);
            }
        }
        LabelledImages set = LabelledImages.builder(1001).build(List.of(data));
        try (ImageClassifier c = ImageClassifier.open(models, ImageClassifier.Options.DEFAULTS.withBatchSize(batch))) {
            long f0 = System.nanoTime();
            Evaluation.run(set, c, batch, null);
            double first = (System.nanoTime() - f0) / 1e9;
            double[][] wall = new double[3][rounds];
            double[][] cpu = new double[3][rounds];
            for (int i = 0; i < rounds; i++) {
                List<Runnable> ways = List.of(
                        () -> {
                            try {
                                Evaluation.run(set, c, batch, null);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        network,
                        servingBytes);
                for (int w = 0; w < 3; w++) {
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    ways.get(w).run();
                    wall[w][i] = (System.nanoTime() - t0) / 1e9;
                    cpu[w][i] = (os.getProcessCpuTime() - c0) / 1e9;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "eval through %s: first Evaluation.run %.3f s%n",
                    c.signature().orElse("?"),
                    first);
            String[] names = {"eval (1 batch)", "network", "serving_bytes"};
            for (int w = 0; w < 3; w++) {
                System.out.printf(
                        Locale.ROOT,
                        "%-14s median %.4f s/batch, CPU %.4f s/batch; walls %s%n",
                        names[w],
                        median(wall[w]),
                        median(cpu[w]),
                        round(wall[w]));
            }
            System.out.printf(Locale.ROOT, "network / eval %.3f%n", median(wall[1]) / median(wall[0]));
        }
    }

    private static void run(Session.Runner r) {
        r.run().close();
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static List<String> round(double[] v) {
        List<String> out = new ArrayList<>();
        for (double d : v) {
            out.add(String.format(Locale.ROOT, "%.3f", d));
        }
        return out;
    }
}
