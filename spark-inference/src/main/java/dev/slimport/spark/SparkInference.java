/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.slimport.savedmodel.SavedModelException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Batch inference of an exported SavedModel on Apache Spark: the library entry point of {@code resnet-bench
 * spark-infer} and of {@link SparkInferCommand#main} under spark-submit.
 *
 * <p>The driver first checks the model ({@link ModelCheck}: a missing or corrupt model fails here, before any
 * task), ships it if asked ({@link ModelShipping}), then runs one job: read the images ({@code binaryFile}) or the
 * Parquet table, run {@link PartitionInference} in {@code mapPartitions} (one model per executor JVM, batches of
 * {@code batchSize}), write Parquet {@code id, classes, probabilities, [features,] error}.
 *
 * <pre>{@code
 * SparkInferenceOptions o = SparkInferenceOptions.parse(
 *     "--saved-model", "models/r50", "--input", "images/", "--output", "out.parquet", "--master", "local[2]");
 * SparkInferenceResult r = SparkInference.run(o, System.err);   // IllegalArgumentException = usage error
 * }</pre>
 */
public final class SparkInference {
    private SparkInference() {}

    /** How long a local-mode run waits for its tasks' calls to finish before closing the model. */
    private static final Duration LOCAL_CLOSE_WAIT = Duration.ofSeconds(30);

    /** How long the job's end waits for the listener bus to deliver the last progress events. */
    private static final long PROGRESS_DRAIN_MILLIS = 5_000;

    /**
     * Checks the model, starts a Spark session ({@code --master}, or spark-submit's), runs the job and stops the
     * session. In local mode the models loaded by the tasks are closed before returning.
     *
     * @param log where progress lines and the summary go (stderr in the CLI)
     * @throws IllegalArgumentException for bad options, a missing model or input, or an existing output without
     *     {@code overwrite}: a usage error
     * @throws SavedModelException if the model is corrupt or incomplete; other runtime exceptions if the job fails
     */
    public static SparkInferenceResult run(SparkInferenceOptions options, PrintStream log) {
        options.validate();
        String master = options.master != null ? options.master : System.getProperty("spark.master");
        if (master == null) {
            throw new IllegalArgumentException(
                    "master: required when not launched by spark-submit, e.g. --master local[2]");
        }
        checkLocalPaths(options);
        ModelCheck check = options.modelShipping == ModelShipping.SPARK_FILES
                ? null
                : ModelCheck.check(options.savedModel, options);
        SparkSession.Builder builder = SparkSession.builder().appName("slimport spark-infer");
        if (options.master != null) {
            builder.master(options.master);
        }
        builder.config("spark.log.level", "WARN"); // --conf spark.log.level=... replaces it
        options.sparkConf.forEach(builder::config);
        Path packed = null;
        if (ExecutorJars.needed(options.master, options.sparkConf)) {
            try {
                packed = Files.createTempDirectory("slimport-jars");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Path> jars = ExecutorJars.find(packed);
            builder.config("spark.jars", jars.stream().map(Path::toString).collect(Collectors.joining(",")));
            if (!options.quiet) {
                log.printf(
                        "spark-infer: shipping %d jars (%.0f MB) to the executors: %s%n",
                        jars.size(),
                        jars.stream().mapToLong(j -> j.toFile().length()).sum() / 1e6,
                        jars.stream().map(j -> j.getFileName().toString()).collect(Collectors.joining(" ")));
            }
        }
        // add-file: the model's files go in spark.files, which every executor fetches when it starts. Files added with
        // SparkContext.addFile once the session runs were not fetched by the executors of a standalone cluster for this
        // job's tasks (seen with Spark 4.2.0; local mode fetches them), so addFile stays for sessions the caller owns.
        if (options.modelShipping == ModelShipping.ADD_FILE) {
            String files = ModelShipping.filesToShip(check.dir()).stream()
                    .map(Path::toString)
                    .collect(Collectors.joining(","));
            // The user's files (--conf, or spark-submit --files, which arrives as a system property) are kept.
            String user = options.sparkConf.getOrDefault("spark.files", System.getProperty("spark.files"));
            builder.config("spark.files", user == null || user.isBlank() ? files : user + "," + files);
        }
        SparkSession spark = builder.getOrCreate();
        try {
            return run(spark, options, check, log);
        } finally {
            spark.stop();
            if (master.startsWith("local")) {
                ExecutorModels.closeAll(LOCAL_CLOSE_WAIT);
            }
            if (packed != null) {
                ModelShipping.deleteTreeQuietly(packed);
            }
        }
    }

    /**
     * Runs the job in an existing session (which stays open; models stay loaded in its executors).
     *
     * @see #run(SparkInferenceOptions, PrintStream)
     */
    public static SparkInferenceResult run(SparkSession spark, SparkInferenceOptions options, PrintStream log) {
        options.validate();
        checkLocalPaths(options);
        return run(spark, options, null, log);
    }

    /**
     * Runs the job. {@code check} is the model check done before this run started the session (which then ships
     * add-file's files in {@code spark.files}), or null: the model is checked and its files are added here.
     */
    private static SparkInferenceResult run(
            SparkSession spark, SparkInferenceOptions o, ModelCheck check, PrintStream log) {
        SparkContext sc = spark.sparkContext();
        boolean addFiles = check == null && o.modelShipping == ModelShipping.ADD_FILE;
        if (check == null) {
            check = ModelCheck.check(
                    o.modelShipping == ModelShipping.SPARK_FILES
                            ? ModelShipping.assemble(Path.of(SparkFiles.getRootDirectory()))
                            : o.savedModel,
                    o);
        }
        Configuration hadoop = sc.hadoopConfiguration();
        checkOutput(o, hadoop);
        if (addFiles) {
            for (Path f : ModelShipping.filesToShip(check.dir())) {
                sc.addFile(f.toString());
            }
        }
        Dataset<Row> input = read(spark, o);
        if (o.partitions > 0) {
            input = input.repartition(o.partitions);
        }
        int partitions = input.rdd().getNumPartitions();
        PartitionInference.Counters counters = PartitionInference.Counters.register(sc);
        PartitionInference fn = new PartitionInference(
                o.modelShipping,
                check.dir().toString(),
                o.intraOpThreads,
                new Preprocessing(check.height(), check.width(), o.centralFraction),
                o.topK,
                o.features,
                o.batchSize,
                o.inputFormat == InputFormat.IMAGES ? new SerializableConfiguration(hadoop) : null,
                counters);
        Dataset<Row> results = input.mapPartitions(fn, Encoders.row(PartitionInference.outputSchema(o.features)));
        InferenceProgress progress = o.quiet ? null : new InferenceProgress(log, counters);
        if (progress != null) {
            sc.addSparkListener(progress);
        }
        long t0 = System.nanoTime();
        try {
            sc.setJobDescription("slimport spark-infer " + o.input + " -> " + o.output);
            results.write()
                    .mode(o.overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .parquet(o.output);
        } catch (Exception e) {
            // Spark's SparkException is checked in Java's terms but undeclared: caught here, rethrown as it was.
            String missing = ModelShipping.notOnExecutorMessageIn(e);
            if (missing != null) {
                throw new IllegalArgumentException(missing, e);
            }
            throw e;
        } finally {
            sc.setJobDescription(null);
            if (progress != null) {
                progress.awaitJobsDelivered(PROGRESS_DRAIN_MILLIS);
                sc.removeSparkListener(progress);
            }
        }
        long jobMillis = (System.nanoTime() - t0) / 1_000_000;
        Row counts = spark.read()
                .parquet(o.output)
                .agg(count(lit(1)), count(col("error")))
                .first();
        return new SparkInferenceResult(
                o.output,
                counts.getLong(0),
                counts.getLong(1),
                counters.loads().value(),
                partitions,
                check.height(),
                check.width(),
                check.dir().toString(),
                check.checkMillis(),
                jobMillis,
                counters.preprocessNanos().value() / 1_000_000,
                counters.inferenceNanos().value() / 1_000_000);
    }

    private static Dataset<Row> read(SparkSession spark, SparkInferenceOptions o) {
        try {
            if (o.inputFormat == InputFormat.IMAGES) {
                return spark.read()
                        .format("binaryFile")
                        .option("recursiveFileLookup", "true")
                        .load(o.input)
                        .select(col("path").as("id"), col("path"));
            }
            Dataset<Row> table = spark.read().parquet(o.input);
            requireColumn(table, "id-column", o.idColumn, o.input);
            requireColumn(table, "image-column", o.imageColumn, o.input);
            StructField image = table.schema().apply(o.imageColumn);
            if (!image.dataType().equals(DataTypes.BinaryType)) {
                throw new IllegalArgumentException("image-column: '" + o.imageColumn + "' must be binary (the encoded"
                        + " image's bytes), it is " + image.dataType().simpleString());
            }
            return table.select(
                    col(o.idColumn).cast(DataTypes.StringType).as("id"),
                    col(o.imageColumn).as("image"));
        } catch (Exception e) {
            // AnalysisException is checked in Java's terms but undeclared: caught here, anything else rethrown as it
            // was.
            if (e instanceof AnalysisException) {
                throw new IllegalArgumentException(
                        "input: cannot read " + o.input + " as " + o.inputFormat + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static void requireColumn(Dataset<Row> table, String option, String column, String input) {
        if (!Arrays.asList(table.columns()).contains(column)) {
            String columns = Arrays.stream(table.schema().fields())
                    .map(f -> f.name() + " " + f.dataType().simpleString())
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException(
                    option + ": '" + column + "' is not a column of " + input + "; it has: " + columns);
        }
    }

    private static void checkLocalPaths(SparkInferenceOptions o) {
        if (isPlainPath(o.input) && !Files.exists(Path.of(o.input))) {
            throw new IllegalArgumentException("input: " + Path.of(o.input).toAbsolutePath() + " does not exist");
        }
        if (isPlainPath(o.output) && !o.overwrite && Files.exists(Path.of(o.output))) {
            throw outputExists(Path.of(o.output).toAbsolutePath());
        }
    }

    private static void checkOutput(SparkInferenceOptions o, Configuration hadoop) {
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(o.output);
        try {
            FileSystem fs = out.getFileSystem(hadoop);
            if (!o.overwrite && fs.exists(out)) {
                throw outputExists(fs.makeQualified(out));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("output: cannot check " + o.output + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException outputExists(Object path) {
        return new IllegalArgumentException("output: " + path + " exists; choose another path or pass --overwrite");
    }

    private static boolean isPlainPath(String s) {
        return !s.contains(":");
    }
}
