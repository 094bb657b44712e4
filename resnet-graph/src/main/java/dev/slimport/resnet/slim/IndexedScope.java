/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * A TF Java {@link Scope} whose op names come from one index of the graph's names, built once per model build.
 *
 * <p>TF Java's own scope rescans every operation of the graph each time a sub-scope is opened (to learn the names in
 * use), which makes building a 150-layer network quadratic: about 18 s for resnet_v2_152. This scope gives the same
 * names (a taken name gets {@code _1}, {@code _2}, ...) from an index, and delegates device, control dependencies and
 * init-scope handling to the TF Java scope it wraps. Ops created in the graph by other scopes while a build runs are
 * not seen by the index; a build is meant to run on one thread, as TF Java's scopes are.
 */
record IndexedScope(Scope delegate, NameIndex index, String prefix, String opName) implements Scope {

    /**
     * {@code tf} with names from a fresh index of its graph, or {@code tf} itself when it is not a graph or already
     * indexed.
     *
     * <p>TF Java 1.1 constructs an {@link Ops} around a scope only in {@link Ops#create(ExecutionEnvironment)}, from
     * the environment's {@link ExecutionEnvironment#baseScope()} (its {@code Ops(Scope)} constructor is private). So
     * the indexed scope is handed over as the base scope of a {@link Base}, an environment that is the graph in every
     * other respect; the ops themselves are built in {@link #env()}, the graph.
     */
    static Ops indexed(Ops tf) {
        if (!(tf.scope().env() instanceof Graph graph) || tf.scope() instanceof IndexedScope) {
            return tf;
        }
        String prefix = rootPrefix(tf.scope());
        return Ops.create(new Base(graph, new IndexedScope(tf.scope(), new NameIndex(graph), prefix, null)));
    }

    /** The graph with {@code scope} as its base scope: what {@link Ops#create(ExecutionEnvironment)} reads. */
    private record Base(Graph graph, Scope scope) implements ExecutionEnvironment {
        @Override
        public OperationBuilder opBuilder(String type, String name, Scope s) {
            return graph.opBuilder(type, name, s);
        }

        @Override
        public void attachFunction(ConcreteFunction function) {
            graph.attachFunction(function);
        }

        @Override
        public void checkInput(Operation input) {
            graph.checkInput(input);
        }

        @Override
        public Types environmentType() {
            return graph.environmentType();
        }

        @Override
        public Scope baseScope() {
            return scope;
        }

        @Override
        public boolean isInitializer(Operation op) {
            return graph.isInitializer(op);
        }
    }

    /** The name prefix of a TF Java scope, learned without creating an op: the parent of a probe name. */
    private static String rootPrefix(Scope scope) {
        String probe = scope.makeOpName("slimport_probe");
        int slash = probe.lastIndexOf('/');
        return slash < 0 ? null : probe.substring(0, slash);
    }

    @Override
    public ExecutionEnvironment env() {
        return delegate.env();
    }

    @Override
    public Scope withSubScope(String childScopeName) {
        return new IndexedScope(delegate, index, makeOpName(childScopeName), null);
    }

    @Override
    public Scope withName(String name) {
        LayerContext.checkName("name", name);
        return new IndexedScope(delegate, index, prefix, name);
    }

    @Override
    public Scope withNameAsSubScope(String defaultName) {
        return withSubScope(opName != null ? opName : defaultName);
    }

    @Override
    public Scope withDevice(DeviceSpec newDevice) {
        return new IndexedScope(delegate.withDevice(newDevice), index, prefix, opName);
    }

    @Override
    public Scope withInitScope() {
        return new IndexedScope(delegate.withInitScope(), index, prefix, opName);
    }

    @Override
    public String makeOpName(String defaultName) {
        LayerContext.checkName("name", defaultName);
        String actual = opName != null ? opName : defaultName;
        return index.qualify(prefix, index.makeUnique(prefix, actual));
    }

    @Override
    public String makeUnique(String id) {
        return index.makeUnique(prefix, id);
    }

    @Override
    public void refreshNames() {
        index.rescan();
    }

    @Override
    public Scope withControlDependencyOps(Iterable<Operation> controls) {
        return new IndexedScope(delegate.withControlDependencyOps(controls), index, prefix, opName);
    }

    @Override
    public OperationBuilder apply(OperationBuilder builder) {
        return delegate.apply(builder);
    }

    @Override
    public String getDeviceString() {
        return delegate.getDeviceString();
    }

    @Override
    public boolean isInit() {
        return delegate.isInit();
    }

    /** The graph's used names (every op name and every prefix of one) and the next suffix per name. */
    static final class NameIndex {
        private final Graph graph;
        private final Set<String> used = new HashSet<>();
        private final Map<String, Integer> next = new HashMap<>();

        NameIndex(Graph graph) {
            this.graph = graph;
            rescan();
        }

        void rescan() {
            for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
                String name = it.next().name();
                for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
                    used.add(name.substring(0, i));
                }
                used.add(name);
            }
        }

        String qualify(String prefix, String name) {
            return prefix == null ? name : prefix + "/" + name;
        }

        String makeUnique(String prefix, String id) {
            String base = qualify(prefix, id);
            if (used.add(base)) {
                return id;
            }
            int n = next.getOrDefault(base, 1);
            while (!used.add(base + "_" + n)) {
                n++;
            }
            next.put(base, n + 1);
            return id + "_" + n;
        }
    }
}
