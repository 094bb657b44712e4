/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import java.util.Iterator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A lower bound of the memory one forward step needs, read from the graph's static shapes: three times the largest
 * activation (an op's input, its output and the next op's output are alive together) plus every variable. TensorFlow
 * frees activations once consumed, so inference peaks near this; it is used to refuse a batch that cannot fit
 * before TensorFlow allocates it (an oversized allocation on Linux meets the OOM killer rather than an error).
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
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      for (int i = 0; i < op.numOutputs(); i++) {
        Output<?> o = op.output(i);
        long bytes = bytes(o.shape(), o.dataType());
        if (op.type().equals("VariableV2") || op.type().equals("VarHandleOp")) {
          variables += bytes;
        } else {
          largest = Math.max(largest, bytes);
        }
      }
    }
    return new MemoryEstimate(largest, variables, saturatingAdd(saturatingMul(largest, 3), variables));
  }

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
