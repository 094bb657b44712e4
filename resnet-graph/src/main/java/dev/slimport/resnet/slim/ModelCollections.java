/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * The per-model counterpart of TF1's graph collections that slim fills while it builds a network: model variables
 * (GLOBAL/MODEL/TRAINABLE_VARIABLES), REGULARIZATION_LOSSES, UPDATE_OPS and the {@code end_points} dict. One
 * instance belongs to one model build ({@link LayerContext#root} makes it); it is the only mutable object a build
 * shares. {@link LayerContext#variable} creates the variables it lists.
 */
public final class ModelCollections {
    final Graph graph;
    final long seed;
    final boolean reuse;
    final Map<String, ModelVariable> variables = new LinkedHashMap<>();
    final List<Operand<TFloat32>> regularizationLosses = new ArrayList<>();
    final List<Op> updateOps = new ArrayList<>();
    final Map<String, Operand<?>> endPoints = new LinkedHashMap<>();

    ModelCollections(Graph graph, long seed, boolean reuse) {
        this.graph = graph;
        this.seed = seed;
        this.reuse = reuse;
    }

    /** All variables in creation order. */
    public List<ModelVariable> variables() {
        return List.copyOf(variables.values());
    }

    /** The regularization losses in creation order, one per regularized variable. */
    public List<Operand<TFloat32>> regularizationLosses() {
        return List.copyOf(regularizationLosses);
    }

    /** The batch-norm moving-average update ops in creation order. */
    public List<Op> updateOps() {
        return List.copyOf(updateOps);
    }

    /** The collected outputs (slim's {@code end_points}), unmodifiable, in collection order. */
    public Map<String, Operand<?>> endPoints() {
        return Collections.unmodifiableMap(endPoints);
    }

    /**
     * The initializer seed of a variable: a hash of the model seed and the variable's full name (FNV-1a, then
     * SplitMix64's finalizer), so it does not depend on build order.
     */
    long seedFor(String fullName) {
        long h = 0xcbf29ce484222325L;
        for (byte b : fullName.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
