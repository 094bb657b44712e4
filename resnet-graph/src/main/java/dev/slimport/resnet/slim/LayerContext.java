/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Where a layer function builds: the ops (name scope and device), the variable scope, the arg scope in force, the
 * model's collections and, when outputs are collected, the end-point sink. Immutable: {@link #withSubScope} and
 * {@link #withArgs} return new contexts, like TF Java's {@code Ops.withSubScope} and slim's nested scopes.
 *
 * <p>The op name scope and the variable scope start equal; they differ only when TF Java must uniquify a name scope
 * (a second build of the same model in one graph), where, as in TF1, ops get {@code resnet_v2_50_1/...} but
 * variables and end-point keys keep {@code resnet_v2_50/...}. Start one with {@link #root}.
 *
 * @param tf the ops, in this context's name scope
 * @param scopeName the variable scope name, slim's {@code sc.name} (empty at the root)
 * @param args the arg scope in force
 * @param collections the model's collections
 * @param sink where outputs are collected (slim's {@code end_points}), or null to collect none
 */
public record LayerContext(
        Ops tf, String scopeName, ArgScope args, ModelCollections collections, Map<String, Operand<?>> sink) {

    /**
     * A context at the root of {@code tf}'s name scope.
     *
     * @param tf the ops to build with (its name scope, device and control dependencies apply to every op)
     * @param args the arg scope in force
     * @param collections the model's variables, losses and update ops
     * @param endPoints where outputs are collected in order (e.g. a {@code LinkedHashMap}), or null to collect none
     */
    public static LayerContext root(
            Ops tf, ArgScope args, ModelCollections collections, Map<String, Operand<?>> endPoints) {
        if (tf == null || args == null || collections == null) {
            throw new IllegalArgumentException("tf, args and collections must not be null");
        }
        return new LayerContext(IndexedScope.indexed(tf), "", args, collections, endPoints);
    }

    /** A child context: name scope and variable scope {@code name} below this one (slim's {@code variable_scope}). */
    public LayerContext withSubScope(String name) {
        checkName("scope", name);
        String child = scopeName.isEmpty() ? name : scopeName + "/" + name;
        return new LayerContext(tf.withSubScope(name), child, args, collections, sink);
    }

    /** The same context with the arg scope transformed, e.g. {@code ctx.withArgs(a -> a.with(...))}. */
    public LayerContext withArgs(UnaryOperator<ArgScope> change) {
        return new LayerContext(tf, scopeName, change.apply(args), collections, sink);
    }

    /** Creates (or, with reuse, finds) the variable {@code <scopeName()>/<name>}: {@link ModelCollections#variable}. */
    public ModelVariable variable(
            String name,
            Shape shape,
            Initializer initializer,
            Regularizer regularizer,
            ModelVariable.Role role,
            boolean trainable) {
        return collections.variable(tf, scopeName, name, shape, initializer, regularizer, role, trainable);
    }

    /** Collects {@code output} under {@code alias} when this context collects outputs; returns {@code output}. */
    public <O extends Operand<?>> O collect(String alias, O output) {
        if (sink != null) {
            sink.put(alias.endsWith("/") ? alias.substring(0, alias.length() - 1) : alias, output);
        }
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
