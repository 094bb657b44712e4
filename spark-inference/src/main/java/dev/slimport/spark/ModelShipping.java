/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.util.Locale;

/** How the executors get the SavedModel ({@code --model-shipping}). */
public enum ModelShipping {
    /**
     * Every executor reads {@code --saved-model} at the same path: a shared filesystem (NFS, a mounted bucket) or
     * local mode.
     */
    SHARED,
    /**
     * The driver ships the model's files (saved_model.pb and each file under variables/): in {@code spark.files} when
     * the run creates the session, else with {@code SparkContext.addFile}; each executor fetches them and rebuilds
     * the SavedModel layout in its SparkFiles directory ({@link ShippedModel}).
     */
    ADD_FILE,
    /**
     * spark-submit already shipped the model's files with {@code --files}; driver and executors rebuild the SavedModel
     * layout from their SparkFiles directory. {@code --saved-model} is not used.
     */
    SPARK_FILES;

    /** The option value, which picocli also accepts: {@code shared}, {@code add-file}, {@code spark-files}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
