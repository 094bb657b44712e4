/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

/**
 * A plain-Java TFRecord writer for the tests, written from the format's documentation (TensorFlow's {@code
 * tf.io.TFRecordWriter}: {@code uint64 length}, {@code uint32 masked_crc32_of_length}, {@code byte data[length]},
 * {@code uint32 masked_crc32_of_data}, little-endian; {@code masked_crc = ((crc >> 15) | (crc << 17)) + 0xa282ead8})
 * with its own bitwise CRC-32C, not the reader's, and slim's {@code image_to_tfexample} Examples.
 */
final class TestRecords {
    private TestRecords() {}

    /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit. */
    static int crc32c(byte[] b, int from, int len) {
        int crc = 0xffffffff;
        for (int i = from; i < from + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    static int masked(byte[] b, int from, int len) {
        int crc = crc32c(b, from, len);
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    static void le64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    static void le32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) {
            out.write((v >>> (8 * i)) & 0xff);
        }
    }

    /** The framed bytes of {@code records}. */
    static byte[] frame(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            ByteArrayOutputStream len = new ByteArrayOutputStream();
            le64(len, r.length);
            byte[] l = len.toByteArray();
            out.writeBytes(l);
            le32(out, masked(l, 0, 8));
            out.writeBytes(r);
            le32(out, masked(r, 0, r.length));
        }
        return out.toByteArray();
    }

    static Path write(Path file, List<byte[]> records) throws IOException {
        Files.write(file, frame(records));
        return file;
    }

    /** slim's dataset_utils.image_to_tfexample: image/encoded, image/format, image/class/label (+ height/width). */
    static byte[] example(byte[] encoded, String format, long label) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder()
                        .putFeature("image/encoded", bytes(encoded))
                        .putFeature("image/format", bytes(format.getBytes()))
                        .putFeature("image/class/label", int64(label))
                        .putFeature("image/height", int64(1))
                        .putFeature("image/width", int64(1)))
                .build()
                .toByteArray();
    }

    /** build_imagenet_data.py's Example adds image/filename and image/class/text (and synset, bbox...). */
    static byte[] imagenetExample(byte[] encoded, long label, String synset, String text, String filename) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder()
                        .putFeature("image/encoded", bytes(encoded))
                        .putFeature("image/format", bytes("JPEG".getBytes()))
                        .putFeature("image/class/label", int64(label))
                        .putFeature("image/class/synset", bytes(synset.getBytes()))
                        .putFeature("image/class/text", bytes(text.getBytes()))
                        .putFeature("image/filename", bytes(filename.getBytes())))
                .build()
                .toByteArray();
    }

    static Feature bytes(byte[] b) {
        return Feature.newBuilder()
                .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(b)))
                .build();
    }

    static Feature int64(long v) {
        return Feature.newBuilder()
                .setInt64List(Int64List.newBuilder().addValue(v))
                .build();
    }
}
