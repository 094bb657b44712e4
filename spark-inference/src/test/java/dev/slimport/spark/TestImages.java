/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.resnet.testing.ReferenceEval;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.ServingSignature;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.tensorflow.ndarray.Shape;

/** The generated images of the Spark tests and the single-process reference they are checked against. */
final class TestImages {
    private TestImages() {}

    /**
     * The reference outputs by image name.
     *
     * @param probabilities the {@code predictions} row of each image
     * @param features the {@code features} row of each image (empty when the model has none)
     */
    record Reference(Map<String, float[]> probabilities, Map<String, float[]> features) {}

    /** An {@code h}×{@code w} PNG: a gradient over a random base colour, a quarter of the pixels random. */
    static byte[] randomPng(SplittableRandom random, int h, int w) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = random.nextInt(1 << 24);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(4) == 0 ? random.nextInt(1 << 24) : base + (x * 3 << 8) + y * 2);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * Single-process inference of {@code files} (name → encoded PNG): each image decoded by {@code javax.imageio}
     * (PNG is lossless, so these are the pixels TensorFlow's decoder gives) and preprocessed by {@link
     * #referenceEval}, a plain-Java computation of slim's evaluation preprocessing independent of the code under test;
     * then the SavedModel at {@code model} loaded in this JVM, batches of 50 in name order.
     */
    static Reference singleProcess(Path model, Map<String, byte[]> files, int size) throws Exception {
        int per = size * size * 3;
        List<String> names = files.keySet().stream().sorted().toList();
        Map<String, float[]> probabilities = new HashMap<>();
        Map<String, float[]> features = new HashMap<>();
        try (LoadedSavedModel m = LoadedSavedModel.load(model)) {
            for (int start = 0; start < names.size(); start += 50) {
                List<String> batch = names.subList(start, Math.min(names.size(), start + 50));
                float[] pixels = new float[batch.size() * per];
                for (int i = 0; i < batch.size(); i++) {
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(files.get(batch.get(i))));
                    float[] one = referenceEval(img, size, size, 0.875);
                    System.arraycopy(one, 0, pixels, i * per, per);
                }
                Map<String, FloatValues> out = m.run(
                        ServingSignature.KEY,
                        Map.of(
                                ServingSignature.IMAGES,
                                new FloatValues(Shape.of(batch.size(), size, size, 3), pixels)));
                for (int i = 0; i < batch.size(); i++) {
                    probabilities.put(batch.get(i), row(out.get(ServingSignature.PREDICTIONS), i));
                    if (out.containsKey(ServingSignature.FEATURES)) {
                        features.put(batch.get(i), row(out.get(ServingSignature.FEATURES), i));
                    }
                }
            }
        }
        return new Reference(probabilities, features);
    }

    /** slim's {@code preprocess_for_eval} on the 8-bit RGB pixels of {@code img}: {@link ReferenceEval#preprocess}. */
    static float[] referenceEval(BufferedImage img, int outH, int outW, double fraction) {
        return ReferenceEval.preprocess(img, outH, outW, fraction);
    }

    private static float[] row(FloatValues values, int i) {
        int n = (int) values.shape().get(1);
        return Arrays.copyOfRange(values.data(), i * n, (i + 1) * n);
    }
}
