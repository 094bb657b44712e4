/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TString;

/** Encoded test images with known pixels, written by Java's ImageIO (PNG lossless, JPEG lossy). */
public final class EncodedTestImages {
    private EncodedTestImages() {}

    /** The 8-bit RGB value of pixel (x, y), channel c, of the test pattern with {@code seed}: smooth plus a ramp. */
    public static int pixel(int seed, int x, int y, int c) {
        return switch (c) {
            case 0 -> (x * 5 + seed * 37) & 255;
            case 1 -> (y * 3 + seed * 11) & 255;
            default -> ((x + y) * 2 + seed * 71) & 255;
        };
    }

    /** The pattern {@code seed} as a {@code width}×{@code height} RGB image. */
    public static BufferedImage pattern(int width, int height, int seed) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.setRGB(x, y, pixel(seed, x, y, 0) << 16 | pixel(seed, x, y, 1) << 8 | pixel(seed, x, y, 2));
            }
        }
        return im;
    }

    /** The pattern as a PNG file's bytes. */
    public static byte[] png(int width, int height, int seed) {
        return encode(pattern(width, height, seed), "png");
    }

    /** The pattern as a (baseline, lossy) JPEG file's bytes. */
    public static byte[] jpeg(int width, int height, int seed) {
        return encode(pattern(width, height, seed), "jpg");
    }

    /** {@code image} encoded by ImageIO in {@code format}. */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A string vector {@code [N]} of the files' bytes; close it. */
    public static TString tensor(List<byte[]> files) {
        if (files.isEmpty()) {
            return TString.tensorOfBytes(NdArrays.ofObjects(byte[].class, Shape.of(0)));
        }
        return TString.tensorOfBytes(NdArrays.vectorOfObjects(files.toArray(new byte[0][])));
    }
}
