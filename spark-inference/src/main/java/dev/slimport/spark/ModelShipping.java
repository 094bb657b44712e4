/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the executors get the SavedModel ({@code --model-shipping}). */
public enum ModelShipping {
    /**
     * Every executor reads {@code --saved-model} at the same path: a shared filesystem (NFS, a mounted bucket) or
     * local mode.
     */
    SHARED,
    /**
     * The driver ships the model's files with {@code SparkContext.addFile} (saved_model.pb and each file under
     * variables/); each executor fetches them and rebuilds the SavedModel layout in its SparkFiles directory.
     */
    ADD_FILE,
    /**
     * spark-submit already shipped the model's files with {@code --files}; driver and executors rebuild the SavedModel
     * layout from their SparkFiles directory. {@code --saved-model} is not used.
     */
    SPARK_FILES;

    /** The option value: {@code shared}, {@code add-file}, {@code spark-files}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses an option value.
     *
     * @throws IllegalArgumentException naming {@code model-shipping} and the allowed values
     */
    public static ModelShipping parse(String value) {
        for (ModelShipping m : values()) {
            if (m.optionValue().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("model-shipping: must be one of " + allowed() + ", got " + value);
    }

    static String allowed() {
        return Arrays.stream(values()).map(ModelShipping::optionValue).collect(Collectors.joining(", "));
    }
}
