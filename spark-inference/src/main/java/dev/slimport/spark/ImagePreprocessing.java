/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * slim's Inception evaluation preprocessing ({@code inception_preprocessing.preprocess_for_eval}) on the JVM: decode
 * an encoded image with {@code javax.imageio}, convert it to float in [0, 1] ({@code tf.image.convert_image_dtype}),
 * crop the central fraction ({@code tf.image.central_crop}, 0.875 by default), resize bilinearly to the model's size
 * ({@code tf.image.resize_bilinear} with {@code align_corners=False}, TF1's half-pixel-free sampling) and map to
 * [-1, 1] with {@code (x - 0.5) * 2}. The result is one NHWC image, RGB, row-major, {@code height * width * 3}
 * floats: what the exported signature's {@code images} input takes.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param height the output height (the model's input height)
 * @param width the output width
 * @param centralFraction the fraction of each side kept by the central crop, in (0, 1]; 1 keeps the whole image
 */
public record ImagePreprocessing(int height, int width, double centralFraction) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** slim's {@code preprocess_for_eval} default {@code central_fraction}. */
    public static final double DEFAULT_CENTRAL_FRACTION = 0.875;

    /** The largest image decoded (in pixels); larger ones are reported instead of exhausting the heap. */
    public static final long MAX_PIXELS = 1L << 26;

    /** {@code tf.image.convert_image_dtype}'s scale for uint8 to float32: {@code 1. / 255} rounded to float. */
    private static final float UINT8_SCALE = (float) (1.0 / 255);

    /**
     * The validated preprocessing.
     *
     * @throws IllegalArgumentException naming {@code image-size} or {@code central-crop}
     */
    public ImagePreprocessing {
        if (height < 1 || height > 8192 || width < 1 || width > 8192) {
            throw new IllegalArgumentException(
                    "image-size: height and width must be in 1..8192, got " + height + "x" + width);
        }
        if (!(centralFraction > 0 && centralFraction <= 1)) {
            throw new IllegalArgumentException("central-crop: must be in (0, 1], got " + centralFraction);
        }
    }

    /** A preprocessing to {@code size}×{@code size} with slim's 0.875 central crop. */
    public static ImagePreprocessing inception(int size) {
        return new ImagePreprocessing(size, size, DEFAULT_CENTRAL_FRACTION);
    }

    /** The number of floats one preprocessed image has: {@code height * width * 3}. */
    public int floatsPerImage() {
        return height * width * 3;
    }

    /**
     * Decodes and preprocesses one encoded image (any format {@code javax.imageio} reads: PNG, JPEG, BMP, GIF, ...).
     *
     * @param encoded the file's bytes
     * @param out receives {@link #floatsPerImage()} values at {@code offset}
     * @throws UnreadableImageException if the bytes are not an image, are corrupt, or hold more than {@link
     *     #MAX_PIXELS} pixels
     */
    public void preprocess(byte[] encoded, float[] out, int offset) throws UnreadableImageException {
        apply(decode(encoded), out, offset);
    }

    /** Decodes and preprocesses one image into a new array; see {@link #preprocess(byte[], float[], int)}. */
    public float[] preprocess(byte[] encoded) throws UnreadableImageException {
        float[] out = new float[floatsPerImage()];
        preprocess(encoded, out, 0);
        return out;
    }

    /**
     * Crops, resizes and scales an already decoded 8-bit RGB image.
     *
     * @param rgb the decoded image
     * @param out receives {@link #floatsPerImage()} values at {@code offset}
     */
    public void apply(Rgb rgb, float[] out, int offset) {
        // tf.image.central_crop: start = int((size - size * fraction) / 2) computed in float64, size - 2 * start kept.
        int top = (int) ((rgb.height - rgb.height * centralFraction) / 2);
        int left = (int) ((rgb.width - rgb.width * centralFraction) / 2);
        int cropH = rgb.height - 2 * top;
        int cropW = rgb.width - 2 * left;
        // resize_bilinear, align_corners=False, half_pixel_centers=False: in = out * (in_size / out_size) in float.
        float scaleY = (float) cropH / height;
        float scaleX = (float) cropW / width;
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] xLerp = new float[width];
        for (int x = 0; x < width; x++) {
            float in = x * scaleX;
            x0[x] = Math.max((int) Math.floor(in), 0);
            x1[x] = Math.min((int) Math.ceil(in), cropW - 1);
            xLerp[x] = in - (float) Math.floor(in);
        }
        byte[] p = rgb.pixels;
        int o = offset;
        for (int y = 0; y < height; y++) {
            float in = y * scaleY;
            int y0 = Math.max((int) Math.floor(in), 0);
            int y1 = Math.min((int) Math.ceil(in), cropH - 1);
            float yLerp = in - (float) Math.floor(in);
            int row0 = ((top + y0) * rgb.width + left) * 3;
            int row1 = ((top + y1) * rgb.width + left) * 3;
            for (int x = 0; x < width; x++) {
                int a = x0[x] * 3;
                int b = x1[x] * 3;
                for (int c = 0; c < 3; c++) {
                    float tl = (p[row0 + a + c] & 0xff) * UINT8_SCALE;
                    float tr = (p[row0 + b + c] & 0xff) * UINT8_SCALE;
                    float bl = (p[row1 + a + c] & 0xff) * UINT8_SCALE;
                    float br = (p[row1 + b + c] & 0xff) * UINT8_SCALE;
                    float t = tl + (tr - tl) * xLerp[x];
                    float bo = bl + (br - bl) * xLerp[x];
                    float v = t + (bo - t) * yLerp;
                    out[o++] = (v - 0.5f) * 2.0f;
                }
            }
        }
    }

    /**
     * Decodes an image to 8-bit RGB, as {@code tf.image.decode_image(channels=3)} does: grey is replicated to the
     * three channels, alpha is dropped (not composited), palettes are expanded, 16-bit samples are scaled to 8 bits.
     *
     * @throws UnreadableImageException if the bytes are not an image {@code javax.imageio} reads, are corrupt, or the
     *     image has more than {@link #MAX_PIXELS} pixels
     */
    public static Rgb decode(byte[] encoded) throws UnreadableImageException {
        if (encoded == null || encoded.length == 0) {
            throw new UnreadableImageException("empty file: not an image");
        }
        BufferedImage image;
        // A memory cache: ImageIO.createImageInputStream would spill the stream to a temporary file per image.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException("not an image in a format javax.imageio reads ("
                        + String.join(", ", ImageIO.getReaderFormatNames()).toLowerCase(java.util.Locale.ROOT) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
                    throw new UnreadableImageException(
                            "image is " + w + "x" + h + "; at most " + MAX_PIXELS + " pixels are decoded");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("cannot decode image", e);
        }
        return toRgb(image);
    }

    private static Rgb toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        Raster raster = image.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        boolean grey = image.getColorModel() instanceof ComponentColorModel
                && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && (bits == 8 || bits == 16);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            if (grey) {
                // getRGB would convert linear grey to sRGB and brighten it; TensorFlow replicates the stored sample.
                raster.getSamples(0, y, w, 1, 0, row);
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
            }
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                if (grey) {
                    rgb = (bits == 8 ? rgb : (int) Math.round(rgb * 255.0 / 65535.0)) * 0x010101;
                }
                int o = (y * w + x) * 3;
                out[o] = (byte) (rgb >> 16);
                out[o + 1] = (byte) (rgb >> 8);
                out[o + 2] = (byte) rgb;
            }
        }
        return new Rgb(h, w, out);
    }

    /**
     * A decoded 8-bit RGB image.
     *
     * @param height rows
     * @param width columns
     * @param pixels {@code height * width * 3} bytes, row-major, R G B interleaved (unsigned)
     */
    public record Rgb(int height, int width, byte[] pixels) {
        /** The validated image; {@code pixels} is not copied. */
        public Rgb {
            if (height < 1 || width < 1 || pixels == null || pixels.length != height * width * 3) {
                throw new IllegalArgumentException("pixels: need height*width*3 bytes for " + height + "x" + width);
            }
        }
    }
}
