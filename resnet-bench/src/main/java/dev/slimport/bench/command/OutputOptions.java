/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Result format and destination, shared by the commands that produce results. */
public final class OutputOptions {

    /** The result formats. */
    public enum Format {
        TEXT,
        JSON,
        CSV;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code --format text|json}: {@code describe}, {@code info} and {@code ceiling}, whose results have no CSV. */
    public static final class TextOrJson {
        @Option(
                names = "--format",
                paramLabel = "<format>",
                defaultValue = "text",
                converter = Converters.TextOrJson.class,
                completionCandidates = Converters.TextOrJson.class,
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Format value;

        /** Whether {@code --format json} was given. */
        boolean json() {
            return value == Format.JSON;
        }
    }

    @Option(
            names = "--format",
            defaultValue = "text",
            converter = Converters.Format.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON and CSV hold the configuration,"
                    + " the environment and every step.")
    Format format;

    @Mixin
    SharedOptions.Destination destination = new SharedOptions.Destination();
}
