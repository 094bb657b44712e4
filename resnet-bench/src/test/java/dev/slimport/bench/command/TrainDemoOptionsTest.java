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

/** {@code train-demo}'s options are the demo's ({@link TrainDemo.Options}, mixed in): what it parses is what it runs. */
class TrainDemoOptionsTest {
    @Test
    void theCommandParsesTheDemosOptions() {
        TrainDemoCommand command = new TrainDemoCommand();
        new CommandLine(command).parseArgs("-b", "8", "--train-examples", "40", "--checkpoint", "x/m.ckpt", "-q");
        assertThat(command.options.stepsPerEpoch()).isEqualTo(5);
        assertThat(command.options.checkpoint()).isEqualTo(Path.of("x/m.ckpt"));
        assertThat(command.quiet).isTrue();
    }
}
