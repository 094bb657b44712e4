/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

/**
 * One example of a {@link LabelledImages} set: where it comes from, its label index in the model's output, and
 * either its encoded image bytes or why they could not be read.
 *
 * @param source the file ({@code DIR/<class>/<image>}) or the TFRecord record ({@code FILE#<index>}, with the
 *     record's {@code image/filename} in parentheses when it has one)
 * @param label the index into the model's classes; -1 when the example has no usable label
 * @param encoded the encoded image (JPEG, PNG, GIF or BMP), null when unreadable
 * @param problem why the example could not be read, null when it could
 */
public record LabelledImage(String source, int label, byte[] encoded, String problem) {

    /** A readable example. */
    public static LabelledImage of(String source, int label, byte[] encoded) {
        return new LabelledImage(source, label, encoded, null);
    }

    /** An example that could not be read, with the reason. */
    public static LabelledImage unreadable(String source, int label, String problem) {
        return new LabelledImage(source, label, null, problem);
    }

    /** Whether the bytes were read (they may still fail to decode). */
    public boolean readable() {
        return problem == null;
    }
}
