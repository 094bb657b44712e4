/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Slim's {@code arg_scope} as an immutable value: for each arg-scope function, a set of default keyword arguments.
 *
 * <p>{@code with(...)} returns a new scope in which the given defaults replace those of this one (slim's nested
 * {@code with arg_scope(...)}); this scope is never changed. A layer function resolves each option as: the explicit
 * call argument, else the value in the scope it was given (the innermost one, since it already holds the merged
 * outer defaults), else slim's built-in default ({@link Option#builtInDefault()}).
 *
 * <pre>{@code
 * ArgScope outer = ArgScope.empty().with(Conv2dArgs.PADDING.of(Padding.VALID));
 * ArgScope inner = outer.with(Conv2dArgs.ACTIVATION.of(Activation.NONE));   // outer is untouched
 * inner.get(Conv2dArgs.PADDING);                                              // VALID, from outer
 * inner.resolve(Conv2dArgs.ACTIVATION, List.of(Conv2dArgs.ACTIVATION.of(Activation.RELU6)));  // RELU6, explicit
 * }</pre>
 *
 * @see <a href="https://github.com/google-research/tf-slim/blob/master/tf_slim/ops/arg_scope.py">tf_slim arg_scope</a>
 */
public final class ArgScope {
    private static final Map<LayerFn, Map<String, Option<?>>> OPTIONS = registry();
    private static final ArgScope EMPTY = new ArgScope(new EnumMap<>(LayerFn.class));

    private final Map<LayerFn, Map<Option<?>, Object>> defaults;

    private ArgScope(Map<LayerFn, Map<Option<?>, Object>> defaults) {
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
        Map<LayerFn, Map<Option<?>, Object>> copy = mutableCopy();
        for (Arg<?> arg : args) {
            if (arg == null) {
                throw new IllegalArgumentException("args: an arg-scope default must not be null");
            }
            copy.computeIfAbsent(arg.option().fn(), k -> new LinkedHashMap<>()).put(arg.option(), arg.value());
        }
        return new ArgScope(freeze(copy));
    }

