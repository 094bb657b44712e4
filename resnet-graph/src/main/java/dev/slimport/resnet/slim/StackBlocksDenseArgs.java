/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/** The scoped keyword argument of {@code resnet_utils.stack_blocks_dense}. */
public final class StackBlocksDenseArgs {
    private StackBlocksDenseArgs() {}

    /**
     * {@code store_non_strided_activations}, default false: when true, each block's last unit runs with stride 1, the
     * block end point keeps the full resolution, and the block output is subsampled afterwards.
     */
    public static final Option<Boolean> STORE_NON_STRIDED_ACTIVATIONS =
            Option.of(LayerFn.STACK_BLOCKS_DENSE, "store_non_strided_activations", Boolean.class, false);
}
