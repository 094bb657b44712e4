/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.apache.spark.SparkEnv;

/**
 * A task's failure when {@code --model-shipping shared} names a model directory that the driver checked but this
 * executor does not see. The driver turns it into a usage error with the same message.
 */
final class ModelNotOnExecutorException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ModelNotOnExecutorException(Path dir) {
        super("saved-model: " + dir + MARKER + executorId()
                + "; with --model-shipping shared the model must be at that path on every executor (a shared"
                + " filesystem), or ship it from the driver with --model-shipping add-file");
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        String host = ManagementFactory.getRuntimeMXBean().getName();
        return (env == null ? "?" : env.executorId()) + " (" + host + ")";
    }

    private static final String MARKER = " exists on the driver but not on executor ";

    /**
     * This failure's message if {@code e} is a job that failed with it: the exception among the causes, or its text in
     * a message (Spark reports a task's failure as text in the job's {@code SparkException}); null otherwise.
     */
    static String messageIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ModelNotOnExecutorException) {
                return t.getMessage();
            }
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(MARKER);
            if (at >= 0) {
                int start = m.lastIndexOf("saved-model: ", at);
                int end = m.indexOf('\n', at);
                return m.substring(Math.max(start, 0), end < 0 ? m.length() : end)
                        .trim();
            }
        }
        return null;
    }
}
