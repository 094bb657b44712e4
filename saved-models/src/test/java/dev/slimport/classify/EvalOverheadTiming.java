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
 * Prints per way the median wall time and the process CPU time per batch. Arguments: {@code IMAGE SIZE BATCH
 * ROUNDS} (e.g. {@code grace_hopper.jpg 224 16 5}); the model is seeded resnet_v2_50 with 1001 classes.
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
                // warm-up: one run of each
                run(s.runner().feed(ServingSignature.IMAGES, host).fetch(predictions));
                run(s.runner().feed(ServingSignature.IMAGE_BYTES, in).fetch(predictions));
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
            }
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
