/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One keyword argument of a slim function that an {@link ArgScope} can hold a default for, such as {@code
 * conv2d(padding=...)}. The value is typed; {@link #builtInDefault()} is slim's own default.
 *
 * @param <T> the value type
 */
public final class Option<T> {
    private final LayerFn fn;
    private final String name;
    private final Class<T> type;
    private final T builtInDefault;
    private final Predicate<? super T> valid;
    private final String allowed;

    private Option(
            LayerFn fn, String name, Class<T> type, T builtInDefault, Predicate<? super T> valid, String allowed) {
        this.fn = fn;
        this.name = name;
        this.type = type;
        this.builtInDefault = builtInDefault;
        this.valid = valid;
        this.allowed = allowed;
    }

    static <T> Option<T> of(LayerFn fn, String name, Class<T> type, T builtInDefault) {
        return new Option<>(fn, name, type, builtInDefault, v -> true, null);
    }

    static <T> Option<T> of(
            LayerFn fn, String name, Class<T> type, T builtInDefault, Predicate<? super T> valid, String allowed) {
        return new Option<>(fn, name, type, builtInDefault, valid, allowed);
    }

    /** The slim function this option belongs to. */
    public LayerFn fn() {
        return fn;
    }

    /** The slim keyword name, e.g. {@code activation_fn}. */
    public String name() {
        return name;
    }

    /** The Java type of the value. */
    public Class<T> type() {
        return type;
    }

    /** Slim's built-in default, used when neither the call nor any scope sets the option. */
    public T builtInDefault() {
        return builtInDefault;
    }

    /** Binds a value to this option, as an explicit call argument or a scoped default. */
    public Arg<T> of(T value) {
        return new Arg<>(this, checked(value));
    }

    T checked(Object value) {
        if (value == null) {
            throw new IllegalArgumentException(fn + "(" + name + "=...): the value must not be null");
        }
        if (type == Double.class && value instanceof Number n && !(value instanceof Double)) {
            value = n.doubleValue();
        } else if (type == Integer.class
                && (value instanceof Long || value instanceof Short || value instanceof Byte)) {
            long l = ((Number) value).longValue();
            if (l == (int) l) {
                value = (int) l;
            }
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(fn + "(" + name + "=" + value + "): expected a " + type.getSimpleName()
                    + ", got a " + value.getClass().getSimpleName());
        }
        T typed = type.cast(value);
        if (!valid.test(typed)) {
            throw new IllegalArgumentException(fn + "(" + name + "=" + value + "): allowed values are " + allowed);
        }
        return typed;
    }

    @Override
    public String toString() {
        return fn + "." + name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Option<?> other && other.fn == fn && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fn, name);
    }
}
