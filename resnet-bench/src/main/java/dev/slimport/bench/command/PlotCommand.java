/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.slimport.bench.engine.RunFailure;
import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.Charts;
import dev.slimport.bench.result.ResultWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code resnet-bench plot}: charts of {@code forward --format json} results — one result: its step durations and
 * mean; several: a bar chart of their mean seconds per batch with the standard deviation.
 */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Chart forward results (JSON): steps of one run, or several runs side by side.")
public final class PlotCommand extends BenchCommand {

    @Parameters(arity = "1..*", paramLabel = "RESULT.json", description = "Results written by forward --format json.")
    List<Path> results;

    @Option(
            names = {"--output", "-o"},
            required = true,
            description = "The chart file: FILE.png or FILE.svg.")
    Path output;

    @Override
    protected int run() throws Exception {
        Charts.checkPlotFile("--output", output);
        List<BenchmarkResult> loaded = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Path p : results) {
            BenchmarkResult r = read(p);
            loaded.add(r);
            String label = Charts.title(r);
            labels.add(labels.contains(label) ? label + " (" + p.getFileName() + ")" : label);
        }
        Charts.save(
                loaded.size() == 1 ? Charts.stepChart(loaded.get(0)) : Charts.comparisonChart(loaded, labels), output);
        err().println("chart written to " + output);
        err().flush();
        return 0;
    }

    private static BenchmarkResult read(Path p) {
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("RESULT.json: cannot read '" + p + "'");
        }
        BenchmarkResult r;
        try {
            r = ResultWriter.readResult(p);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("RESULT.json: '" + p + "' is not a forward --format json result ("
                    + RunFailure.firstLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new RunFailure("cannot read '" + p + "': " + e.getMessage(), e);
        }
        if (r.config() == null || r.timings() == null) {
            throw new IllegalArgumentException("RESULT.json: '" + p + "' is not a forward --format json result");
        }
        return r;
    }
}
