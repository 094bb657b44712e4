/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Where a layer function builds: the ops (name scope and device), the variable scope, the arg scope in force and the
 * model's collections (variables, losses, update ops, end points). Immutable: {@link #withSubScope} and {@link
 * #withArgs} return new contexts, like TF Java's {@code Ops.withSubScope} and slim's nested scopes.
 *
 * <p>The op name scope and the variable scope start equal; they differ only when TF Java must uniquify a name scope
 * (a second build of the same model in one graph), where, as in TF1, ops get {@code resnet_v2_50_1/...} but
 * variables and end-point keys keep {@code resnet_v2_50/...}. Start one with {@link #root}.
 *
 * @param tf the ops, in this context's name scope
 * @param scopeName the variable scope name, slim's {@code sc.name} (empty at the root)
 * @param args the arg scope in force
 * @param collections the model's collections
 */
public record LayerContext(Ops tf, String scopeName, ArgScope args, ModelCollections collections) {

    /**
     * A context at the root of {@code tf}'s name scope, with fresh collections for one model build.
     *
     * @param tf ops of a graph (its name scope, device and control dependencies apply to every op)
     * @param args the arg scope in force
     * @param seed the model seed every initializer's seed is derived from
     * @param reuse reuse existing variables of the same names (slim's {@code reuse=True}) instead of creating them
     */
    public static LayerContext root(Ops tf, ArgScope args, long seed, boolean reuse) {
        if (tf == null || !(tf.scope().env() instanceof Graph graph)) {
            throw new IllegalArgumentException(
                    "tf: layers build graphs; got " + (tf == null ? "null" : "an eager execution environment"));
        }
        if (args == null) {
            throw new IllegalArgumentException("args: must not be null (use ArgScope.empty() for slim's defaults)");
        }
        return new LayerContext(IndexedScope.indexed(tf), "", args, new ModelCollections(graph, seed, reuse));
    }

    /** A child context: name scope and variable scope {@code name} below this one (slim's {@code variable_scope}). */
    public LayerContext withSubScope(String name) {
        checkName("scope", name);
        String child = scopeName.isEmpty() ? name : scopeName + "/" + name;
        return new LayerContext(tf.withSubScope(name), child, args, collections);
    }

    /** The same context with the arg scope transformed, e.g. {@code ctx.withArgs(a -> a.with(...))}. */
    public LayerContext withArgs(UnaryOperator<ArgScope> change) {
        return new LayerContext(tf, scopeName, change.apply(args), collections);
    }

    /**
     * Creates (or, with reuse, finds) the float32 {@code VariableV2} {@code <scopeName()>/<name>}, exactly as slim
     * names it, initialized in the init scope (under {@code <name>/Initializer}) from {@code initializer} seeded by the
     * model seed and the variable's name, so a build is reproducible whatever the build order. With reuse, an existing
     * variable of the same name and shape is returned instead and no regularization loss is added, as slim's {@code
     * reuse=True}.
     *
     * @param name the short name, e.g. {@code weights}
     * @param shape the full static shape
     * @param initializer the initial value
     * @param regularizer a penalty whose loss joins the regularization losses, or {@link Regularizer#NONE}
     * @param role what the variable holds
     * @param trainable whether it is trainable
     */
    public ModelVariable variable(
            String name,
            Shape shape,
            Initializer initializer,
            Regularizer regularizer,
            ModelVariable.Role role,
            boolean trainable) {
        String fullName = scopeName.isEmpty() ? name : scopeName + "/" + name;
        if (collections.variables.containsKey(fullName)) {
            throw new IllegalArgumentException("Variable " + fullName + " was already created by this model");
        }
        Graph graph = collections.graph;
        GraphOperation existing = graph.operation(fullName);
        Ops vtf = tf.withSubScope(name);
        Variable<TFloat32> var;
        if (collections.reuse) {
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
                    initializer.create(init.withSubScope("Initializer"), shape, collections.seedFor(fullName));
            var = new Variable<>(graph.opBuilder(Variable.OP_NAME, fullName, init.scope())
                    .setAttr("shape", shape)
                    .setAttr("dtype", DataType.DT_FLOAT)
                    .build());
            init.withName("Assign").assign(var, initialValue);
        }
        ModelVariable v = new ModelVariable(fullName, var, vtf.withName("read").identity(var), shape, role, trainable);
        if (!collections.reuse) {
            regularizer
                    .apply(tf.withSubScope("kernel").withSubScope("Regularizer"), v.value())
                    .ifPresent(collections.regularizationLosses::add);
        }
        collections.variables.put(fullName, v);
        return v;
    }

    /** Collects {@code output} under {@code alias} in the model's end points; returns {@code output}. */
    public <O extends Operand<?>> O collect(String alias, O output) {
        collections.endPoints.put(alias.endsWith("/") ? alias.substring(0, alias.length() - 1) : alias, output);
        return output;
    }

    /** Checks a scope or op name against TensorFlow's pattern, naming the argument when it fails. */
    public static void checkName(String argument, String name) {
        if (name == null || !name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*")) {
            throw new IllegalArgumentException(
                    argument + ": '" + name + "' is not a valid TensorFlow name (letters, digits, '.', '_', '-'; not"
                            + " starting with '_' or '-')");
        }
    }
}
