/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Arrays;
import java.util.Objects;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * One input or output of a signature, as its {@code TensorInfo} declares it.
 *
 * @param tensorName the graph tensor, e.g. {@code images:0}
 * @param dtype the element type
 * @param shape the declared shape; -1 for an unknown dimension, {@link Shape#unknown()} for an unknown rank
 */
public record TensorSpec(String tensorName, DataType dtype, Shape shape) {

    /** Reads a {@code TensorInfo} (dense tensors; others get an empty name). */
    public static TensorSpec of(TensorInfo info) {
        TensorShapeProto s = info.getTensorShape();
        Shape shape;
        if (s.getUnknownRank()) {
            shape = Shape.unknown();
        } else {
            long[] dims = new long[s.getDimCount()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = s.getDim(i).getSize();
            }
            shape = Shape.of(dims);
        }
        return new TensorSpec(info.getName(), info.getDtype(), shape);
    }

    /**
     * Equal when name, dtype and declared shape agree, unknown dimensions included (unlike {@link Shape#equals}, for
     * which a shape with an unknown dimension equals only itself).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && Objects.equals(tensorName, t.tensorName)
                && dtype == t.dtype
                && Arrays.equals(dims(shape), dims(t.shape));
    }

    @Override
    public int hashCode() {
        return Objects.hash(tensorName, dtype, Arrays.hashCode(dims(shape)));
    }

    private static long[] dims(Shape s) {
        return s == null || s.isUnknown() ? null : s.asArray();
    }

    /** {@code float32 [-1,224,224,3]}. */
    @Override
    public String toString() {
        return Dtypes.name(dtype) + " " + Dtypes.shape(shape);
    }
}
