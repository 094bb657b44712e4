/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/** Python-style names for TensorFlow dtypes and shapes, as {@code saved_model_cli} prints them. */
public final class Dtypes {
    private Dtypes() {}

    /** {@code float32}, {@code int64}, {@code bfloat16}, ...; the proto name without {@code DT_} otherwise. */
    public static String name(DataType type) {
        if (type == null) {
            return "unknown";
        }
        return switch (type) {
            case DT_FLOAT -> "float32";
            case DT_DOUBLE -> "float64";
            case DT_HALF -> "float16";
            default -> type.name().replaceFirst("^DT_", "").toLowerCase(Locale.ROOT);
        };
    }

    /** {@code [-1,224,224,3]} (-1 = unknown dimension), {@code []} for a scalar, {@code <unknown rank>}. */
    public static String shape(Shape shape) {
        if (shape == null || shape.isUnknown()) {
            return "<unknown rank>";
        }
        return Arrays.stream(shape.asArray()).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
