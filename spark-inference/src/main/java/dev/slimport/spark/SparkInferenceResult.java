/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.util.Locale;

/**
 * What a {@code spark-infer} run did.
 *
 * @param output the Parquet table written
 * @param rows the rows written (one per input image or file)
 * @param errors the rows with an {@code error}
 * @param modelLoads how many executor JVMs loaded the model for this job (0 for those that already held it)
 * @param partitions the partitions the inference ran in
 * @param imageHeight the height images were resized to
 * @param imageWidth the width images were resized to
 * @param modelDir the model directory the driver checked
 * @param checkMillis the driver's model check (load and one image)
 * @param jobMillis the inference job: read, preprocess, infer, write
 * @param preprocessMillis task time spent reading and preprocessing images, summed over tasks (accumulator; a
 *     retried task counts twice)
 * @param inferenceMillis task time spent in the model (load if first, run, copy out), summed over tasks
 */
public record SparkInferenceResult(
        String output,
        long rows,
        long errors,
        long modelLoads,
        int partitions,
        int imageHeight,
        int imageWidth,
        String modelDir,
        long checkMillis,
        long jobMillis,
        long preprocessMillis,
        long inferenceMillis) {

    /** Rows per second of the inference job. */
    public double imagesPerSecond() {
        return jobMillis == 0 ? 0 : rows * 1000.0 / jobMillis;
    }

    /** One line for the end of a run. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "spark-infer: wrote %d rows (%d errors) to %s in %.1f s (%.1f images/s,"
                        + " %d partitions, %dx%d, model loads %d, driver check %.1f s; task time: preprocess %.1f s, model %.1f s)",
                rows,
                errors,
                output,
                jobMillis / 1000.0,
                imagesPerSecond(),
                partitions,
                imageHeight,
                imageWidth,
                modelLoads,
                checkMillis / 1000.0,
                preprocessMillis / 1000.0,
                inferenceMillis / 1000.0);
    }
}
