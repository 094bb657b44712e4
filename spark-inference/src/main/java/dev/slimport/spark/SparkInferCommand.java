/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-infer}: the command line of {@link SparkInference}, usable as a picocli subcommand or, through
 * {@link #main}, as the main class given to spark-submit. Exit codes: 0 done, 2 usage error (bad option, missing
 * model or input, existing output), 1 runtime failure (corrupt model, failed job). The summary goes to stdout,
 * progress and errors to stderr; stack traces only with {@code --verbose}.
 */
@Command(
        name = "spark-infer",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Batch inference with an exported SavedModel on Apache Spark: a directory of images or a Parquet"
                + " table in, a Parquet table of top-k classes (and optionally features) out.")
public final class SparkInferCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--master", description = "Spark master, e.g. local[2]; default: spark-submit's.")
    String master;

    @Option(
            names = "--saved-model",
            paramLabel = "DIR",
            description = "SavedModel directory (DIR or DIR/<version>); not with --model-shipping spark-files.")
    Path savedModel;

    @Option(
            names = "--model-shipping",
            defaultValue = "shared",
            paramLabel = "MODE",
            description =
                    "shared (same path on every executor), add-file (the driver ships it with SparkContext.addFile)"
                            + " or spark-files (shipped by spark-submit --files). Default: ${DEFAULT-VALUE}.")
    String modelShipping;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "Directory of images (read recursively) or a Parquet table.")
    String input;

    @Option(
            names = "--input-format",
            defaultValue = "images",
            paramLabel = "FORMAT",
            description = "images or parquet. Default: ${DEFAULT-VALUE}.")
    String inputFormat;

    @Option(names = "--id-column", defaultValue = "id", description = "Parquet id column. Default: ${DEFAULT-VALUE}.")
    String idColumn;

    @Option(
            names = "--image-column",
            defaultValue = "image",
            description = "Parquet binary column of encoded images. Default: ${DEFAULT-VALUE}.")
    String imageColumn;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet table to write.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(names = "--top-k", defaultValue = "5", description = "Classes kept per image. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--batch-size",
            defaultValue = "32",
            description = "Images per session run in a partition. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--features", description = "Also write the pooled features.")
    boolean features;

    @Option(
            names = "--image-size",
            defaultValue = "0",
            description = "Resize to this size; 0 = the model's (required for a dynamic-size model).")
    int imageSize;

    @Option(
            names = "--central-crop",
            defaultValue = "0.875",
            description = "Inception central crop fraction, 1 = none. Default: ${DEFAULT-VALUE}.")
    double centralCrop;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Repartition the input first; 0 keeps Spark's partitioning.")
    int partitions;

    @Option(
            names = "--intra-op-threads",
            defaultValue = "0",
            description = "TensorFlow intra-op threads per executor; 0 = TensorFlow's default.")
    int intraOpThreads;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on failure.")
    boolean verbose;

    /**
     * The options as parsed.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public SparkInferenceOptions options() {
        ModelShipping shipping = ModelShipping.parse(modelShipping);
        SparkInferenceOptions.Builder b = SparkInferenceOptions.builder(savedModel, input, output)
                .master(master)
                .modelShipping(shipping)
                .inputFormat(InputFormat.parse(inputFormat))
                .idColumn(idColumn)
                .imageColumn(imageColumn)
                .overwrite(overwrite)
                .topK(topK)
                .batchSize(batchSize)
                .features(features)
                .imageSize(imageSize)
                .centralFraction(centralCrop)
                .partitions(partitions)
                .intraOpThreads(intraOpThreads)
                .progress(!quiet);
        if (shipping == ModelShipping.SPARK_FILES && savedModel != null) {
            throw new IllegalArgumentException("saved-model: not used with --model-shipping spark-files (the model's"
                    + " files come from spark-submit --files); leave it out");
        }
        conf.forEach(b::sparkConf);
        return b.build();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            SparkInferenceResult r = SparkInference.run(options(), System.err);
            spec.commandLine().getOut().println(r.summary());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            report(err, e);
            return CommandLine.ExitCode.USAGE;
        } catch (Exception e) {
            report(err, e);
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    private void report(PrintWriter err, Exception e) {
        err.println("spark-infer: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        if (verbose()) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        }
        err.flush();
    }

    /**
     * Whether stack traces are wanted: this command's own {@code --verbose}, or the one it inherits when it is a
     * subcommand of {@code resnet-bench} (which replaces the own option).
     */
    private boolean verbose() {
        CommandLine.Model.OptionSpec inherited = spec.findOption("--verbose");
        return verbose || (inherited != null && Boolean.TRUE.equals(inherited.getValue()));
    }

    /** The spark-submit entry point: exits with the command's code when it is not 0. */
    public static void main(String[] args) {
        int code = new CommandLine(new SparkInferCommand()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
