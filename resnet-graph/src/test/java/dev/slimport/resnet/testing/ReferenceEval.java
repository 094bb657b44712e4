/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.awt.image.BufferedImage;

/**
 * slim's {@code inception_preprocessing.preprocess_for_eval} on decoded 8-bit RGB pixels, written in plain Java from
 * the specification (docs/slim-semantics.md), independent of the code under test: the reference the preprocessing
 * tests of resnet-graph ({@code InceptionPreprocessing}) and spark-inference ({@code ImagePreprocessor}) are checked
 * against. In the test-jar, so both use this one copy.
 */
public final class ReferenceEval {
    private ReferenceEval() {}

    /** One 8-bit channel value (0..255) of a decoded image at row {@code y}, column {@code x}, channel {@code c}. */
    @FunctionalInterface
    public interface Pixels {
        int at(int y, int x, int c);
    }

    /** {@code tf.image.central_crop}'s first row (column) for a side of {@code size}: {@code int((s - s*f) / 2)}. */
    public static int cropStart(int size, double fraction) {
        return (int) ((size - size * fraction) / 2);
    }

    /** {@link #preprocess(int, int, Pixels, int, int, double)} on the RGB pixels of {@code img}. */
    public static float[] preprocess(BufferedImage img, int outH, int outW, double fraction) {
        return preprocess(
                img.getHeight(),
                img.getWidth(),
                (y, x, c) -> (img.getRGB(x, y) >> (16 - 8 * c)) & 0xff,
                outH,
                outW,
                fraction);
    }

    /**
     * slim's {@code preprocess_for_eval(central_fraction=fraction)} of a {@code height}×{@code width} RGB image:
     * {@code tf.image.central_crop} (float64 box {@code start = int((s - s*f) / 2)}), {@code x * float32(1/255)}, TF1
     * {@code resize_bilinear} (source coordinate {@code out * (in / out)} in float32, corners {@code floor}/{@code
     * ceil} clamped, {@code top + (bottom - top) * y_lerp} of the horizontally interpolated rows), then {@code (x -
     * 0.5) * 2}.
     *
     * @return {@code outH * outW * 3} values, row-major, channels interleaved
     */
    public static float[] preprocess(int height, int width, Pixels p, int outH, int outW, double fraction) {
        int top = cropStart(height, fraction);
        int left = cropStart(width, fraction);
        int cropH = height - 2 * top;
        int cropW = width - 2 * left;
        float scale = (float) (1.0 / 255);
        float sy = cropH / (float) outH;
        float sx = cropW / (float) outW;
        float[] out = new float[outH * outW * 3];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            float iy = y * sy;
            int y0 = Math.max((int) Math.floor(iy), 0);
            int y1 = Math.min((int) Math.ceil(iy), cropH - 1);
            float ly = iy - (float) Math.floor(iy);
            for (int x = 0; x < outW; x++) {
                float ix = x * sx;
                int x0 = Math.max((int) Math.floor(ix), 0);
                int x1 = Math.min((int) Math.ceil(ix), cropW - 1);
                float lx = ix - (float) Math.floor(ix);
                for (int c = 0; c < 3; c++) {
                    float tl = p.at(top + y0, left + x0, c) * scale;
                    float tr = p.at(top + y0, left + x1, c) * scale;
                    float bl = p.at(top + y1, left + x0, c) * scale;
                    float br = p.at(top + y1, left + x1, c) * scale;
                    float t = tl + (tr - tl) * lx;
                    float b = bl + (br - bl) * lx;
                    float v = t + (b - t) * ly;
                    out[o++] = (v - 0.5f) * 2.0f;
                }
            }
        }
        return out;
    }
}
