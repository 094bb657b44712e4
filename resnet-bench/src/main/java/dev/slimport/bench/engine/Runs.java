/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.StepTrace;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/** How every benchmark here times and traces a prepared {@link Session.Runner}: run it, close the result, nothing else. */
final class Runs {
    private Runs() {}

    /** One run of {@code runner}, its {@link Result} closed; the wall time in seconds. */
    static double seconds(Session.Runner runner) {
        long t0 = System.nanoTime();
        try (Result r = runner.run()) {
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** One run of {@code runner} with {@code FULL_TRACE} step stats. */
    static StepTrace traced(Session.Runner runner) {
        runner.setOptions(RunOptions.newBuilder()
                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                .build());
        long t0 = System.nanoTime();
        try (Result r = runner.runAndFetchMetadata()) {
            double wall = (System.nanoTime() - t0) / 1e9;
            return StepTrace.of(r.getMetadata().orElse(RunMetadata.getDefaultInstance()), wall);
        }
    }
}
