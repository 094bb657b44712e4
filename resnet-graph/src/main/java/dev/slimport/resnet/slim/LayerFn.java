/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Locale;

/**
 * The slim functions this port provides, by their slim names.
 *
 * <p>Only functions that slim decorates with {@code @add_arg_scope} accept scoped defaults: {@code conv2d},
 * {@code batch_norm}, {@code max_pool2d}, {@code softmax} and, from {@code resnet_utils.py}, {@code
 * stack_blocks_dense} and {@code bottleneck}. {@code conv2d_same} and {@code subsample} are plain functions in
 * slim, so an {@link ArgScope} refuses defaults for them.
 */
public enum LayerFn {
    /** {@code tf_slim.layers.conv2d}. */
    CONV2D(true),
    /** {@code tf_slim.layers.batch_norm}. */
    BATCH_NORM(true),
    /** {@code tf_slim.layers.max_pool2d}. */
    MAX_POOL2D(true),
    /** {@code tf_slim.layers.softmax}. */
    SOFTMAX(true),
    /** {@code resnet_utils.stack_blocks_dense}. */
    STACK_BLOCKS_DENSE(true),
    /** {@code resnet_v2.bottleneck}. */
    BOTTLENECK(true),
    /** {@code resnet_utils.conv2d_same}: not an arg-scope function in slim. */
    CONV2D_SAME(false),
    /** {@code resnet_utils.subsample}: not an arg-scope function in slim. */
    SUBSAMPLE(false);

    private final boolean takesScopedDefaults;

    LayerFn(boolean takesScopedDefaults) {
        this.takesScopedDefaults = takesScopedDefaults;
    }

    /** Whether slim decorates this function with {@code @add_arg_scope}. */
    public boolean takesScopedDefaults() {
        return takesScopedDefaults;
    }

    /** The slim name, e.g. {@code conv2d} or {@code stack_blocks_dense}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
