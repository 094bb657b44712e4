/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads the records of an uncompressed TFRecord file, one at a time, checking both CRCs — TensorFlow's record framing
 * as {@code tensorflow/core/lib/io/record_writer.cc} ({@code RecordWriter::WriteRecord}) writes it and {@code
 * record_reader.cc} reads it: per record a little-endian {@code uint64} length, the masked CRC-32C of those 8 bytes
 * ({@code uint32}), the data, the masked CRC-32C of the data. A masked CRC is {@code ((crc >>> 15) | (crc << 17)) +
 * 0xa282ead8} ({@code tensorflow/core/lib/hash/crc32c.h}, {@code Mask}).
 *
 * <p>Plain Java instead of TF's {@code TFRecordDataset}: one record in memory at a time, no graph, and a corrupt
 * record is reported with its offset. A data CRC mismatch fails only that record ({@link Corrupt#framingIntact()}
 * is true, the next record is still readable); a length CRC mismatch or a truncated record ends the file. GZIP or
 * ZLIB compressed files (TFRecordDataset's {@code compression_type}) are refused with that reason; slim's {@code
 * download_and_convert} scripts write uncompressed files.
 */
public final class TFRecordReader implements AutoCloseable {

    /** A record larger than this is refused (a corrupt length would otherwise allocate gigabytes). */
    public static final long MAX_RECORD_BYTES = 256L << 20;

    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final InputStream in;
    private long offset;
    private long index;

    private TFRecordReader(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    /** Opens {@code file}; fails with a clear message for a compressed file. */
    public static TFRecordReader open(Path file) throws IOException {
        refuseCompressed(file);
        return new TFRecordReader(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    /**
     * The number of records in {@code file}, reading only the 12-byte headers (checking their CRCs) and seeking
     * over the data.
     */
    public static long count(Path file) throws IOException {
        refuseCompressed(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            long n = 0;
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (pos < size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (ch.read(header, pos + header.position()) < 0) {
                        throw new IOException(file + ": truncated record header at offset " + pos);
                    }
                }
                long length = checkedLength(file, pos, header.array());
                long end = pos + 12 + length + 4;
                if (end > size) {
                    throw new IOException(file + ": record " + n + " at offset " + pos + " is truncated (" + length
                            + " data bytes announced, file ends " + (size - pos - 12) + " bytes later)");
                }
                pos = end;
                n++;
            }
            return n;
        }
    }

    /** A record that failed its CRC check or was truncated. */
    public static final class Corrupt extends IOException {
        private final boolean framingIntact;

        Corrupt(String message, boolean framingIntact) {
            super(message);
            this.framingIntact = framingIntact;
        }

        /** Whether the next record can still be read (only the data CRC failed). */
        public boolean framingIntact() {
            return framingIntact;
        }
    }

    /** The 0-based index of the record the next {@link #next()} returns. */
    public long index() {
        return index;
    }

    /**
     * The next record's data, or null at the end of the file.
     *
     * @throws Corrupt when the record fails a CRC or is truncated
     */
    public byte[] next() throws IOException {
        byte[] header = new byte[12];
        int got = in.readNBytes(header, 0, 12);
        if (got == 0) {
            return null;
        }
        long at = offset;
        long i = index++;
        if (got < 12) {
            throw new Corrupt(file + ": record " + i + " at offset " + at + ": truncated header", false);
        }
        long length;
        try {
            length = checkedLength(file, at, header);
        } catch (IOException e) {
            throw new Corrupt(e.getMessage(), false);
        }
        byte[] data = new byte[(int) length];
        byte[] crc = new byte[4];
        if (in.readNBytes(data, 0, data.length) < data.length || in.readNBytes(crc, 0, 4) < 4) {
            throw new Corrupt(file + ": record " + i + " at offset " + at + " is truncated", false);
        }
        offset = at + 12 + length + 4;
        int expected = ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (maskedCrc32c(data, 0, data.length) != expected) {
            throw new Corrupt(file + ": record " + i + " at offset " + at + ": data CRC mismatch", true);
        }
        return data;
    }

    /** TensorFlow's masked CRC-32C of {@code bytes[from, from+length)}. */
    static int maskedCrc32c(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    private static long checkedLength(Path file, long at, byte[] header) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = b.getLong(0);
        if (maskedCrc32c(header, 0, 8) != b.getInt(8)) {
            throw new IOException(
                    file + ": record at offset " + at + ": length CRC mismatch (not a TFRecord" + " file, or corrupt)");
        }
        if (length < 0 || length > MAX_RECORD_BYTES) {
            throw new IOException(file + ": record at offset " + at + " announces " + Long.toUnsignedString(length)
                    + " bytes, more than the " + (MAX_RECORD_BYTES >> 20) + " MiB allowed");
        }
        return length;
    }

    private static void refuseCompressed(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        }
        if (head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            throw new IOException(file + ": a GZIP-compressed file; only uncompressed TFRecord files are read"
                    + " (gunzip it first)");
        }
        if (head.length == 2 && (head[0] & 0xff) == 0x78 && ((head[0] & 0xff) * 256 + (head[1] & 0xff)) % 31 == 0) {
            // A zlib header; an uncompressed record's first byte is the low byte of its length, so check the CRC
            // before calling it compressed.
            try (InputStream in = Files.newInputStream(file)) {
                byte[] h = in.readNBytes(12);
                if (h.length == 12) {
                    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
                    if (maskedCrc32c(h, 0, 8) == b.getInt(8)) {
                        return;
                    }
                }
            }
            throw new IOException(file + ": a ZLIB-compressed file; only uncompressed TFRecord files are read");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
