/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * TensorBoard scalars ({@code train --tensorboard DIR}): one event file {@code events.out.tfevents.*} written by
 * TensorFlow's own summary ops ({@code CreateSummaryFileWriter}, {@code WriteScalarSummary}, {@code
 * FlushSummaryWriter}, {@code CloseSummaryWriter}) in a small graph and session of its own, so the file is what {@code
 * tf.summary.scalar} writes; slim's {@code train_image_classifier.py} writes the same tags ({@code total_loss}, {@code
 * learning_rate}, ...). Owns its graph and session: close it.
 */
public final class TensorBoardScalars implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final Placeholder<TInt64> step;
    private final Map<String, Placeholder<TFloat32>> values = new LinkedHashMap<>();
    private final List<Op> writes = new ArrayList<>();
    private final Op flush;
    private final Op close;
    private final Path file;
    private boolean closed;

    /**
     * Opens a new event file in {@code dir} (created if missing) for the scalar {@code tags}.
     *
     * @throws IOException when the folder cannot be created or the event file does not appear
     */
    public TensorBoardScalars(Path dir, List<String> tags) throws IOException {
        Files.createDirectories(dir);
        String suffix = ".slimport." + UUID.randomUUID();
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            SummaryWriter writer = tf.summary.summaryWriter();
            Op create = tf.summary.createSummaryFileWriter(
                    writer,
                    tf.constant(dir.toAbsolutePath().toString()),
                    tf.constant(10),
                    tf.constant(1000),
                    tf.constant(suffix));
            step = tf.withName("step").placeholder(TInt64.class);
            for (String tag : tags) {
                Placeholder<TFloat32> v = tf.placeholder(TFloat32.class);
                values.put(tag, v);
                writes.add(tf.summary.writeScalarSummary(writer, step, tf.constant(tag), v));
            }
            flush = tf.summary.flushSummaryWriter(writer);
            close = tf.summary.closeSummaryWriter(writer);
            session = new Session(graph);
            session.runner().addTarget(create).run().close();
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        try (var files = Files.list(dir)) {
            file = files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElse(null);
        }
        if (file == null) {
            close();
            throw new IOException("--tensorboard: no event file *" + suffix + " appeared in " + dir);
        }
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /**
     * Writes one value per tag at {@code globalStep} and flushes.
     *
     * @throws IllegalArgumentException when {@code scalars} does not have exactly the tags given at construction
     */
    public void write(long globalStep, Map<String, Double> scalars) {
        if (!scalars.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException(
                    "scalars: expected the tags " + values.keySet() + ", got " + scalars.keySet());
        }
        List<TFloat32> fed = new ArrayList<>();
        try (TInt64 s = TInt64.scalarOf(globalStep)) {
            Session.Runner r = session.runner().feed(step, s);
            for (Map.Entry<String, Placeholder<TFloat32>> e : values.entrySet()) {
                TFloat32 t = TFloat32.scalarOf(scalars.get(e.getKey()).floatValue());
                fed.add(t);
                r.feed(e.getValue(), t);
            }
            writes.forEach(r::addTarget);
            r.run().close();
            session.runner().addTarget(flush).run().close();
        } finally {
            fed.forEach(TFloat32::close);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.runner().addTarget(close).run().close();
        } finally {
            session.close();
            graph.close();
        }
    }
}
