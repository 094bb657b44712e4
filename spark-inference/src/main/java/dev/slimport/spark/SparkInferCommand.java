/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-infer}: the command line of {@link SparkInference} (its options are {@link SparkInferenceOptions}),
 * usable as a picocli subcommand or, through {@link #main}, as the main class given to spark-submit. Exit codes: 0
 * done, 2 usage error (bad option, missing model or input, existing output), 1 runtime failure (corrupt model, failed
 * job). The summary goes to stdout, progress and errors to stderr; stack traces only with {@code --verbose}.
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

    @Mixin
    SparkInferenceOptions options;

    @Option(names = "--verbose", description = "Stack traces on failure.")
    boolean verbose;

    /** This command's command line, set up as {@code resnet-bench} sets up its own. */
    public static CommandLine commandLine() {
        return SparkInferenceOptions.configure(new CommandLine(new SparkInferCommand()));
    }

    @Override
    public Integer call() {
        try {
            SparkInferenceResult r = SparkInference.run(options, System.err);
            spec.commandLine().getOut().println(r.summary());
            spec.commandLine().getOut().flush();
            return CommandLine.ExitCode.OK;
        } catch (IllegalArgumentException e) {
            return report(e, CommandLine.ExitCode.USAGE);
        } catch (Exception e) {
            return report(e, CommandLine.ExitCode.SOFTWARE);
        }
    }

    private int report(Exception e, int code) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("spark-infer: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        // resnet-bench replaces this command's --verbose with its own inherited one
        CommandLine.Model.OptionSpec inherited = spec.findOption("--verbose");
        if (verbose || (inherited != null && Boolean.TRUE.equals(inherited.getValue()))) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The spark-submit entry point: exits with the command's code when it is not 0. */
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
