/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

/**
 * Parameter and multiply-add counts of slim's ResNet v2 computed in plain Java from the architecture
 * (resnet_v2.py: root 7x7/2 conv with biases, SAME 3x3/2 max pool, bottleneck units with a pre-activation batch
 * norm, 1x1 / 3x3 (stride on a block's last unit) / 1x1 convolutions, a biased 1x1 projection shortcut where the
 * depth changes, postnorm, 1x1 logits), independent of the graph. Checked against Keras' published ResNet50V2 and
 * ResNet152V2 parameter counts (same architecture): 25,613,800 and 60,380,648.
 *
 * @param parameters all scalars, moving statistics included
 * @param nonTrainable the moving statistics
 * @param multiplyAdds per image
 * @param variables the number of variables
 */
public record ReferenceCounts(long parameters, long nonTrainable, long multiplyAdds, int variables) {

  public static ReferenceCounts of(int[] unitsPerBlock, int height, int width, int classes) {
    long params = 7 * 7 * 3 * 64 + 64;
    long nonTrainable = 0;
    int variables = 2;
    long h = ceilDiv(height, 2);
    long w = ceilDiv(width, 2);
    long macs = 7L * 7 * 3 * 64 * h * w;
    h = ceilDiv(h, 2);
    w = ceilDiv(w, 2);
    long cin = 64;
    for (int b = 0; b < 4; b++) {
      long d = 64L << b;
      long depth = 4 * d;
      int blockStride = b < 3 ? 2 : 1;
      for (int u = 0; u < unitsPerBlock[b]; u++) {
        int stride = u == unitsPerBlock[b] - 1 ? blockStride : 1;
        long oh = ceilDiv(h, stride);
        long ow = ceilDiv(w, stride);
        params += 4 * cin;
        nonTrainable += 2 * cin;
        variables += 4;
        if (cin != depth) {
          params += cin * depth + depth;
          macs += cin * depth * oh * ow;
          variables += 2;
        }
        params += cin * d + 4 * d;
        nonTrainable += 2 * d;
        macs += cin * d * h * w;
        params += 9 * d * d + 4 * d;
        nonTrainable += 2 * d;
        macs += 9 * d * d * oh * ow;
        params += d * depth + depth;
        macs += d * depth * oh * ow;
        variables += 5 + 5 + 2;
        cin = depth;
        h = oh;
        w = ow;
      }
    }
    params += 4 * 2048;
    nonTrainable += 2 * 2048;
    variables += 4;
    if (classes > 0) {
      params += 2048L * classes + classes;
      macs += 2048L * classes;
      variables += 2;
    }
    return new ReferenceCounts(params, nonTrainable, macs, variables);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
