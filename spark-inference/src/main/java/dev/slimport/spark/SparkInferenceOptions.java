/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of {@code spark-infer}: which SavedModel, how executors get it, what to read, what to write.
 *
 * @param master the Spark master ({@code --master}, e.g. {@code local[2]}); null to take spark-submit's
 * @param savedModel the SavedModel directory (the export layout {@code DIR/<version>/} or a version directory);
 *     null only with {@link ModelShipping#SPARK_FILES}
 * @param modelShipping how executors get the model ({@code --model-shipping}, default {@code shared})
 * @param input a directory of images or a Parquet table (a path or a Hadoop URI)
 * @param inputFormat {@code images} (default) or {@code parquet}
 * @param idColumn the Parquet id column (default {@code id}), written as a string
 * @param imageColumn the Parquet binary column holding encoded images (default {@code image})
 * @param output the Parquet table to write (a path or a Hadoop URI)
 * @param overwrite replace an existing {@code output}
 * @param topK how many classes (with probabilities) to keep per image, 0 for none (default 5)
 * @param batchSize images per {@code Session.run} inside a partition (default 32)
 * @param features also write the pooled features ({@code features} output)
 * @param imageSize the height and width to resize to; 0 takes the model's (required for a dynamic-size model)
 * @param centralFraction slim's Inception central crop, in (0, 1] (default 0.875; 1 for no crop)
 * @param partitions repartition the input into this many partitions first; 0 keeps Spark's input partitioning
 * @param intraOpThreads TensorFlow intra-op threads per executor JVM; 0 for TensorFlow's default (all cores)
 * @param progress print progress lines to stderr
 * @param sparkConf extra Spark settings ({@code --conf k=v}) applied when this run creates the session
 */
public record SparkInferenceOptions(
        String master,
        Path savedModel,
        ModelShipping modelShipping,
        String input,
        InputFormat inputFormat,
        String idColumn,
        String imageColumn,
        String output,
        boolean overwrite,
        int topK,
        int batchSize,
        boolean features,
        int imageSize,
        double centralFraction,
        int partitions,
        int intraOpThreads,
        boolean progress,
        Map<String, String> sparkConf) {

    /** The default {@code --top-k}. */
    public static final int DEFAULT_TOP_K = 5;

    /** The default {@code --batch-size}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** The largest {@code --batch-size}. */
    public static final int MAX_BATCH_SIZE = 4096;

    /**
     * The validated options; {@code sparkConf} is copied.
     *
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public SparkInferenceOptions {
        if (master != null && master.isBlank()) {
            throw new IllegalArgumentException("master: must not be blank (e.g. local[2], spark://host:7077, yarn)");
        }
        if (modelShipping == null) {
            modelShipping = ModelShipping.SHARED;
        }
        if (modelShipping == ModelShipping.SPARK_FILES) {
            if (savedModel != null) {
                throw new IllegalArgumentException(
                        "saved-model: not used with --model-shipping spark-files (the model's"
                                + " files come from spark-submit --files); leave it out");
            }
        } else if (savedModel == null || savedModel.toString().isEmpty()) {
            throw new IllegalArgumentException("saved-model: a SavedModel directory is required (with --model-shipping "
                    + modelShipping.optionValue() + ")");
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
        if (inputFormat == null) {
            inputFormat = InputFormat.IMAGES;
        }
        if (idColumn == null) {
            idColumn = "id";
        }
        if (imageColumn == null) {
            imageColumn = "image";
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
                    "top-k: 0 without --features leaves nothing to write; use top-k >= 1" + " or add --features");
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
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
    }

    private static String stripSlash(String s) {
        String t = s.strip();
        while (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /**
     * A builder with the defaults: shared model, images input, top-5, batch 32, no features, the model's size, slim's
     * 0.875 crop, progress on.
     *
     * @param savedModel the SavedModel directory (null with {@link ModelShipping#SPARK_FILES})
     * @param input the images directory or Parquet table
     * @param output the Parquet table to write
     */
    public static Builder builder(Path savedModel, String input, String output) {
        return new Builder(savedModel, input, output);
    }

    /** Builds {@link SparkInferenceOptions}; {@link #build} validates. */
    public static final class Builder {
        private String master;
        private Path savedModel;
        private ModelShipping modelShipping = ModelShipping.SHARED;
        private final String input;
        private InputFormat inputFormat = InputFormat.IMAGES;
        private String idColumn = "id";
        private String imageColumn = "image";
        private final String output;
        private boolean overwrite;
        private int topK = DEFAULT_TOP_K;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean features;
        private int imageSize;
        private double centralFraction = ImagePreprocessing.DEFAULT_CENTRAL_FRACTION;
        private int partitions;
        private int intraOpThreads;
        private boolean progress = true;
        private final Map<String, String> sparkConf = new LinkedHashMap<>();

        private Builder(Path savedModel, String input, String output) {
            this.savedModel = savedModel;
            this.input = input;
            this.output = output;
        }

        /** {@code --master}. */
        public Builder master(String m) {
            this.master = m;
            return this;
        }

        /** {@code --model-shipping}; {@link ModelShipping#SPARK_FILES} clears the saved-model path. */
        public Builder modelShipping(ModelShipping m) {
            this.modelShipping = m;
            if (m == ModelShipping.SPARK_FILES) {
                this.savedModel = null;
            }
            return this;
        }

        /** {@code --input-format}. */
        public Builder inputFormat(InputFormat f) {
            this.inputFormat = f;
            return this;
        }

        /** {@code --id-column}. */
        public Builder idColumn(String c) {
            this.idColumn = c;
            return this;
        }

        /** {@code --image-column}. */
        public Builder imageColumn(String c) {
            this.imageColumn = c;
            return this;
        }

        /** {@code --overwrite}. */
        public Builder overwrite(boolean o) {
            this.overwrite = o;
            return this;
        }

        /** {@code --top-k}. */
        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /** {@code --batch-size}. */
        public Builder batchSize(int b) {
            this.batchSize = b;
            return this;
        }

        /** {@code --features}. */
        public Builder features(boolean f) {
            this.features = f;
            return this;
        }

        /** {@code --image-size} (0 = the model's). */
        public Builder imageSize(int s) {
            this.imageSize = s;
            return this;
        }

        /** {@code --central-crop}. */
        public Builder centralFraction(double f) {
            this.centralFraction = f;
            return this;
        }

        /** {@code --partitions}. */
        public Builder partitions(int p) {
            this.partitions = p;
            return this;
        }

        /** {@code --intra-op-threads}. */
        public Builder intraOpThreads(int t) {
            this.intraOpThreads = t;
            return this;
        }

        /** Progress lines on stderr ({@code --quiet} turns them off). */
        public Builder progress(boolean p) {
            this.progress = p;
            return this;
        }

        /** {@code --conf key=value}. */
        public Builder sparkConf(String key, String value) {
            this.sparkConf.put(key, value);
            return this;
        }

        /** The validated options. */
        public SparkInferenceOptions build() {
            return new SparkInferenceOptions(
                    master,
                    savedModel,
                    modelShipping,
                    input,
                    inputFormat,
                    idColumn,
                    imageColumn,
                    output,
                    overwrite,
                    topK,
                    batchSize,
                    features,
                    imageSize,
                    centralFraction,
                    partitions,
                    intraOpThreads,
                    progress,
                    sparkConf);
        }
    }
}
