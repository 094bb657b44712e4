/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes and messages of the command; every case fails before a Spark session would start. */
class SparkInferCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SparkInferCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@link #run} with {@code --input tmp/in} (an existing directory) and {@code --output tmp/o} appended. */
    private Run runOnInput(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--input", Files.createDirectories(tmp.resolve("in")).toString(), "--output"));
        all.add(tmp.resolve("o").toString());
        return run(all.toArray(String[]::new));
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Run noInput = run("--output", tmp.resolve("o").toString());
        assertThat(noInput.code()).isEqualTo(2);
        assertThat(noInput.err()).contains("--input");

        Run missingModel = runOnInput(
                "--master", "local[2]", "--saved-model", tmp.resolve("none").toString());
        assertThat(missingModel.code()).isEqualTo(2);
        assertThat(missingModel.err())
                .startsWith("spark-infer: saved-model: ")
                .contains("does not exist")
                .doesNotContain("\tat ");

        Run badShipping =
                runOnInput("--master", "local[2]", "--saved-model", tmp.toString(), "--model-shipping", "rsync");
        assertThat(badShipping.code()).isEqualTo(2);
        assertThat(badShipping.err())
                .contains("--model-shipping")
                .contains("SHARED, ADD_FILE, add-file, SPARK_FILES, spark-files")
                .contains("'rsync'")
                .doesNotContain("\tat ");

        Run badFormat = runOnInput("--input-format", "csv");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err())
                .contains("--input-format")
                .contains("parquet")
                .contains("'csv'");

        Run filesWithModel = runOnInput("--saved-model", tmp.toString(), "--model-shipping", "spark-files");
        assertThat(filesWithModel.code()).isEqualTo(2);
        assertThat(filesWithModel.err()).contains("saved-model: not used with --model-shipping spark-files");

        Run noMaster = runOnInput("--saved-model", tmp.toString());
        assertThat(noMaster.code()).isEqualTo(2);
        assertThat(noMaster.err()).contains("master: required when not launched by spark-submit");
    }

    @Test
    void enumOptionsAreCaseInsensitiveAndListTheirValuesInHelp() throws Exception {
        CommandLine cl = SparkInferCommand.commandLine();
        cl.parseArgs("--model-shipping", "Add-File", "--input-format", "PARQUET", "--input", "i", "--output", "o");
        SparkInferenceOptions o = ((SparkInferCommand) cl.getCommand()).options;
        assertThat(o.modelShipping).isEqualTo(ModelShipping.ADD_FILE);
        assertThat(o.inputFormat).isEqualTo(InputFormat.PARQUET);

        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("One of shared, add-file, spark-files")
                .contains("One of images, parquet. Default: images.")
                .contains("0.875");

        Run filesUpperCase = runOnInput("--saved-model", tmp.toString(), "--model-shipping", "SPARK-FILES");
        assertThat(filesUpperCase.code()).isEqualTo(2);
        assertThat(filesUpperCase.err()).contains("saved-model: not used with --model-shipping spark-files");
    }

    @Test
    void aCorruptModelIsARuntimeFailure() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model/1"));
        Files.write(model.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5});
        Run corrupt = runOnInput(
                "--master", "local[2]", "--saved-model", tmp.resolve("model").toString());
        assertThat(corrupt.code()).isEqualTo(1);
        assertThat(corrupt.err())
                .startsWith("spark-infer: saved-model: the model check on the driver failed")
                .contains("not a SavedModel protocol buffer")
                .doesNotContain("\tat ");
        Run verbose = runOnInput(
                "--master", "local[2]", "--saved-model", tmp.resolve("model").toString(), "--verbose");
        assertThat(verbose.code()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ");
    }
}
