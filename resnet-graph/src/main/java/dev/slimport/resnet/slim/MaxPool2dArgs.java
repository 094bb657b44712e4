/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/**
 * The keyword arguments of slim's {@code max_pool2d} that can be passed explicitly or held by an {@link ArgScope},
 * with slim's own defaults.
 */
public final class MaxPool2dArgs {
    private MaxPool2dArgs() {}

    /** {@code stride}, default 2. */
    public static final Option<Integer> STRIDE =
            new Option<>(LayerFn.MAX_POOL2D, "stride", Integer.class, 2, v -> v >= 1, "integers >= 1");
    /** {@code padding}, default {@code 'VALID'} (resnet_arg_scope sets {@code 'SAME'}). */
    public static final Option<Padding> PADDING =
            Option.of(LayerFn.MAX_POOL2D, "padding", Padding.class, Padding.VALID);
    /** {@code data_format}, default {@code 'NHWC'}. */
    public static final Option<DataFormat> DATA_FORMAT =
            Option.of(LayerFn.MAX_POOL2D, "data_format", DataFormat.class, DataFormat.NHWC);
}
