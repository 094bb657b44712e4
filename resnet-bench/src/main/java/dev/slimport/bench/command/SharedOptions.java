/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import picocli.CommandLine.Option;

/** The single options several commands take, one mixin each; a command passes its default to the constructor. */
public final class SharedOptions {
    private SharedOptions() {}

    /** {@code --batch-size}/{@code -b}: {@code forward}, {@code describe}, {@code ceiling}, {@code verify}. */
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

    /** {@code --image-size}: {@code forward}, {@code describe}, {@code export}, {@code verify}. */
    public static final class ImageSize {
        @Option(
                names = "--image-size",
                paramLabel = "SIZE",
                description = "Height and width of the images; for a --dynamic-size SavedModel, the size it is checked"
                        + " or run at (default: ${DEFAULT-VALUE}).")
        int value = 224;
    }

    /** {@code --seed}: {@code forward}, {@code describe}, {@code ceiling}, {@code export}, {@code verify}. */
    public static final class Seed {
        @Option(
                names = "--seed",
                paramLabel = "SEED",
                description = "Seed of the initializers and of the synthetic input: the same seed gives the same"
                        + " values (default: ${DEFAULT-VALUE}).")
        long value;
    }
}
