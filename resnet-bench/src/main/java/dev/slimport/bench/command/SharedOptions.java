/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.resnet.net.Depth;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The single options several commands take, one mixin each; a command passes its default to the constructor. */
public final class SharedOptions {
    private SharedOptions() {}

    /** {@code --batch-size}/{@code -b}: {@code forward}, {@code describe}, {@code ceiling}, {@code verify}, {@code train-demo}. */
    public static final class BatchSize {
        @Option(
                names = {"--batch-size", "-b"},
                paramLabel = "N",
                description = "Images per batch; for a SavedModel, the size of an unknown first dimension (default:"
                        + " ${DEFAULT-VALUE}).")
        int value;

        BatchSize(int value) {
            this.value = value;
        }

        /** The value, at least 1. */
        int checked() {
            if (value < 1) {
                throw new IllegalArgumentException("--batch-size: must be >= 1, got " + value);
            }
            return value;
        }
    }

    /** {@code --image-size}: {@code forward}, {@code describe}, {@code export}, {@code verify}, {@code train-demo}. */
    public static final class ImageSize {
        @Option(
                names = "--image-size",
                paramLabel = "SIZE",
                description = "Height and width of the images; for a --dynamic-size SavedModel, the size it is checked"
                        + " or run at (default: ${DEFAULT-VALUE}).")
        int value;

        ImageSize() {
            this(224);
        }

        ImageSize(int value) {
            this.value = value;
        }
    }

    /** {@code --seed}: {@code forward}, {@code describe}, {@code ceiling}, {@code export}, {@code verify}, {@code train-demo}. */
    public static final class Seed {
        @Option(
                names = "--seed",
                paramLabel = "SEED",
                description = "Seed of the initializers and of the synthetic input: the same seed gives the same"
                        + " values (default: ${DEFAULT-VALUE}).")
        long value;
    }

    /** {@code --model}: {@code forward}, {@code describe}, {@code export}. */
    public static final class Model {
        @Option(
                names = "--model",
                defaultValue = "resnet_v2_152",
                converter = Converters.Model.class,
                completionCandidates = Converters.Model.class,
                description = "${COMPLETION-CANDIDATES}, or the depth alone: 50 ... (default: ${DEFAULT-VALUE}).")
        Depth value;
    }

    /** {@code --output}/{@code -o} and {@code --quiet}/{@code -q}: {@code forward} (in {@link OutputOptions}), {@code ceiling}. */
    public static final class Destination {
        @Option(
                names = {"--output", "-o"},
                description = "Write the result (in --format) to FILE, atomically; stdout keeps the text report.")
        Path output;

        @Option(
                names = {"--quiet", "-q"},
                description = "Only the result: no progress line and no per-step lines.")
        boolean quiet;
    }
}
