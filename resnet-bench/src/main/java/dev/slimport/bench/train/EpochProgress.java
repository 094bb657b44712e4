/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import dev.slimport.resnet.train.StepMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code train-demo}'s listener: one line per epoch on stdout ({@link TrainDemo.EpochResult#toString()}), and the
 * progress within an epoch on stderr — an updating bar in a terminal, a plain line at each quarter of an epoch
 * otherwise (logs, pipes), nothing with {@code --quiet}.
 */
public final class EpochProgress implements TrainDemo.Listener {

    /** How the progress within an epoch is shown. */
    public enum Style {
        /** One updating line ({@code \r}), cleared before each epoch line. */
        BAR,
        /** A plain line at 25, 50 and 75 % of each epoch. */
        LINES,
        /** Only the epoch lines. */
        NONE
    }

    private static final int BAR_WIDTH = 24;
    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final int epochs;
    private boolean barShown;

    public EpochProgress(PrintWriter out, PrintWriter err, Style style, int epochs) {
        this.out = out;
        this.err = err;
        this.style = style;
        this.epochs = epochs;
    }

    /** Shows what happens before the first step (graph build, initialization) on the bar. */
    public void starting(String text) {
        if (style == Style.BAR) {
            err.print(CLEAR_LINE + text);
            err.flush();
            barShown = true;
        }
    }

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch, StepMetrics metrics) {
        if (style == Style.BAR) {
            int filled = (int) ((long) BAR_WIDTH * step / stepsPerEpoch);
            String bar = "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] ";
            err.print(CLEAR_LINE + line(epoch, bar, step, stepsPerEpoch, metrics));
            barShown = true;
        } else if (style == Style.LINES
                && 4 * step / stepsPerEpoch > 4 * (step - 1) / stepsPerEpoch
                && step < stepsPerEpoch) {
            err.println(line(epoch, " step ", step, stepsPerEpoch, metrics));
        }
        err.flush();
    }

    @Override
    public void onEpoch(TrainDemo.EpochResult result) {
        clear();
        out.println(result);
        out.flush();
    }

    /** Clears the bar, if shown. */
    public void clear() {
        if (barShown) {
            err.print(CLEAR_LINE);
            err.flush();
            barShown = false;
        }
    }

    /**
     * {@code epoch 2/5 [############------------] 16/32  loss 0.812  accuracy 71.9%} or {@code epoch 2/5  step 16/32
     * loss 0.812  accuracy 71.9%}: the running means of the epoch so far.
     */
    private String line(int epoch, String between, int step, int steps, StepMetrics mean) {
        return String.format(
                Locale.ROOT,
                "epoch %d/%d %s%d/%d  loss %.3f  accuracy %.1f%%",
                epoch,
                epochs,
                between,
                step,
                steps,
                mean.loss(),
                100 * mean.accuracy());
    }
}
