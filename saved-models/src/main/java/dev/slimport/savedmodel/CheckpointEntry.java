/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * One tensor of a checkpoint, as {@code tf.train.list_variables} reports it.
 *
 * @param name the checkpoint key, e.g. {@code resnet_v2_50/logits/biases}
 * @param dtype the element type
 * @param shape the full shape
 */
public record CheckpointEntry(String name, DataType dtype, Shape shape) {

    /** {@code resnet_v2_50/logits/biases float32 [1001]}. */
    @Override
    public String toString() {
        return name + " " + Dtypes.name(dtype) + " " + Dtypes.shape(shape);
    }
}
