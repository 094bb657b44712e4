/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/**
 * A value bound to an {@link Option}: an explicit keyword argument of a call, or a default held by an {@link
 * ArgScope}. Made by {@link Option#of(Object)}.
 *
 * @param option the option
 * @param value its value, never null
 * @param <T> the value type
 */
public record Arg<T>(Option<T> option, T value) {}
