/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.resnet.net.Precision;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code --precision} asks for: one of the library's compute {@link Precision}s, or {@link #INT8}, which is not
 * a compute type of the builder but an optimization of the folded fp32 graph — built in {@link Precision#FP32} with
 * its batch norms folded, calibrated over a {@code CalibrationSet} and rewritten by {@code Int8Quantization} to
 * oneDNN's quantized convolutions.
 */
public enum RunPrecision {
    FP32(Precision.FP32),
    BF16(Precision.BF16),
    FP16(Precision.FP16),
    /** Post-training static int8 quantization of the folded fp32 graph. */
    INT8(Precision.FP32);

    private final Precision built;

    RunPrecision(Precision built) {
        this.built = built;
    }

    /** The precision the network is built in: its own, or fp32 for int8 (the graph that is then quantized). */
    public Precision built() {
        return built;
    }

    /** Whether the built graph is then quantized to int8. */
    public boolean int8() {
        return this == INT8;
    }

    /** The lower-case name used on the command line: fp32, bf16, fp16, int8. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The run precision of a library precision. */
    public static RunPrecision of(Precision p) {
        return valueOf(p.name());
    }

    /** {@code fp32, bf16, fp16, int8}: the values {@link #parse} takes. */
    public static String allowed() {
        return Arrays.stream(values()).map(RunPrecision::label).collect(Collectors.joining(", "));
    }

    /** Parses fp32, bf16, fp16 or int8 (case-insensitive), naming {@code argument} and the allowed values on error. */
    public static RunPrecision parse(String argument, String value) {
        if (value != null) {
            for (RunPrecision p : values()) {
                if (p.label().equalsIgnoreCase(value.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(argument + ": unknown precision '" + value + "'; allowed: " + allowed());
    }
}
