/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TString;

/**
 * Writes a graph as a TensorBoard event file ({@code events.out.tfevents.*}) with TensorFlow's own summary ops —
 * {@code CreateSummaryFileWriter}, {@code WriteGraphSummary}, {@code CloseSummaryWriter} — run in a small graph of
 * their own, so the file is exactly what {@code tf.summary.graph} writes. Browse it with {@code tensorboard --logdir
 * DIR}, Graphs tab.
 */
public final class TensorBoardGraph {
    private TensorBoardGraph() {}

    /**
     * Writes {@code graph}'s GraphDef at step 0 into a new event file in {@code dir} (created if missing).
     *
     * @return the event file written
     */
    public static Path write(Graph graph, Path dir) throws IOException {
        Files.createDirectories(dir);
        String suffix = ".slimport." + UUID.randomUUID(); // the new file is the one that ends with it
        byte[] graphDef = graph.toGraphDef().toByteArray();
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            SummaryWriter writer = tf.summary.summaryWriter();
            Placeholder<TString> bytes = tf.placeholder(TString.class);
            var create = tf.summary.createSummaryFileWriter(
                    writer,
                    tf.constant(dir.toAbsolutePath().toString()),
                    tf.constant(10),
                    tf.constant(1000),
                    tf.constant(suffix));
            var write = tf.summary.writeGraphSummary(writer, tf.constant(0L), bytes);
            var close = tf.summary.closeSummaryWriter(writer);
            try (Session s = new Session(g);
                    TString value = TString.tensorOfBytes(NdArrays.scalarOfObject(graphDef))) {
                s.runner().addTarget(create).run().close();
                s.runner().feed(bytes, value).addTarget(write).run().close();
                s.runner().addTarget(close).run().close();
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElseThrow(() -> new IOException("TensorBoard: no event file *" + suffix + " in " + dir));
        }
    }
}