    /**
     * Slim's {@code arg_scope([fn], **kwargs)} with keyword names: a new scope with these defaults for {@code fn}.
     *
     * @throws IllegalArgumentException if {@code fn} takes no scoped defaults in slim, if it has no option of one of
     *     the names, or if a value has the wrong type or is out of range
     */
    public ArgScope with(LayerFn fn, Map<String, ?> kwargs) {
        if (fn == null) {
            throw new IllegalArgumentException("fn: must be one of " + scopedFunctions());
        }
        if (!fn.takesScopedDefaults()) {
            throw new IllegalArgumentException("fn: " + fn
                    + " is not decorated with @add_arg_scope in slim and takes no scoped defaults; functions that"
                    + " do: " + scopedFunctions());
        }
        Map<String, Option<?>> known = OPTIONS.getOrDefault(fn, Map.of());
        List<Arg<?>> args = new ArrayList<>();
        for (Map.Entry<String, ?> e : kwargs.entrySet()) {
            Option<?> option = known.get(e.getKey());
            if (option == null) {
                throw new IllegalArgumentException(fn + " has no scoped option '" + e.getKey() + "'; its options are: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", known.keySet())));
            }
            args.add(bind(option, e.getValue()));
        }
        return with(args);
    }

    /** A new scope with {@code inner}'s defaults layered over this scope's (slim's nested scopes). */
    public ArgScope with(ArgScope inner) {
        List<Arg<?>> args = new ArrayList<>();
        inner.defaults.values().forEach(m -> m.forEach((o, v) -> args.add(bind(o, v))));
        return with(args);
    }

    /** The value of {@code option} in this scope, or slim's built-in default. */
    public <T> T get(Option<T> option) {
        Map<Option<?>, Object> forFn = defaults.get(option.fn());
        Object v = forFn == null ? null : forFn.get(option);
        return v == null ? option.builtInDefault() : option.type().cast(v);
    }

    /** Whether this scope holds a value for {@code option}. */
    public boolean has(Option<?> option) {
        Map<Option<?>, Object> forFn = defaults.get(option.fn());
        return forFn != null && forFn.containsKey(option);
    }

    /**
     * Resolves {@code option} for one call: the explicit argument, else this scope's value, else the built-in default.
     */
    public <T> T resolve(Option<T> option, List<? extends Arg<?>> explicit) {
        T found = null;
        for (Arg<?> a : explicit) {
            if (a.option().equals(option)) {
                found = option.type().cast(a.value());
            }
        }
        return found != null ? found : get(option);
    }

    /**
     * Checks that every explicit argument belongs to {@code fn}.
     *
     * @throws IllegalArgumentException naming the first foreign option
     */
    public static void checkArgs(LayerFn fn, List<? extends Arg<?>> explicit) {
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
    }

    /** The names of the options {@code fn} accepts in a scope. */
    public static List<String> optionNames(LayerFn fn) {
        return List.copyOf(OPTIONS.getOrDefault(fn, Map.of()).keySet());
    }

    /** The defaults this scope holds for {@code fn}, by slim keyword name, in insertion order. */
    public Map<String, Object> defaults(LayerFn fn) {
        Map<String, Object> out = new LinkedHashMap<>();
        defaults.getOrDefault(fn, Map.of()).forEach((o, v) -> out.put(o.name(), v));
        return Collections.unmodifiableMap(out);
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
        return defaults.entrySet().stream()
                .map(e -> e.getKey()
                        + e.getValue().entrySet().stream()
                                .map(o -> o.getKey().name() + "=" + o.getValue())
                                .collect(Collectors.joining(", ", "(", ")")))
                .collect(Collectors.joining(", ", "ArgScope[", "]"));
    }

    private static <T> Arg<T> bind(Option<T> option, Object value) {
        return new Arg<>(option, option.checked(value));
    }

    private Map<LayerFn, Map<Option<?>, Object>> mutableCopy() {
        Map<LayerFn, Map<Option<?>, Object>> copy = new EnumMap<>(LayerFn.class);
        defaults.forEach((fn, m) -> copy.put(fn, new LinkedHashMap<>(m)));
        return copy;
    }

    private static Map<LayerFn, Map<Option<?>, Object>> freeze(Map<LayerFn, Map<Option<?>, Object>> m) {
        Map<LayerFn, Map<Option<?>, Object>> out = new EnumMap<>(LayerFn.class);
        m.forEach((fn, inner) -> out.put(fn, Collections.unmodifiableMap(inner)));
        return Collections.unmodifiableMap(out);
    }

    private static String scopedFunctions() {
        List<String> names = new ArrayList<>();
        for (LayerFn fn : LayerFn.values()) {
            if (fn.takesScopedDefaults()) {
                names.add(fn.slimName());
            }
        }
        return String.join(", ", names);
    }

    private static Map<LayerFn, Map<String, Option<?>>> registry() {
        List<Option<?>> all = List.of(
                Conv2dArgs.PADDING,
                Conv2dArgs.STRIDE,
                Conv2dArgs.RATE,
                Conv2dArgs.DATA_FORMAT,
                Conv2dArgs.ACTIVATION,
                Conv2dArgs.NORMALIZER,
                Conv2dArgs.WEIGHTS_INITIALIZER,
                Conv2dArgs.WEIGHTS_REGULARIZER,
                Conv2dArgs.BIASES_INITIALIZER,
                Conv2dArgs.TRAINABLE,
                BatchNormArgs.DECAY,
                BatchNormArgs.CENTER,
                BatchNormArgs.SCALE,
                BatchNormArgs.EPSILON,
                BatchNormArgs.ACTIVATION,
                BatchNormArgs.IS_TRAINING,
                BatchNormArgs.DATA_FORMAT,
                BatchNormArgs.TRAINABLE,
                MaxPool2dArgs.STRIDE,
                MaxPool2dArgs.PADDING,
                MaxPool2dArgs.DATA_FORMAT,
                StackBlocksDenseArgs.STORE_NON_STRIDED_ACTIVATIONS);
        Map<LayerFn, Map<String, Option<?>>> byFn = new EnumMap<>(LayerFn.class);
        for (Option<?> o : all) {
            byFn.computeIfAbsent(o.fn(), k -> new LinkedHashMap<>()).put(o.name(), o);
        }
        byFn.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        return Collections.unmodifiableMap(byFn);
    }
}
