/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The per-model counterpart of TF1's graph collections that slim fills while it builds a network: model variables
 * (GLOBAL/MODEL/TRAINABLE_VARIABLES), REGULARIZATION_LOSSES and UPDATE_OPS. One instance belongs to one model build;
 * it is the only mutable object a build shares, besides its end points.
 *
 * <p>Variables are created by {@link #variable}: a {@code VariableV2} named {@code <variable scope>/<name>} exactly
 * as slim names it, initialized in the init scope from an {@link Initializer} seeded by the model seed and the
 * variable's name, so a build is reproducible whatever the build order. With {@code reuse}, an existing variable of
 * the same name and shape is returned instead and no regularization loss is added, as slim's {@code reuse=True}.
 */
public final class ModelCollections {
    private final Graph graph;
    private final long seed;
    private final boolean reuse;
    private final Map<String, ModelVariable> variables = new LinkedHashMap<>();
    private final List<Operand<TFloat32>> regularizationLosses = new ArrayList<>();
    private final List<Op> updateOps = new ArrayList<>();

    /**
     * @param graph the graph the model is built in
     * @param seed the model seed every initializer's seed is derived from
     * @param reuse reuse existing variables of the same names (slim's {@code reuse=True}) instead of creating them
     */
    public ModelCollections(Graph graph, long seed, boolean reuse) {
        this.graph = graph;
        this.seed = seed;
        this.reuse = reuse;
    }

    /**
     * Creates (or, with reuse, finds) the float32 variable {@code <varScope>/<name>}.
     *
     * @param tf ops in the layer's name scope; the initializer goes under {@code <name>/Initializer}
     * @param varScope the variable scope, e.g. {@code resnet_v2_50/conv1}
     * @param name the short name, e.g. {@code weights}
     * @param shape the full static shape
     * @param initializer the initial value
     * @param regularizer a penalty whose loss joins {@link #regularizationLosses()}, or {@link Regularizer#NONE}
     * @param role what the variable holds
     * @param trainable whether it is trainable
     */
    public ModelVariable variable(
            Ops tf,
            String varScope,
            String name,
            Shape shape,
            Initializer initializer,
            Regularizer regularizer,
            ModelVariable.Role role,
            boolean trainable) {
        String fullName = varScope.isEmpty() ? name : varScope + "/" + name;
        if (variables.containsKey(fullName)) {
            throw new IllegalArgumentException("Variable " + fullName + " was already created by this model");
        }
        GraphOperation existing = graph.operation(fullName);
        Ops vtf = tf.withSubScope(name);
        Variable<TFloat32> var;
        if (reuse) {
            if (existing == null || !existing.type().equals("VariableV2")) {
                throw new IllegalArgumentException("Variable " + fullName
                        + " does not exist, or was not created as a VariableV2; reuse needs an earlier"
                        + " build of the same model in this graph");
            }
            Shape existingShape = existing.attributes().getAttrShape("shape");
            if (!existingShape.equals(shape)) {
                throw new IllegalArgumentException("Trying to share variable " + fullName + ", but specified shape "
                        + shape + " and found shape " + existingShape);
            }
            var = new Variable<>(existing);
        } else {
            if (existing != null) {
                throw new IllegalArgumentException("Variable " + fullName
                        + " already exists in the graph; build with reuse to share it, or choose another"
                        + " scope name");
            }
            Ops init = vtf.withInitScope();
            Operand<TFloat32> initialValue =
                    initializer.create(init.withSubScope("Initializer"), shape, seedFor(fullName));
            var = new Variable<>(graph.opBuilder(Variable.OP_NAME, fullName, init.scope())
                    .setAttr("shape", shape)
                    .setAttr("dtype", DataType.DT_FLOAT)
                    .build());
            init.withName("Assign").assign(var, initialValue);
        }
        ModelVariable v = new ModelVariable(fullName, var, vtf.withName("read").identity(var), shape, role, trainable);
        if (!reuse) {
            regularizer
                    .apply(tf.withSubScope("kernel").withSubScope("Regularizer"), v.value())
                    .ifPresent(regularizationLosses::add);
        }
        variables.put(fullName, v);
        return v;
    }

    /** Records a moving-average update op (slim's UPDATE_OPS). */
    public void addUpdateOp(Op op) {
        updateOps.add(op);
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

    /**
     * The initializer seed of a variable: a hash of the model seed and the variable's full name (FNV-1a, then
     * SplitMix64's finalizer), so it does not depend on build order.
     */
    private long seedFor(String fullName) {
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
