/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.SeedFormat;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The seed's step loop, shared by {@code forward} on a built graph and on a SavedModel: {@code warmup} burn-in steps,
 * then the timed steps, printing the seed's line every 10th timed step. It records as it goes, so that a Ctrl-C hook
 * on another thread can report the steps done so far ({@link #warmupSeconds()}, {@link #stepSeconds()}).
 */
public final class TimedSteps {
    private final double[] warmup;
    private final double[] steps;
    private final double[] paired;
    private final List<String> stepLines = Collections.synchronizedList(new ArrayList<>());
    private volatile int warmupDone;
    private volatile int stepsDone;

    public TimedSteps(int warmupSteps, int timedSteps) {
        this.warmup = new double[warmupSteps];
        this.steps = new double[timedSteps];
        this.paired = new double[timedSteps];
    }

    /**
     * Runs the loop. {@code pairedStep} (null for none, e.g. the {@code --with-ceiling} convolution) runs once before
     * the loop and right after every warm-up and timed step, timed on its own, before the step counts as done.
     */
    public void run(
            DoubleSupplier step, DoubleSupplier pairedStep, Progress progress, PrintWriter report, boolean quiet) {
        DoubleSupplier after = pairedStep == null ? () -> 0 : pairedStep;
        after.getAsDouble();
        for (int i = 0; i < warmup.length; i++) {
            progress.phase(String.format(Locale.ROOT, "warm-up step %d/%d", i + 1, warmup.length));
            warmup[i] = step.getAsDouble();
            after.getAsDouble();
            warmupDone = i + 1;
        }
        progress.clear();
        for (int i = 0; i < steps.length; i++) {
            double d = step.getAsDouble();
            steps[i] = d;
            paired[i] = after.getAsDouble();
            stepsDone = i + 1;
            if (SeedFormat.printsStep(i)) {
                String line = SeedFormat.stepLine(LocalDateTime.now(), i, d);
                stepLines.add(line);
                if (!quiet) {
                    report.println(line);
                    report.flush();
                }
            }
        }
    }

    /** The warm-up steps done, seconds. */
    public double[] warmupSeconds() {
        return Arrays.copyOf(warmup, warmupDone);
    }

    /** The timed steps done, seconds. */
    public double[] stepSeconds() {
        return Arrays.copyOf(steps, stepsDone);
    }

    /** The paired step after each timed step done, seconds. */
    public double[] pairedSeconds() {
        return Arrays.copyOf(paired, stepsDone);
    }

    /** The seed's lines printed so far. */
    public List<String> stepLines() {
        synchronized (stepLines) {
            return List.copyOf(stepLines);
        }
    }
}
