/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class TFRecordReaderTest {

    @TempDir
    Path tmp;

    @Test
    void testWritersCrcHasTheStandardCheckValue() {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720, appendix B.4's check value)
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TestRecords.crc32c(check, 0, check.length)).isEqualTo(0xE3069283);
        assertThat(TFRecordReader.maskedCrc32c(check, 0, check.length)).isEqualTo(TestRecords.masked(check, 0, 9));
    }

    @Test
    void readsBackWhatThePlainWriterWrote() throws Exception {
        List<byte[]> records = List.of(new byte[0], "a".getBytes(), new byte[70000], "last".getBytes());
        Path f = TestRecords.write(tmp.resolve("r.tfrecord"), records);
        assertThat(TFRecordReader.count(f)).isEqualTo(4);
        try (TFRecordReader r = TFRecordReader.open(f)) {
            for (byte[] expected : records) {
                assertThat(r.next()).isEqualTo(expected);
            }
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void readsWhatTensorFlowsOwnWriterWrote() throws Exception {
        // TF's DatasetToTFRecord op writes the file with TensorFlow's RecordWriter.
        Path f = tmp.resolve("tf.tfrecord");
        String[] values = {"first", "", "x".repeat(1000), "fourth"};
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var dataset = tf.data.tensorSliceDataset(
                    List.of(tf.constant(StandardCharsets.UTF_8, values)), List.of(Shape.scalar()));
            var write = tf.data.datasetToTfRecord(dataset, tf.constant(f.toString()), tf.constant(""));
            try (Session s = new Session(g)) {
                s.runner().addTarget(write).run();
            }
        }
        assertThat(TFRecordReader.count(f)).isEqualTo(values.length);
        List<String> read = new ArrayList<>();
        try (TFRecordReader r = TFRecordReader.open(f)) {
            for (byte[] b; (b = r.next()) != null; ) {
                read.add(new String(b, StandardCharsets.UTF_8));
            }
        }
        assertThat(read).containsExactly(values);
    }

    @Test
    void aDataCrcMismatchFailsOneRecordAndTheNextIsStillRead() throws Exception {
        byte[] bytes = TestRecords.frame(List.of("hello".getBytes(), "world".getBytes()));
        bytes[12] ^= 1; // first data byte of record 0
        Path f = tmp.resolve("bad.tfrecord");
        Files.write(f, bytes);
        try (TFRecordReader r = TFRecordReader.open(f)) {
            assertThatThrownBy(r::next)
                    .isInstanceOfSatisfying(
                            TFRecordReader.Corrupt.class,
                            c -> assertThat(c.framingIntact()).isTrue())
                    .hasMessageContaining("record 0 at offset 0: data CRC mismatch");
            assertThat(r.next()).isEqualTo("world".getBytes());
        }
    }

    @Test
    void aLengthCrcMismatchOrTruncationEndsTheFile() throws Exception {
        byte[] bytes = TestRecords.frame(List.of("hello".getBytes(), "world".getBytes()));
        byte[] badLength = bytes.clone();
        badLength[21 + 1] ^= 1; // second record's length (record 0 is 12 + 5 + 4 = 21 bytes)
        Path f = tmp.resolve("len.tfrecord");
        Files.write(f, badLength);
        assertThatThrownBy(() -> TFRecordReader.count(f)).hasMessageContaining("offset 21: length CRC mismatch");
        try (TFRecordReader r = TFRecordReader.open(f)) {
            assertThat(r.next()).isEqualTo("hello".getBytes());
            assertThatThrownBy(r::next)
                    .isInstanceOfSatisfying(
                            TFRecordReader.Corrupt.class,
                            c -> assertThat(c.framingIntact()).isFalse());
        }
        Path t = tmp.resolve("trunc.tfrecord");
        Files.write(t, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> TFRecordReader.count(t)).hasMessageContaining("record 1 at offset 21 is truncated");
        try (TFRecordReader r = TFRecordReader.open(t)) {
            r.next();
            assertThatThrownBy(r::next).hasMessageContaining("truncated");
        }
    }

    @Test
    void refusesCompressedFilesWithTheReason() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(TestRecords.frame(List.of("a".getBytes())));
        }
        Path f = tmp.resolve("z.tfrecord");
        Files.write(f, gz.toByteArray());
        assertThatThrownBy(() -> TFRecordReader.open(f)).hasMessageContaining("GZIP-compressed");
        // a record of length 0x78 starts with the byte 0x78 too: not mistaken for zlib
        Path same = TestRecords.write(tmp.resolve("x.tfrecord"), List.of(new byte[0x78 + 0x9c * 256]));
        assertThat(TFRecordReader.count(same)).isEqualTo(1);
    }
}
