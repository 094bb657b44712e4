/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Deterministic encoded images for the checks of {@code serving_bytes}: PNG and JPEG files (alternating) of
 * different sizes around the model's image size, with pixels from a seed (a smooth gradient plus noise), written by
 * Java's ImageIO.
 */
final class CheckImages {
    private CheckImages() {}

    /**
     * {@code count} files: image {@code k} is {@code (size + 7k + 3)} wide and {@code (3 size / 4 + 5k + 1)} high, a
     * PNG for even {@code k}, a JPEG for odd {@code k}.
     *
     * @param count how many, at least 1
     * @param size the model's image size
     * @param seed the pixels' seed
     */
    static List<byte[]> of(int count, int size, long seed) {
        if (count < 1 || size < 1) {
            throw new IllegalArgumentException("count and size: must be >= 1, got " + count + ", " + size);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> files = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int w = size + 7 * k + 3;
            int h = 3 * size / 4 + 5 * k + 1;
            BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = clamp(255 * x / w + random.nextInt(-24, 25));
                    int g = clamp(255 * y / h + random.nextInt(-24, 25));
                    int b = clamp(128 + random.nextInt(-96, 97));
                    im.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            files.add(encode(im, k % 2 == 0 ? "png" : "jpg"));
        }
        return List.copyOf(files);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static byte[] encode(BufferedImage im, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(im, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
