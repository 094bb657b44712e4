/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.ServingSignature;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.tensorflow.ndarray.Shape;

/**
 * The work of one partition: rows are taken {@code batchSize} at a time, each decoded and preprocessed on its own by
 * the executor JVM's graph preprocessing ({@link ExecutorModels#preprocess}, {@link ImagePreprocessor}); the readable
 * ones run as one {@code [n,H,W,3]} batch through the executor JVM's shared model
 * ({@link ExecutorModels}); every input row gives one output row, in input order. An input that is not a readable
 * image gives a row with its message in {@code error} and null results. The batch's native tensors are closed
 * before the next batch is read, so a partition's memory does not grow with its size.
 *
 * <p>Input rows are {@code (id string, path string)} when {@code readFiles} (the task reads the file through
 * Hadoop's FileSystem, so an unreadable file is one error row, not a failed task) or {@code (id string, image
 * binary)}.
 *
 * @param shipping how this executor finds the model
 * @param modelDir the model directory the driver checked (used with {@link ModelShipping#SHARED})
 * @param intraOpThreads TensorFlow intra-op threads if this JVM loads the model, 0 for the default
 * @param preprocessing the preprocessing to the model's size (run by the executor's {@link ImagePreprocessor})
 * @param topK classes kept per image, 0 for none
 * @param features whether to write the pooled features
 * @param batchSize rows per model run
 * @param readFiles the driver's Hadoop configuration when the rows hold paths, null when they hold images
 * @param counters the job's accumulators
 */
record PartitionInference(
        ModelShipping shipping,
        String modelDir,
        int intraOpThreads,
        Preprocessing preprocessing,
        int topK,
        boolean features,
        int batchSize,
        SerializableConfiguration readFiles,
        Counters counters)
        implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** The largest file read as one image. */
    static final int MAX_FILE_BYTES = 256 << 20;

    /**
     * The job's accumulators, which the driver reads for progress and the result.
     *
     * @param images the rows inferred
     * @param errors the rows with an error
     * @param loads the model loads
     * @param preprocessNanos task time reading and preprocessing
     * @param inferenceNanos task time in the model
     */
    record Counters(
            LongAccumulator images,
            LongAccumulator errors,
            LongAccumulator loads,
            LongAccumulator preprocessNanos,
            LongAccumulator inferenceNanos)
            implements Serializable {
        /** New accumulators, registered with {@code sc}. */
        static Counters register(SparkContext sc) {
            return new Counters(
                    sc.longAccumulator("slimport.images"),
                    sc.longAccumulator("slimport.errors"),
                    sc.longAccumulator("slimport.modelLoads"),
                    sc.longAccumulator("slimport.preprocessNanos"),
                    sc.longAccumulator("slimport.inferenceNanos"));
        }
    }

    /** The output table's schema: id, classes, probabilities, [features,] error. */
    static StructType outputSchema(boolean features) {
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, true),
                array("classes", DataTypes.IntegerType),
                array("probabilities", DataTypes.FloatType)));
        if (features) {
            fields.add(array("features", DataTypes.FloatType));
        }
        fields.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    private static StructField array(String name, DataType element) {
        return DataTypes.createStructField(name, DataTypes.createArrayType(element, false), true);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        // Lazily, one batch at a time: a batch's rows are handed out before the next batch is read.
        return Stream.iterate(rows, Iterator::hasNext, r -> r)
                .flatMap(r -> runBatch(r).stream())
                .iterator();
    }

    /** The results of the next (up to) {@code batchSize} rows, in order. */
    private List<Row> runBatch(Iterator<Row> rows) {
        int per = preprocessing.floatsPerImage();
        List<String> ids = new ArrayList<>(batchSize);
        List<String> failures = new ArrayList<>(batchSize);
        float[] pixels = new float[batchSize * per];
        int good = 0;
        long t0 = System.nanoTime();
        while (ids.size() < batchSize && rows.hasNext()) {
            Row row = rows.next();
            ids.add(row.isNullAt(0) ? null : row.getString(0));
            try {
                ExecutorModels.preprocess(preprocessing, bytes(row), pixels, good * per);
                good++;
                failures.add(null);
            } catch (UnreadableImageException e) {
                failures.add(e.getMessage());
            }
        }
        long t1 = System.nanoTime();
        counters.preprocessNanos().add(t1 - t0);
        FloatValues probabilities = null;
        FloatValues pooled = null;
        if (good > 0) {
            FloatValues batch = new FloatValues(
                    Shape.of(good, preprocessing.height(), preprocessing.width(), 3),
                    good == batchSize ? pixels : Arrays.copyOf(pixels, good * per));
            Map<String, FloatValues> result = ExecutorModels.predict(
                    shipping.modelOnExecutor(modelDir),
                    intraOpThreads,
                    batch,
                    () -> counters.loads().add(1));
            counters.inferenceNanos().add(System.nanoTime() - t1);
            probabilities = topK > 0 ? result.get(ServingSignature.PREDICTIONS) : null;
            pooled = features ? result.get(ServingSignature.FEATURES) : null;
        }
        List<Row> out = new ArrayList<>(ids.size());
        int k = 0;
        for (int i = 0; i < ids.size(); i++) {
            Object[] row = new Object[features ? 5 : 4];
            row[0] = ids.get(i);
            row[row.length - 1] = failures.get(i);
            if (failures.get(i) == null) {
                if (probabilities != null) {
                    int classes = (int) probabilities.shape().get(1);
                    int[] top = TopK.indices(probabilities.data(), k * classes, classes, topK);
                    float[] topP = new float[top.length];
                    for (int j = 0; j < top.length; j++) {
                        topP[j] = probabilities.data()[k * classes + top[j]];
                    }
                    row[1] = top;
                    row[2] = topP;
                }
                if (pooled != null) {
                    int depth = (int) pooled.shape().get(1);
                    row[3] = Arrays.copyOfRange(pooled.data(), k * depth, (k + 1) * depth);
                }
                k++;
            }
            out.add(RowFactory.create(row));
        }
        counters.images().add(good);
        counters.errors().add(ids.size() - good);
        return out;
    }

    private byte[] bytes(Row row) throws UnreadableImageException {
        if (row.isNullAt(1)) {
            throw new UnreadableImageException(readFiles != null ? "no path" : "the image column is null");
        }
        if (readFiles == null) {
            return (byte[]) row.get(1);
        }
        String path = row.getString(1);
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(readFiles.value());
            try (FSDataInputStream in = fs.open(p)) {
                byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
                if (b.length > MAX_FILE_BYTES) {
                    throw new UnreadableImageException("file is larger than " + MAX_FILE_BYTES + " bytes");
                }
                return b;
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("cannot read file", e);
        }
    }
}
