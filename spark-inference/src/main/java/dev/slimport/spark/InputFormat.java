/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.util.Locale;

/** What {@code --input} is ({@code --input-format}). */
public enum InputFormat {
    /** A directory of image files, read recursively with Spark's {@code binaryFile} source; the id is the file's URI. */
    IMAGES,
    /** A Parquet table with an id column and a binary column of encoded images. */
    PARQUET;

    /** The option value, which picocli also accepts: {@code images} or {@code parquet}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
