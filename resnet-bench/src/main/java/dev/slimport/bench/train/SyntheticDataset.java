/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A labelled image set generated on the fly from a seed, for training demos and tests without downloads: oriented
 * gratings. Example {@code i} is a sinusoidal grating with random spatial frequency (0.08–0.25 cycles per pixel),
 * phase and colour, plus Gaussian noise (σ = 0.5); its label {@code k} is the grating's orientation, {@code
 * k·180°/numClasses} ± a quarter of the spacing between classes. Classes are equally likely.
 *
 * <p>Example {@code i} depends only on {@code (seed, i)}. Images are NHWC float32 with 3 channels, generated when a
 * batch is requested, so memory does not grow with the set's size.
 *
 * <p>The label is deliberately a spatial pattern: a label defined by an image's absolute colour or brightness (e.g.
 * the sign of a projection of its mean colour) is hard to learn for a network that normalizes with batch
 * statistics, because training-mode batch norm subtracts the batch mean.
 *
 * @param size the number of examples, ≥ 1
 * @param height the image height, in [1, 4096]
 * @param width the image width, in [1, 4096]
 * @param numClasses the number of classes (orientations), in [2, 1000]
 * @param seed what every example is generated from
 */
public record SyntheticDataset(int size, int height, int width, int numClasses, long seed) {

    /**
     * A data set of {@code size} examples of {@code height × width × 3} in {@code numClasses} orientations.
     *
     * @throws IllegalArgumentException naming the argument that is out of range
     */
    public SyntheticDataset {
        if (size < 1) {
            throw new IllegalArgumentException("size: must be >= 1, got " + size);
        }
        if (height < 1 || width < 1 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("height/width: must be in [1, 4096], got " + height + "x" + width);
        }
        if (numClasses < 2 || numClasses > 1000) {
            throw new IllegalArgumentException("numClasses: must be in [2, 1000], got " + numClasses);
        }
    }

    /** The label of example {@code index}. */
    public int label(int index) {
        checkIndex(index);
        return new SplittableRandom(mix(seed, index)).nextInt(numClasses);
    }

    /** Writes example {@code index}'s image (HWC, {@code height·width·3} floats) to {@code dst} at {@code offset}. */
    public void image(int index, float[] dst, int offset) {
        checkIndex(index);
        if (dst == null || offset < 0 || dst.length - offset < height * width * 3) {
            throw new IllegalArgumentException("dst: needs " + height * width * 3 + " floats from offset " + offset);
        }
        generate(index, dst, offset);
    }

    /** A permutation of the examples for {@code epoch}, the same for the same seed and epoch. */
    public int[] shuffled(int epoch) {
        int[] order = IntStream.range(0, size).toArray();
        SplittableRandom r = new SplittableRandom(mix(seed, -2 - (long) epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The examples at {@code indices} as tensors the caller owns. */
    public Batch batch(int[] indices) {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("indices: at least one example index is required");
        }
        int per = height * width * 3;
        float[] pixels = new float[indices.length * per];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            checkIndex(indices[i]);
            generate(indices[i], pixels, i * per);
            y[i] = label(indices[i]);
        }
        TFloat32 images =
                TFloat32.tensorOf(Shape.of(indices.length, height, width, 3), DataBuffers.of(pixels, true, false));
        try {
            return new Batch(images, TInt32.vectorOf(y));
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
    }

    /** The examples {@code from, from+1, ..., from+count-1}. */
    public Batch batch(int from, int count) {
        if (count < 1 || from < 0 || from > size - count) {
            throw new IllegalArgumentException(
                    "from/count: [" + from + ", " + from + "+" + count + ") must lie in [0, " + size + ")");
        }
        return batch(IntStream.range(from, from + count).toArray());
    }

    /**
     * A batch of images {@code [B, H, W, 3]} and labels {@code [B]}; closing it closes both tensors.
     *
     * @param images float32 NHWC images
     * @param labels int32 labels
     */
    public record Batch(TFloat32 images, TInt32 labels) implements AutoCloseable {
        @Override
        public void close() {
            try (TFloat32 i = images;
                    TInt32 l = labels) {
                // closes both, even if one close fails
            }
        }
    }

    private void generate(int index, float[] dst, int offset) {
        SplittableRandom r = new SplittableRandom(mix(seed, index));
        int label = r.nextInt(numClasses);
        double spacing = Math.PI / numClasses;
        double theta = label * spacing + (r.nextDouble() - 0.5) * spacing / 2;
        double frequency = 0.08 + 0.17 * r.nextDouble();
        double phase = 2 * Math.PI * r.nextDouble();
        double[] colour = {0.5 + r.nextDouble(), 0.5 + r.nextDouble(), 0.5 + r.nextDouble()};
        double kx = 2 * Math.PI * frequency * Math.cos(theta);
        double ky = 2 * Math.PI * frequency * Math.sin(theta);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double wave = Math.sin(kx * x + ky * y + phase);
                int p = offset + 3 * (y * width + x);
                for (int c = 0; c < 3; c++) {
                    dst[p + c] = (float) (colour[c] * wave + 0.5 * gaussian(r));
                }
            }
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index: must be in [0, " + size + "), got " + index);
        }
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
