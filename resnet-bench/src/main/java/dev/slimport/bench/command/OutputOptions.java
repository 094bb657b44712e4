/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.result.ResultWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Result format and destination, shared by the commands that produce results. */
public final class OutputOptions {

    /** The result formats. */
    public enum Format {
        TEXT,
        JSON,
        CSV
    }

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "text, json or csv (default: ${DEFAULT-VALUE}). JSON and CSV hold the configuration, the"
                    + " environment and every step.")
    String format;

    @Option(
            names = {"--output", "-o"},
            description = "Write the result (in --format) to FILE, atomically; stdout keeps the text report.")
    Path output;

    @Option(
            names = {"--quiet", "-q"},
            description = "Only the result: no progress line and no per-step lines.")
    boolean quiet;

    /** The validated format. */
    public Format format() {
        if (format != null) {
            for (Format f : Format.values()) {
                if (f.name().equalsIgnoreCase(format.trim())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("--format: unknown format '" + format + "'; allowed: text, json, csv");
    }

    /** Parses a {@code --format} that takes {@code text} or {@code json}: true for JSON. */
    static boolean textOrJson(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("json")) {
            return true;
        }
        if (v.equalsIgnoreCase("text")) {
            return false;
        }
        throw new IllegalArgumentException("--format: unknown format '" + value + "'; allowed: text, json");
    }

    /** Checks that {@code --output} can be written, before any work; a no-op without it. */
    public void checkOutputWritable() {
        ResultWriter.checkWritable("--output", output);
    }
}
