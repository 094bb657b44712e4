/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of {@code spark-infer}, declared once: each field is a picocli option (name, type, default, help) of
 * {@link SparkInferCommand}, and a program calling {@link SparkInference} gives the same words to {@link #parse}.
 * {@link #validate} checks them; {@link SparkInference#run} calls it.
 */
public final class SparkInferenceOptions {
    /** The largest {@code --batch-size}. */
    public static final int MAX_BATCH_SIZE = 4096;

    @Option(names = "--master", description = "Spark master, e.g. local[2]; default: spark-submit's.")
    String master;

    @Option(
            names = "--saved-model",
            paramLabel = "DIR",
            description = "SavedModel directory (DIR or DIR/<version>); not with --model-shipping spark-files.")
    Path savedModel;

    @Option(
            names = "--model-shipping",
            paramLabel = "MODE",
            description = "One of ${COMPLETION-CANDIDATES}: shared (the same path on every executor), add-file (the"
                    + " driver ships it) or spark-files (shipped by spark-submit --files). Default: ${DEFAULT-VALUE}.")
    ModelShipping modelShipping = ModelShipping.SHARED;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "Directory of images (read recursively) or a Parquet table.")
    String input;

    @Option(
            names = "--input-format",
            paramLabel = "FORMAT",
            description = "One of ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    InputFormat inputFormat = InputFormat.IMAGES;

    @Option(names = "--id-column", description = "Parquet id column, written as a string. Default: ${DEFAULT-VALUE}.")
    String idColumn = "id";

    @Option(
            names = "--image-column",
            description = "Parquet binary column of encoded images. Default: ${DEFAULT-VALUE}.")
    String imageColumn = "image";

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet table to write.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(
            names = "--top-k",
            description = "Classes kept per image; 0 (none) only with --features. Default: ${DEFAULT-VALUE}.")
    int topK = 5;

    @Option(
            names = "--batch-size",
            description = "Images per session run in a partition, 1..4096. Default: ${DEFAULT-VALUE}.")
    int batchSize = 32;

    @Option(names = "--features", description = "Also write the pooled features.")
    boolean features;

    @Option(
            names = "--image-size",
            description = "Resize to this size; 0 = the model's (required for a dynamic-size model).")
    int imageSize;

    @Option(
            names = "--central-crop",
            paramLabel = "<centralCrop>",
            description = "Inception central crop fraction, 1 = none. Default: ${DEFAULT-VALUE}.")
    double centralFraction = dev.slimport.resnet.preprocess.InceptionPreprocessing.CENTRAL_FRACTION;

    @Option(names = "--partitions", description = "Repartition the input first; 0 keeps Spark's partitioning.")
    int partitions;

    @Option(
            names = "--intra-op-threads",
            description = "TensorFlow intra-op threads per executor; 0 = TensorFlow's default.")
    int intraOpThreads;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "Extra Spark setting (repeatable), applied when the run creates the session.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    /** The defaults; picocli fills the fields from the command line. */
    public SparkInferenceOptions() {}

    /**
     * The options of a {@code spark-infer} command line, parsed as the command does ({@link #configure}) and
     * validated: the Java API and the CLI take the same words.
     *
     * <pre>{@code
     * SparkInferenceOptions.parse("--saved-model", "models/r50", "--input", "images/", "--output", "out.parquet",
     *     "--master", "local[2]", "--top-k", "5", "--batch-size", "32");
     * }</pre>
     *
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public static SparkInferenceOptions parse(String... args) {
        SparkInferenceOptions o = new SparkInferenceOptions();
        try {
            configure(new CommandLine(o)).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return o.validate();
    }

    /**
     * Sets {@code cl} up as {@code resnet-bench} sets up its command line: enum values are case-insensitive, and an
     * option given again replaces the earlier value.
     */
    static CommandLine configure(CommandLine cl) {
        return cl.setCaseInsensitiveEnumValuesAllowed(true).setOverwrittenOptionsAllowed(true);
    }

    /**
     * Checks the options on their own (the model and the input are checked by {@link SparkInference#run}).
     *
     * @return this
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public SparkInferenceOptions validate() {
        if (master != null && master.isBlank()) {
            throw new IllegalArgumentException("master: must not be blank (e.g. local[2], spark://host:7077, yarn)");
        }
        if (modelShipping == ModelShipping.SPARK_FILES && savedModel != null) {
            throw new IllegalArgumentException("saved-model: not used with --model-shipping spark-files (the model's"
                    + " files come from spark-submit --files); leave it out");
        }
        if (modelShipping != ModelShipping.SPARK_FILES
                && (savedModel == null || savedModel.toString().isEmpty())) {
            throw new IllegalArgumentException(
                    "saved-model: a SavedModel directory is required (with --model-shipping " + modelShipping + ")");
        }
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("input: a directory of images or a Parquet table is required");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("output: a Parquet output path is required");
        }
        if (stripSlash(input).equals(stripSlash(output))) {
            throw new IllegalArgumentException("output: must differ from input, got " + output);
        }
        if (idColumn.isBlank()) {
            throw new IllegalArgumentException("id-column: must not be blank");
        }
        if (imageColumn.isBlank()) {
            throw new IllegalArgumentException("image-column: must not be blank");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k: must be >= 0 (0 writes no classes), got " + topK);
        }
        if (topK == 0 && !features) {
            throw new IllegalArgumentException(
                    "top-k: 0 without --features leaves nothing to write; use top-k >= 1 or add --features");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch-size: must be in 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (imageSize < 0 || imageSize > 8192) {
            throw new IllegalArgumentException("image-size: must be 0 (the model's) or in 1..8192, got " + imageSize);
        }
        if (!(centralFraction > 0 && centralFraction <= 1)) {
            throw new IllegalArgumentException("central-crop: must be in (0, 1] (1 = no crop), got " + centralFraction);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions: must be >= 0 (0 keeps the input's), got " + partitions);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intra-op-threads: must be >= 0 (0 for TensorFlow's default), got " + intraOpThreads);
        }
        return this;
    }

    private static String stripSlash(String s) {
        String t = s.strip();
        while (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
