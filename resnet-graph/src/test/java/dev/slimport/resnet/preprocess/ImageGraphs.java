/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import dev.slimport.resnet.testing.ReferenceEval;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.function.BiFunction;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Test helpers: images with known pixels encoded by {@code javax.imageio}, graphs run on one encoded image, and the
 * plain-Java reference of slim's evaluation preprocessing (central crop box, TF1 bilinear resize, scaling) written
 * from the specification, independent of the code under test.
 */
final class ImageGraphs {
    private ImageGraphs() {}

    /** Decoded pixels: {@code height * width * channels} values, row-major, channels interleaved. */
    record Pixels(int height, int width, int channels, byte[] data) {
        int at(int y, int x, int c) {
            return data[(y * width + x) * channels + c] & 0xff;
        }
    }

    /** Float output: {@code shape} and the row-major values. */
    record Floats(long[] shape, float[] data) {}

    /** Runs {@code build(tf, encodedPlaceholder)} on {@code encoded} and returns the uint8 image it yields. */
    static Pixels runUint8(byte[] encoded, BiFunction<Ops, Operand<TString>, Operand<TUint8>> build) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TString> in = tf.placeholder(TString.class);
            Operand<TUint8> out = build.apply(tf, in);
            try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
                    Result r = s.runner().feed(in, t).fetch(out).run()) {
                TUint8 u = (TUint8) r.get(0);
                long[] shape = u.shape().asArray();
                byte[] data = new byte[(int) u.shape().size()];
                u.copyTo(DataBuffers.of(data, false, false));
                return new Pixels((int) shape[0], (int) shape[1], (int) shape[2], data);
            }
        }
    }

    /** Runs {@code build(tf, encodedPlaceholder)} on {@code encoded} and returns the float tensor it yields. */
    static Floats runFloat(byte[] encoded, BiFunction<Ops, Operand<TString>, Operand<TFloat32>> build) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TString> in = tf.placeholder(TString.class);
            Operand<TFloat32> out = build.apply(tf, in);
            try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
                    Result r = s.runner().feed(in, t).fetch(out).run()) {
                return floats((TFloat32) r.get(0));
            }
        }
    }

    static Floats floats(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] data = new float[(int) f.shape().size()];
        f.copyTo(DataBuffers.of(data, false, false));
        return new Floats(f.shape().asArray(), data);
    }

    /** An RGB image of deterministic random pixels. */
    static BufferedImage randomRgb(int width, int height, long seed) {
        Random r = new Random(seed);
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return im;
    }

    /** An RGB image of smooth gradients, which JPEG reproduces closely. */
    static BufferedImage smoothRgb(int width, int height) {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 30 + 190 * x / Math.max(1, width - 1);
                int g = 40 + 170 * y / Math.max(1, height - 1);
                int b = 128 + (int) (60 * Math.sin((x + y) / 9.0));
                im.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return im;
    }

    /** The image's RGB as 8-bit pixels (what a lossless decoder must return). */
    static Pixels rgbOf(BufferedImage im) {
        int w = im.getWidth();
        int h = im.getHeight();
        byte[] data = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = im.getRGB(x, y);
                int o = (y * w + x) * 3;
                data[o] = (byte) (rgb >> 16);
                data[o + 1] = (byte) (rgb >> 8);
                data[o + 2] = (byte) rgb;
            }
        }
        return new Pixels(h, w, 3, data);
    }

    static byte[] encode(BufferedImage im, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(im, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and image type " + im.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage im, float quality) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.write(null, new IIOImage(im, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    static byte[] resource(String name) {
        try (InputStream in = ImageGraphs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tf.image.central_crop}'s first row (column): {@link ReferenceEval#cropStart}. */
    static int cropStart(int size, double fraction) {
        return ReferenceEval.cropStart(size, fraction);
    }

    /** slim's {@code preprocess_for_eval} on decoded RGB pixels: {@link ReferenceEval#preprocess}, fraction 0.875. */
    static float[] referenceEval(Pixels p, int outH, int outW) {
        return referenceEval(p, outH, outW, 0.875);
    }

    /** {@link #referenceEval(Pixels, int, int)} with {@code central_fraction} {@code fraction}. */
    static float[] referenceEval(Pixels p, int outH, int outW, double fraction) {
        return ReferenceEval.preprocess(p.height(), p.width(), p::at, outH, outW, fraction);
    }
}
