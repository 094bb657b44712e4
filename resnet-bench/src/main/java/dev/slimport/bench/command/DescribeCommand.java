/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ModelSpec;
import dev.slimport.bench.result.ModelSummary;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.bench.result.TensorBoardGraph;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.runtime.DeviceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench describe}: the model summary — every end point and parameter-owning layer with its output
 * shape, parameters and multiply-adds, the totals and the variable list — as text or JSON, and optionally the graph
 * as a TensorBoard event file.
 */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "A Keras model.summary()-like table of slim's graph (verbatim; --optimize does not apply; no session is run).")
public final class DescribeCommand extends BenchCommand {

    @Mixin
    SharedOptions.Network modelOptions = new SharedOptions.Network();

    @Mixin
    SharedOptions.TextOrJson format = new SharedOptions.TextOrJson();

    @Option(
            names = {"--output", "-o"},
            description = "Write the summary to FILE instead of stdout, atomically.")
    Path output;

    @Option(
            names = "--tensorboard",
            paramLabel = "DIR",
            description = "Also write the graph as a TensorBoard event file into DIR (tensorboard --logdir DIR).")
    Path tensorboard;

    @Override
    protected int run() throws Exception {
        ModelSpec spec = modelOptions.toSpec();
        if (spec.int8()) {
            throw new IllegalArgumentException("--precision int8: not with describe (it shows slim's graph verbatim;"
                    + " int8 quantizes the folded graph, see forward --precision int8); allowed: fp32, bf16, fp16");
        }
        ResultWriter.checkWritable("--output", output);
        if (tensorboard != null && Files.exists(tensorboard) && !Files.isDirectory(tensorboard)) {
            throw new IllegalArgumentException("--tensorboard: '" + tensorboard + "' is a file; give a directory");
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            ModelSummary summary = ModelSummary.of(spec.unoptimized()
                    .build(
                            tf,
                            ResNetV2.imagesPlaceholder(tf, spec.batchSize(), spec.height(), spec.width()),
                            DeviceRequest.CPU)
                    .model());
            String document = format.json()
                    ? ResultWriter.json(summary)
                    : String.join(System.lineSeparator(), summary.toText()) + System.lineSeparator();
            if (output != null) {
                ResultWriter.writeAtomically(output, document);
            } else {
                out().print(document);
                out().flush();
            }
            if (tensorboard != null) {
                Path file = TensorBoardGraph.write(graph, tensorboard);
                err().println("TensorBoard graph written to " + file + " (tensorboard --logdir " + tensorboard + ")");
                err().flush();
            }
        }
        return 0;
    }
}
