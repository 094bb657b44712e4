/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.function.Predicate;

/**
 * One keyword argument of a slim function that an {@link ArgScope} can hold a default for, such as {@code
 * conv2d(padding=...)}. The value is typed; {@link #builtInDefault()} is slim's own default.
 *
 * @param fn the slim function this option belongs to
 * @param name the slim keyword name, e.g. {@code activation_fn}
 * @param type the Java type of the value
 * @param builtInDefault slim's built-in default, used when neither the call nor any scope sets the option
 * @param valid which values are allowed
 * @param allowed the allowed values, for the error message
 * @param <T> the value type
 */
public record Option<T>(
        LayerFn fn, String name, Class<T> type, T builtInDefault, Predicate<? super T> valid, String allowed) {

    static <T> Option<T> of(LayerFn fn, String name, Class<T> type, T builtInDefault) {
        return new Option<>(fn, name, type, builtInDefault, v -> true, null);
    }

    /** Binds a value to this option, as an explicit call argument or a scoped default. */
    public Arg<T> of(T value) {
        if (value == null) {
            throw new IllegalArgumentException(fn + "(" + name + "=...): the value must not be null");
        }
        if (!valid.test(value)) {
            throw new IllegalArgumentException(fn + "(" + name + "=" + value + "): allowed values are " + allowed);
        }
        return new Arg<>(this, value);
    }

    @Override
    public String toString() {
        return fn + "." + name;
    }
}
