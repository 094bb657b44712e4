/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Variable values held in Java, by slim name: what a session's variables hold at one moment, e.g. after a slim
 * checkpoint was restored. The optimization step ({@code dev.slimport.resnet.optimize.InferenceGraph}) builds a graph
 * from them and loads them into its variables.
 *
 * @param values the values by slim name, in insertion order
 */
public record ModelWeights(Map<String, Value> values) {

    /**
     * One variable's value.
     *
     * @param shape its shape
     * @param data its values, row-major
     */
    public record Value(Shape shape, float[] data) {
        /** The validated value. */
        public Value {
            if (shape.size() != data.length) {
                throw new IllegalArgumentException(
                        "value: shape " + shape + " needs " + shape.size() + " values, got " + data.length);
            }
        }
    }

    /** The weights; {@code values} is copied, keeping its order. */
    public ModelWeights {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Reads the current values of {@code variables} from {@code session}. */
    public static ModelWeights read(Session session, List<ModelVariable> variables) {
        Map<String, Value> out = new LinkedHashMap<>();
        int chunk = 64;
        for (int from = 0; from < variables.size(); from += chunk) {
            List<ModelVariable> part = variables.subList(from, Math.min(variables.size(), from + chunk));
            Session.Runner r = session.runner();
            part.forEach(v -> r.fetch(v.value()));
            try (Result result = r.run()) {
                for (int i = 0; i < part.size(); i++) {
                    TFloat32 t = (TFloat32) result.get(i);
                    float[] data = new float[(int) t.size()];
                    t.copyTo(DataBuffers.of(data, false, false));
                    out.put(part.get(i).name(), new Value(t.shape(), data));
                }
            }
        }
        return new ModelWeights(out);
    }

    /** The value of {@code name}, or an error naming it. */
    public Value get(String name) {
        Value v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("weights: no value for variable " + name);
        }
        return v;
    }

    /** The value of {@code name} checked against {@code shape}, or an error naming both shapes. */
    public Value get(String name, Shape shape) {
        Value v = get(name);
        if (!v.shape().equals(shape)) {
            throw new IllegalArgumentException("weights: variable " + name + " has shape " + v.shape()
                    + " in the weights but " + shape + " in the model");
        }
        return v;
    }

    /** Whether a value for {@code name} is held. */
    public boolean contains(String name) {
        return values.containsKey(name);
    }
}
