/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.bench.train.TrainDemo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code train-demo}'s defaults are the demo's options: 64×64, batch 16, 5 epochs of 512 examples, 4 classes. */
class TrainDemoOptionsTest {
    @Test
    void theCommandsDefaultsAreTheDemosOptions() {
        TrainDemoCommand command = new TrainDemoCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.options())
                .isEqualTo(new TrainDemo.Options(
                        64, 16, 5, 512, 128, 4, 4, 0.05, 0.9, 0.9, 1e-4, 0, Path.of("train-demo/model.ckpt")));
        assertThat(command.options().stepsPerEpoch()).isEqualTo(32);
    }
}
