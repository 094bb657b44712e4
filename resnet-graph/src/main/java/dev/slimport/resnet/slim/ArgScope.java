/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slim's {@code arg_scope} as an immutable value: for each arg-scope function, a set of default keyword arguments.
 *
 * <p>{@code with(...)} returns a new scope in which the given defaults replace those of this one (slim's nested
 * {@code with arg_scope(...)}); this scope is never changed. A layer function resolves each option as: the explicit
 * call argument, else the value in the scope it was given (the innermost one, since it already holds the merged
 * outer defaults), else slim's built-in default ({@link Option#builtInDefault()}). Defaults are typed {@link Option}
 * constants ({@link Conv2dArgs}, {@link BatchNormArgs}, {@link MaxPool2dArgs}, {@link StackBlocksDenseArgs}), so
 * only functions slim decorates with {@code @add_arg_scope} take them ({@code conv2d_same} and {@code subsample} do
 * not).
 *
 * <pre>{@code
 * ArgScope outer = ArgScope.empty().with(Conv2dArgs.PADDING.of(Padding.VALID));
 * ArgScope inner = outer.with(Conv2dArgs.ACTIVATION.of(Activation.NONE));   // outer is untouched
 * inner.get(Conv2dArgs.PADDING);                                              // VALID, from outer
 * inner.call(LayerFn.CONV2D, Conv2dArgs.ACTIVATION.of(Activation.RELU6)).get(Conv2dArgs.ACTIVATION); // RELU6, explicit
 * }</pre>
 *
 * @see <a href="https://github.com/google-research/tf-slim/blob/master/tf_slim/ops/arg_scope.py">tf_slim arg_scope</a>
 */
public final class ArgScope {
    private static final ArgScope EMPTY = new ArgScope(Map.of());

    private final Map<Option<?>, Object> defaults;

    private ArgScope(Map<Option<?>, Object> defaults) {
        this.defaults = defaults;
    }

    /** The scope with no defaults: every option resolves to slim's built-in default. */
    public static ArgScope empty() {
        return EMPTY;
    }

    /** A new scope with these defaults added to (and replacing) this scope's. */
    public ArgScope with(Arg<?>... args) {
        return with(List.of(args));
    }

    /** A new scope with these defaults added to (and replacing) this scope's. */
    public ArgScope with(List<? extends Arg<?>> args) {
        Map<Option<?>, Object> added = new LinkedHashMap<>();
        for (Arg<?> arg : args) {
            if (arg == null) {
                throw new IllegalArgumentException("args: an arg-scope default must not be null");
            }
            added.put(arg.option(), arg.value());
        }
        return with(new ArgScope(added));
    }

    /** A new scope with {@code inner}'s defaults layered over this scope's (slim's nested scopes). */
    public ArgScope with(ArgScope inner) {
        Map<Option<?>, Object> merged = new LinkedHashMap<>(defaults);
        merged.putAll(inner.defaults);
        return new ArgScope(Collections.unmodifiableMap(merged));
    }

    /** The value of {@code option} in this scope, or slim's built-in default. */
    public <T> T get(Option<T> option) {
        Object v = defaults.get(option);
        return v == null ? option.builtInDefault() : option.type().cast(v);
    }

    /** Whether this scope holds a value for {@code option}. */
    public boolean has(Option<?> option) {
        return defaults.containsKey(option);
    }

    /**
     * The scope one call of {@code fn} resolves its options in: the call's explicit arguments over this scope, so
     * {@link #get} gives explicit argument &gt; scope &gt; slim's default, as slim resolves a call's keyword arguments.
     *
     * @throws IllegalArgumentException naming an argument that is not an option of {@code fn}
     */
    public ArgScope call(LayerFn fn, Arg<?>... explicit) {
        for (Arg<?> a : explicit) {
            if (a == null) {
                throw new IllegalArgumentException(fn + ": arguments must not be null");
            }
            if (a.option().fn() != fn) {
                throw new IllegalArgumentException(
                        fn + " has no argument " + a.option().name() + " (that is an option of "
                                + a.option().fn() + ")");
            }
        }
        return with(explicit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArgScope other && other.defaults.equals(defaults);
    }

    @Override
    public int hashCode() {
        return defaults.hashCode();
    }

    @Override
    public String toString() {
        return "ArgScope" + defaults;
    }
}
