/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/**
 * Tensor layout of images and feature maps. Slim's ResNet v2 is NHWC; NCHW is cuDNN's native layout and runs on
 * GPUs (and on CPUs with oneDNN).
 */
public enum DataFormat {
    NHWC,
    NCHW;

    /** The axis holding channels: 3 for NHWC, 1 for NCHW. */
    public int channelAxis() {
        return this == NHWC ? 3 : 1;
    }

    /** The height axis: 1 for NHWC, 2 for NCHW. */
    public int heightAxis() {
        return this == NHWC ? 1 : 2;
    }

    /** The width axis: 2 for NHWC, 3 for NCHW. */
    public int widthAxis() {
        return this == NHWC ? 2 : 3;
    }

    /** A 4-vector with {@code batch} on the batch axis, {@code channels} on the channel axis, h and w in place. */
    public long[] vector(long batch, long h, long w, long channels) {
        return this == NHWC ? new long[] {batch, h, w, channels} : new long[] {batch, channels, h, w};
    }

    /** Parses {@code NHWC} or {@code NCHW}, ignoring case, naming the argument in the error. */
    public static DataFormat parse(String argument, String value) {
        if (value != null) {
            for (DataFormat f : values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException(argument + ": unknown data format '" + value + "'; allowed: NHWC, NCHW");
    }
}
