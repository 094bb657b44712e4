/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.train.StepMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** train-demo's progress (the running means TrainDemo reports): a bar in a terminal, plain quarter-epoch lines elsewhere, the epoch lines on stdout. */
class EpochProgressTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private EpochProgress progress(EpochProgress.Style style) {
        return new EpochProgress(new PrintWriter(out, true), new PrintWriter(err, true), style, 3);
    }

    private static final TrainDemo.EpochResult EPOCH = new TrainDemo.EpochResult(1, 3, 1.25, 0.5, 0.75, 8, 2.0);

    @Test
    void the_bar_shows_the_running_means_and_is_cleared_before_the_epoch_line() {
        EpochProgress p = progress(EpochProgress.Style.BAR);
        // the running means of steps with losses 1, 2 and accuracies 25%, 75%
        p.onStep(1, 1, 4, new StepMetrics(1.0f, 0.25f));
        p.onStep(1, 2, 4, new StepMetrics(1.5f, 0.5f));
        // 2 of 4 steps: half of the 24 cells.
        assertThat(err.toString())
                .endsWith("\r\u001b[Kepoch 1/3 [" + "#".repeat(12) + "-".repeat(12)
                        + "] 2/4  loss 1.500  accuracy 50.0%");
        p.onEpoch(EPOCH);
        assertThat(err.toString()).endsWith("\r\u001b[K");
        assertThat(out.toString().strip())
                .isEqualTo("epoch 1/3  loss 1.250  accuracy 50.0%  eval accuracy 75.0%  (2.0 s)");
    }

    @Test
    void without_a_terminal_a_line_per_quarter_epoch_and_none_at_its_end() {
        EpochProgress p = progress(EpochProgress.Style.LINES);
        for (int step = 1; step <= 8; step++) {
            p.onStep(2, step, 8, new StepMetrics((step + 1) / 2f, 1f)); // the mean of losses 1..step
        }
        assertThat(err.toString().lines().toList())
                .containsExactly(
                        "epoch 2/3  step 2/8  loss 1.500  accuracy 100.0%",
                        "epoch 2/3  step 4/8  loss 2.500  accuracy 100.0%",
                        "epoch 2/3  step 6/8  loss 3.500  accuracy 100.0%");
        p.onEpoch(EPOCH);
        assertThat(err.toString()).doesNotContain("\r");
    }

    @Test
    void quiet_prints_only_the_epoch_lines() {
        EpochProgress p = progress(EpochProgress.Style.NONE);
        p.starting("building");
        p.onStep(1, 1, 2, new StepMetrics(1f, 1f));
        p.onEpoch(EPOCH);
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).startsWith("epoch 1/3  loss 1.250");
    }
}
