/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The format and pixel size of an encoded image, read in plain Java from its header only, so that an image too large
 * to decode (a 20000×20000 PNG is 1.2 GB as uint8 RGB, 4.8 GB as float) is refused before TensorFlow's decoder
 * allocates it. The formats are the four {@link InceptionPreprocessing#decode} accepts, recognised by the same
 * signatures TensorFlow's {@code DecodeImage} checks: JPEG ({@code FF D8 FF}), PNG ({@code 89 'PNG' 0D 0A 1A 0A}), GIF
 * ({@code 'GIF8'}) and BMP ({@code 'BM'}).
 *
 * <ul>
 *   <li>PNG: the {@code IHDR} chunk's width and height.
 *   <li>JPEG: the first start-of-frame marker ({@code SOF0}–{@code SOF15} except {@code DHT}, {@code JPG}, {@code
 *       DAC}), after skipping the segments before it (EXIF, ICC profiles, comments).
 *   <li>GIF: the logical screen size (the canvas TensorFlow's GIF decoder returns).
 *   <li>BMP: the DIB header's width and height (negative height: top-down rows), {@code BITMAPCOREHEADER} included.
 * </ul>
 *
 * <p>Only the header is checked: a file with a valid header may still fail to decode.
 *
 * <pre>{@code
 * ImageHeader.read(bytes).requirePixelsAtMost(ImageHeader.DEFAULT_MAX_PIXELS); // throws ImageFormatException
 * }</pre>
 *
 * @param format the format found
 * @param width the width in pixels, at least 1
 * @param height the height in pixels, at least 1
 */
public record ImageHeader(Format format, int width, int height) {

    /**
     * The default largest image decoded: 2<sup>26</sup> pixels (8192×8192, 192 MiB as uint8 RGB), above any camera
     * photograph in common use.
     */
    public static final long DEFAULT_MAX_PIXELS = 1L << 26;

    /** The formats TensorFlow's {@code DecodeImage} reads. */
    public enum Format {
        /** JPEG (JFIF, EXIF), baseline or progressive. */
        JPEG,
        /** PNG, any bit depth and colour type. */
        PNG,
        /** GIF 87a or 89a; the first frame is decoded. */
        GIF,
        /** Windows bitmap. */
        BMP;

        /** The lower-case name used in messages, e.g. {@code png}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The formats, as messages list them. */
    static final String FORMATS = "JPEG, PNG, GIF or BMP";

    /**
     * The validated header.
     *
     * @throws IllegalArgumentException when a dimension is below 1 or the format is missing
     */
    public ImageHeader {
        if (format == null) {
            throw new IllegalArgumentException("format: must be one of " + FORMATS);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width, height: must be at least 1, got " + width + "x" + height);
        }
    }

    /** The number of pixels, {@code width * height}. */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * This header, when the image has at most {@code maxPixels} pixels.
     *
     * @param maxPixels the largest number of pixels allowed, at least 1
     * @return this header
     * @throws ImageFormatException naming the size and the format when the image is larger
     * @throws IllegalArgumentException when {@code maxPixels} is below 1
     */
    public ImageHeader requirePixelsAtMost(long maxPixels) throws ImageFormatException {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels: must be at least 1, got " + maxPixels);
        }
        if (pixels() > maxPixels) {
            throw new ImageFormatException(String.format(
                    Locale.ROOT,
                    "%s image is %dx%d (%d pixels), more than the %d pixels decoded at most; not decoded",
                    format,
                    width,
                    height,
                    pixels(),
                    maxPixels));
        }
        return this;
    }

    /**
     * Reads the header of an encoded image.
     *
     * @param encoded the file's bytes (only the header is read)
     * @return its format and size
     * @throws ImageFormatException when the bytes are not JPEG, PNG, GIF or BMP, or the header is short or invalid
     */
    public static ImageHeader read(byte[] encoded) throws ImageFormatException {
        try {
            return read(new ByteArrayInputStream(encoded));
        } catch (ImageFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    /**
     * Reads the header of an image file, reading no further than the header.
     *
     * @param file the image file
     * @return its format and size
     * @throws ImageFormatException when the file is not JPEG, PNG, GIF or BMP, or its header is short or invalid
     * @throws IOException when the file cannot be read
     */
    public static ImageHeader read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in);
        }
    }

    /**
     * Reads the header from the start of a stream; the stream is left after the header, not closed.
     *
     * @param in the encoded image, from its first byte
     * @return its format and size
     * @throws ImageFormatException when the bytes are not JPEG, PNG, GIF or BMP, or the header is short or invalid
     * @throws IOException when the stream fails
     */
    public static ImageHeader read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(8);
        if (head.length >= 3 && u8(head, 0) == 0xFF && u8(head, 1) == 0xD8 && u8(head, 2) == 0xFF) {
            return jpeg(in, head);
        }
        if (head.length == 8 && startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return png(in);
        }
        if (head.length >= 4 && startsWith(head, 'G', 'I', 'F', '8')) {
            return gif(in, head);
        }
        if (head.length >= 2 && startsWith(head, 'B', 'M')) {
            return bmp(in, head);
        }
        if (head.length == 0) {
            throw new ImageFormatException("empty file: not a " + FORMATS + " image");
        }
        throw new ImageFormatException("unknown image format: the first bytes "
                + HexFormat.ofDelimiter(" ").formatHex(head)
                + " are not the signature of a " + FORMATS + " image");
    }

    private static ImageHeader png(InputStream in) throws IOException {
        // Length (4), type "IHDR" (4), width (4, big-endian), height (4): the first chunk must be IHDR.
        byte[] b = readFully(in, 16, Format.PNG);
        if (!(b[4] == 'I' && b[5] == 'H' && b[6] == 'D' && b[7] == 'R')) {
            throw new ImageFormatException("png image: the first chunk is not IHDR");
        }
        return of(Format.PNG, be32(b, 8), be32(b, 12));
    }

    private static ImageHeader gif(InputStream in, byte[] head) throws IOException {
        // "GIF87a"/"GIF89a", then the logical screen width and height, 16-bit little-endian.
        byte[] b = concat(head, readFully(in, 10 - head.length, Format.GIF));
        if (!(b[4] == '7' || b[4] == '9') || b[5] != 'a') {
            throw new ImageFormatException("gif image: version is not 87a or 89a");
        }
        return of(Format.GIF, u16le(b, 6), u16le(b, 8));
    }

    private static ImageHeader bmp(InputStream in, byte[] head) throws IOException {
        // File header (14 bytes), then the DIB header: its size (4), width and height.
        byte[] b = concat(head, readFully(in, 18 - head.length, Format.BMP));
        long dibSize = u32le(b, 14);
        if (dibSize == 12) {
            byte[] core = readFully(in, 4, Format.BMP);
            return of(Format.BMP, u16le(core, 0), u16le(core, 2));
        }
        if (dibSize < 40) {
            throw new ImageFormatException("bmp image: unknown DIB header of " + dibSize + " bytes");
        }
        byte[] info = readFully(in, 8, Format.BMP);
        long width = (int) u32le(info, 0);
        long height = (int) u32le(info, 4);
        return of(Format.BMP, width, Math.abs(height));
    }

    private static ImageHeader jpeg(InputStream in, byte[] head) throws IOException {
        // Walk the marker segments after SOI until the first SOFn: FF, marker, 2-byte length (incl. itself), payload.
        InputStream s = new SequenceInputStream(new ByteArrayInputStream(head, 2, head.length - 2), in);
        while (true) {
            int b = s.read();
            if (b < 0) {
                throw new ImageFormatException("jpeg image: no frame header (SOF) before the end of the file");
            }
            if (b != 0xFF) {
                throw new ImageFormatException(
                        "jpeg image: invalid marker structure (byte 0x" + Integer.toHexString(b) + ")");
            }
            int marker = s.read();
            while (marker == 0xFF) { // fill bytes
                marker = s.read();
            }
            if (marker < 0) {
                throw new ImageFormatException("jpeg image: no frame header (SOF) before the end of the file");
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                continue; // TEM, RSTn, SOI: no length
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new ImageFormatException("jpeg image: no frame header (SOF) before the scan data");
            }
            byte[] len = readFully(s, 2, Format.JPEG);
            int length = (u8(len, 0) << 8) | u8(len, 1);
            if (length < 2) {
                throw new ImageFormatException("jpeg image: segment length " + length + " is invalid");
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                // Precision (1), height (2), width (2), big-endian.
                byte[] f = readFully(s, 5, Format.JPEG);
                int height = (u8(f, 1) << 8) | u8(f, 2);
                int width = (u8(f, 3) << 8) | u8(f, 4);
                if (height == 0) {
                    throw new ImageFormatException(
                            "jpeg image: height 0 in the frame header (defined later by a DNL marker), not supported");
                }
                return of(Format.JPEG, width, height);
            }
            try {
                s.skipNBytes(length - 2);
            } catch (EOFException e) {
                throw new ImageFormatException("jpeg image: header truncated");
            }
        }
    }

    private static ImageHeader of(Format format, long width, long height) throws ImageFormatException {
        if (width < 1 || height < 1 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageFormatException(
                    format.label() + " image: invalid size " + width + "x" + height + " in its header");
        }
        return new ImageHeader(format, (int) width, (int) height);
    }

    private static byte[] readFully(InputStream in, int n, Format format) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new ImageFormatException(format.label() + " image: header truncated");
        }
        return b;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (u8(b, i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    private static long u32le(byte[] b, int i) {
        return (u16le(b, i) | ((long) u16le(b, i + 2) << 16)) & 0xFFFFFFFFL;
    }

    private static long be32(byte[] b, int i) {
        return ((long) u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3);
    }
}
