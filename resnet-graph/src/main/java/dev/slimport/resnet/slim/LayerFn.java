/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Locale;

/**
 * The slim functions whose keyword arguments an {@link ArgScope} holds, by their slim names: the ones slim decorates
 * with {@code @add_arg_scope} and ResNet v2 sets through a scope ({@code conv2d}, {@code batch_norm}, {@code
 * max_pool2d}, and {@code stack_blocks_dense} from {@code resnet_utils.py}).
 */
public enum LayerFn {
    /** {@code tf_slim.layers.conv2d}. */
    CONV2D,
    /** {@code tf_slim.layers.batch_norm}. */
    BATCH_NORM,
    /** {@code tf_slim.layers.max_pool2d}. */
    MAX_POOL2D,
    /** {@code resnet_utils.stack_blocks_dense}. */
    STACK_BLOCKS_DENSE;

    /** The slim name, e.g. {@code conv2d} or {@code stack_blocks_dense}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
