/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModels;
import dev.slimport.savedmodel.ServingSignature;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.tensorflow.ndarray.Shape;

/**
 * The figures of docs/spark.md (not a test): the same images through single-process inference ({@link
 * LoadedSavedModel}, one batch after another) and through the Spark job in local[2].
 *
 * <p>Arguments: {@code WORKDIR [MODEL=resnet_v2_50|tiny] [SIZE=224] [IMAGES=256] [BATCH=32] [PARTITIONS=4]
 * [INTRA_OP_THREADS=0]}. The model (1001 classes, seeded) and the images (JPEG, 320x240, smooth with noise) are
 * created under WORKDIR on the first run and reused.
 */
public final class SparkFigures {
    private SparkFigures() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String modelName = args.length > 1 ? args[1] : "resnet_v2_50";
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 32;
        int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 0;

        Path model = work.resolve(modelName + "-" + size);
        if (!Files.exists(model)) {
            SavedModels.export(ExportSpec.of(
                    network(modelName)
                            .withNumClasses(NetworkSpec.IMAGENET_CLASSES)
                            .withImageSize(size),
                    model));
        }
        Path images = work.resolve("images-" + n);
        if (!Files.exists(images)) {
            Files.createDirectories(images);
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
                int base = r.nextInt(1 << 24);
                for (int y = 0; y < 240; y++) {
                    for (int x = 0; x < 320; x++) {
                        img.setRGB(x, y, (base + (x << 8) + y + r.nextInt(16)) & 0xffffff);
                    }
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(img, "jpg", out);
                Files.write(images.resolve(String.format("img_%05d.jpg", i)), out.toByteArray());
            }
        }

        Preprocessing prep = Preprocessing.inception(size);
        List<Path> files;
        try (Stream<Path> st = Files.list(images)) {
            files = st.sorted().toList();
        }
        double runS = singleProcess(model, prep, files, batch, threads, "single-process (before Spark)");
        // Spark local[2]: the same job twice in one session: cold (fresh JVM code paths, the executor's model load and
        // first session runs) and warm (what each further job of a long-lived session costs).
        long s0 = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("SparkFigures")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.log.level", "WARN")
                .getOrCreate();
        double startS = (System.nanoTime() - s0) / 1e9;
        System.out.printf(Locale.ROOT, "spark session start: %.1f s%n", startS);
        try {
            for (String run : List.of("cold", "warm")) {
                SparkInferenceResult r = SparkInference.run(
                        spark,
                        SparkInferenceOptions.parse(
                                "--saved-model",
                                model.toString(),
                                "--input",
                                images.toString(),
                                "--output",
                                work.resolve("spark-out.parquet").toString(),
                                "--overwrite",
                                "--batch-size",
                                String.valueOf(batch),
                                "--partitions",
                                String.valueOf(partitions),
                                "--intra-op-threads",
                                String.valueOf(threads)),
                        System.err);
                double jobS = r.jobMillis() / 1000.0;
                System.out.println(r.summary());
                System.out.printf(
                        Locale.ROOT,
                        "spark local[2] %s: job %.1f s = %.2f images/s (%.1f ms/image), model loads"
                                + " %d; Spark adds %.2f ms/image to the single-process run%n",
                        run,
                        jobS,
                        n / jobS,
                        jobS * 1000 / n,
                        r.modelLoads(),
                        (jobS - runS) * 1000 / n);
            }
        } finally {
            spark.stop();
            ExecutorModels.closeAll(java.time.Duration.ofSeconds(30));
        }
        singleProcess(model, prep, files, batch, threads, "single-process (after Spark)");
    }

    /** Load, one warm-up batch, then read + decode + preprocess + run every image; returns the timed seconds. */
    private static double singleProcess(
            Path model, Preprocessing prep, List<Path> files, int batch, int threads, String label) throws Exception {
        int n = files.size();
        long t0 = System.nanoTime();
        try (LoadedSavedModel m = LoadedSavedModel.load(model, ExecutorModels.config(threads), ServingSignature.TAG)) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            runBatches(m, prep, files.subList(0, Math.min(batch, n)), batch);
            long t1 = System.nanoTime();
            runBatches(m, prep, files, batch);
            double runS = (System.nanoTime() - t1) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d images, batch %d: load %.1f s, run %.1f s = %.2f images/s" + " (%.1f ms/image)%n",
                    label,
                    n,
                    batch,
                    loadS,
                    runS,
                    n / runS,
                    runS * 1000 / n);
            return runS;
        }
    }

    /** {@code tiny} is slim's test net (base depths 1, 2, 4, 8): nearly no compute, so Spark's own cost shows. */
    private static NetworkSpec network(String name) {
        return name.equals("tiny")
                ? NetworkSpec.custom("resnet_v2", dev.slimport.resnet.testing.SmallNets.tiny())
                : NetworkSpec.of(dev.slimport.resnet.net.Depth.parse("model", name));
    }

    private static void runBatches(LoadedSavedModel m, Preprocessing prep, List<Path> files, int batch)
            throws Exception {
        int per = prep.floatsPerImage();
        for (int start = 0; start < files.size(); start += batch) {
            List<Path> b = files.subList(start, Math.min(files.size(), start + batch));
            float[] pixels = new float[b.size() * per];
            for (int i = 0; i < b.size(); i++) {
                ExecutorModels.preprocess(prep, Files.readAllBytes(b.get(i)), pixels, i * per);
            }
            Map<String, FloatValues> out = m.run(
                    ServingSignature.KEY,
                    Map.of(
                            ServingSignature.IMAGES,
                            new FloatValues(Shape.of(b.size(), prep.height(), prep.width(), 3), pixels)));
            if (out.get(ServingSignature.PREDICTIONS).data().length != b.size() * NetworkSpec.IMAGENET_CLASSES) {
                throw new IllegalStateException("unexpected output size");
            }
        }
    }
}
