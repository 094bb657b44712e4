/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import java.util.Locale;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/** The compute precision of a run: the network's activations and kernels; variables and logits stay float32. */
public enum Precision {
    FP32(TFloat32.class),
    BF16(TBfloat16.class),
    FP16(TFloat16.class);

    private final Class<? extends TFloating> type;

    Precision(Class<? extends TFloating> type) {
        this.type = type;
    }

    /** The TF type the network computes in ({@link NetworkSpec#precision()}). */
    public Class<? extends TFloating> type() {
        return type;
    }

    /** The lower-case name used on the command line: fp32, bf16, fp16. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses fp32, bf16 or fp16 (case-insensitive), naming {@code argument} and the allowed values on error. */
    public static Precision parse(String argument, String value) {
        if (value != null) {
            for (Precision p : values()) {
                if (p.label().equalsIgnoreCase(value.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(argument + ": unknown precision '" + value + "'; allowed: fp32, bf16, fp16");
    }
}
