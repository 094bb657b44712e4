/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import java.util.Iterator;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A lower bound of the memory one step needs, read from the graph's static shapes, used to refuse a batch that cannot
 * fit before TensorFlow allocates it (an oversized allocation on Linux meets the OOM killer rather than an error).
 *
 * <p>Inference: three times the largest activation (an op's input, its output and the next op's output are alive
 * together) plus every variable; TensorFlow frees activations once consumed, so inference peaks near this. A graph
 * with gradients (ops under a {@code gradients} scope) keeps the forward activations for the backward pass: there the
 * estimate is the sum of the forward outputs the backward pass reads plus three times the variables (values, gradients, momentum).
 *
 * @param largestTensorBytes the largest static tensor in the graph
 * @param variableBytes all variables
 * @param estimateBytes the estimate
 */
public record MemoryEstimate(long largestTensorBytes, long variableBytes, long estimateBytes) {

    /** The estimate for {@code graph}. */
    public static MemoryEstimate of(Graph graph) {
        long largest = 0;
        long variables = 0;
        long forwardActivations = 0;
        boolean training = false;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            boolean gradient = op.name().contains("/gradients/") || op.name().startsWith("gradients/");
            training |= gradient;
            for (int i = 0; i < op.numOutputs(); i++) {
                Output<?> o = op.output(i);
                long bytes = bytes(o.shape(), o.dataType());
                if (op.type().equals("VariableV2") || op.type().equals("VarHandleOp")) {
                    variables += bytes;
                } else {
                    largest = Math.max(largest, bytes);
                    if (!gradient && i == 0 && LAYER_OUTPUTS.contains(op.type())) {
                        forwardActivations = saturatingAdd(forwardActivations, bytes);
                    }
                }
            }
        }
        long estimate = training
                ? saturatingAdd(forwardActivations, saturatingMul(variables, 3))
                : saturatingAdd(saturatingMul(largest, 3), variables);
        return new MemoryEstimate(largest, variables, estimate);
    }

    /**
     * The op types whose output the backward pass needs: a convolution's output (its batch norm's gradient reads it),
     * ReLU outputs (their own gradient, and the next convolution's), unit outputs, pooling and padding. Batch-norm and
     * bias outputs only feed a ReLU or an add, whose gradients do not read them.
     */
    private static final Set<String> LAYER_OUTPUTS =
            Set.of("Conv2D", "Relu", "AddV2", "MaxPool", "Pad", "SpaceToBatchND", "BatchToSpaceND", "Mean");

    private static long bytes(Shape shape, DataType type) {
        if (shape.isUnknown() || shape.hasUnknownDimension()) {
            return 0;
        }
        long n = 1;
        for (int d = 0; d < shape.numDimensions(); d++) {
            n = saturatingMul(n, shape.get(d));
        }
        return saturatingMul(n, elementBytes(type));
    }

    private static int elementBytes(DataType type) {
        return switch (type) {
            case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
            case DT_BFLOAT16, DT_HALF, DT_INT16, DT_UINT16 -> 2;
            case DT_INT8, DT_UINT8, DT_BOOL -> 1;
            default -> 4;
        };
    }

    private static long saturatingMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
