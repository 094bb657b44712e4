/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import picocli.CommandLine.Option;

/** The timed loop's options, shared by {@code forward} and {@code ceiling}, each with its own defaults. */
public final class StepOptions {

    @Option(names = "--warmup", description = "Burn-in steps, not timed (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--num-batches", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int numBatches;

    /** The options with these defaults. */
    StepOptions(int warmup, int numBatches) {
        this.warmup = warmup;
        this.numBatches = numBatches;
    }

    /** Refuses a negative warm-up or no timed step. */
    void check() {
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup: must be >= 0, got " + warmup);
        }
        if (numBatches < 1) {
            throw new IllegalArgumentException("--num-batches: must be >= 1 (timed steps), got " + numBatches);
        }
    }
}
