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
 * <p>The one counting oracle of the test suites: tests derive expected parameter, variable and multiply-add counts
 * from here rather than re-deriving them.
 *
 * @param parameters all scalars, moving statistics included
 * @param nonTrainable the moving statistics
 * @param multiplyAdds per image
 * @param variables the number of variables
 */
public record ReferenceCounts(long parameters, long nonTrainable, long multiplyAdds, int variables) {

    /** Units per block of resnet_v2_50 / 101 / 152 / 200 (resnet_v2.py). */
    public static int[] unitsPerBlock(int layers) {
        return switch (layers) {
            case 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            case 152 -> new int[] {3, 8, 36, 3};
            case 200 -> new int[] {3, 24, 36, 3};
            default -> throw new IllegalArgumentException("no resnet_v2_" + layers);
        };
    }

    /** The counts at the nominal output stride (32). */
    public static ReferenceCounts of(int[] unitsPerBlock, int height, int width, int classes) {
        return of(unitsPerBlock, height, width, classes, null);
    }

    /**
     * The counts with slim's {@code output_stride} (atrous): once the running stride (4 after the root block) reaches
     * it, units run with stride 1 and a multiplied rate. An atrous convolution does the multiply-adds of a dense one
     * at its output resolution (each output is still k·k·in products), so only the resolutions change.
     *
     * @param outputStride null for the nominal 32, else a multiple of 4 that the strides can reach
     */
    public static ReferenceCounts of(int[] unitsPerBlock, int height, int width, int classes, Integer outputStride) {
        long params = 7 * 7 * 3 * 64 + 64;
        long nonTrainable = 0;
        int variables = 2;
        long h = ceilDiv(height, 2);
        long w = ceilDiv(width, 2);
        long macs = 7L * 7 * 3 * 64 * h * w;
        h = ceilDiv(h, 2);
        w = ceilDiv(w, 2);
        long current = 4;
        long cin = 64;
        for (int b = 0; b < 4; b++) {
            long d = 64L << b;
            long depth = 4 * d;
            int blockStride = b < 3 ? 2 : 1;
            for (int u = 0; u < unitsPerBlock[b]; u++) {
                int stride = u == unitsPerBlock[b] - 1 ? blockStride : 1;
                if (outputStride != null && current == outputStride) {
                    stride = 1;
                }
                current *= stride;
                if (outputStride != null && current > outputStride) {
                    throw new IllegalArgumentException("output_stride " + outputStride + " cannot be reached");
                }
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
        if (outputStride != null && current != outputStride) {
            throw new IllegalArgumentException("output_stride " + outputStride + " cannot be reached");
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
