/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.util.Map;

/**
 * A plain-Java ResNet v2 forward pass written from slim-semantics.md (§1.1-§1.5), sharing no code with the library:
 * the reference the TensorFlow graph is compared with. Inference mode (moving statistics), NHWC.
 */
public final class RefResNetV2 {
    /** The effective epsilon of slim's fused batch norm (1e-5 raised to the fused kernel's minimum). */
    public static final double EPSILON = 1.001e-5;

    private final Map<String, Nhwc> vars;
    private final String scope;

    /**
     * @param vars variable values by slim name
     * @param scope the model scope, e.g. {@code resnet_v2_50}
     */
    public RefResNetV2(Map<String, Nhwc> vars, String scope) {
        this.vars = vars;
        this.scope = scope;
    }

    /**
     * The forward pass.
     *
     * @param images NHWC input
     * @param blocks rows of {base depth, units, stride}
     * @param outputStride the output stride or null
     * @param rootBlock whether to include conv1 + pool1
     * @param globalPool whether to average over H, W
     * @param numClasses 0 for none
     * @return the logits [N,1,1,C] (unsqueezed) or the features
     */
    public Nhwc forward(
            Nhwc images, int[][] blocks, Integer outputStride, boolean rootBlock, boolean globalPool, int numClasses) {
        return forward(images, blocks, outputStride, rootBlock, globalPool, numClasses, false, null);
    }

    /**
     * The forward pass with slim's {@code store_non_strided_activations} (tensorflow/models research/slim
     * {@code stack_blocks_dense}): each block's last unit runs with stride 1, the block's end point is taken at that
     * resolution, and the block output is then subsampled by the stride the unit gave up (or, once the output stride
     * is reached, the rate is multiplied by it instead).
     *
     * @param storeNonStridedActivations slim's option (false: the nominal layout)
     * @param endPoints receives each unit's output ({@code <scope>/blockK/unit_J/bottleneck_v2}) and each block's
     *     ({@code <scope>/blockK}), or null
     */
    public Nhwc forward(
            Nhwc images,
            int[][] blocks,
            Integer outputStride,
            boolean rootBlock,
            boolean globalPool,
            int numClasses,
            boolean storeNonStridedActivations,
            Map<String, Nhwc> endPoints) {
        Nhwc net = images;
        Integer os = outputStride;
        if (rootBlock) {
            if (os != null) {
                os = os / 4;
            }
            net = convSame(net, var("conv1/weights"), 2, 1);
            net = Ref.biasAdd(net, var("conv1/biases").data());
            net = Ref.maxPool(net, 3, 2, true);
        }
        int current = 1;
        int rate = 1;
        for (int b = 0; b < blocks.length; b++) {
            int base = blocks[b][0];
            int units = blocks[b][1];
            int blockStride = 1;
            for (int u = 0; u < units; u++) {
                int stride = u == units - 1 ? blocks[b][2] : 1;
                if (storeNonStridedActivations && u == units - 1) {
                    blockStride = stride;
                    stride = 1;
                }
                String unit = "block" + (b + 1) + "/unit_" + (u + 1) + "/bottleneck_v2";
                if (os != null && current == os) {
                    net = bottleneck(net, unit + "/", 4 * base, base, 1, rate);
                    rate *= stride;
                } else {
                    net = bottleneck(net, unit + "/", 4 * base, base, stride, 1);
                    current *= stride;
                }
                if (endPoints != null) {
                    endPoints.put(scope + "/" + unit, net);
                }
            }
            if (endPoints != null) {
                endPoints.put(scope + "/block" + (b + 1), net);
            }
            if (os != null && current == os) {
                rate *= blockStride;
            } else {
                net = blockStride == 1 ? net : Ref.maxPool(net, 1, blockStride, true);
                current *= blockStride;
            }
        }
        net = Ref.relu(bn(net, "postnorm/"));
        if (globalPool) {
            net = Ref.meanHw(net);
        }
        if (numClasses > 0) {
            net = Ref.biasAdd(
                    Ref.conv2dValid(net, var("logits/weights"), 1, 1),
                    var("logits/biases").data());
        }
        return net;
    }

    private Nhwc bottleneck(Nhwc x, String unit, int depth, int depthBottleneck, int stride, int rate) {
        Nhwc preact = Ref.relu(bn(x, unit + "preact/"));
        Nhwc shortcut;
        if (x.dim(3) == depth) {
            shortcut = stride == 1 ? x : Ref.maxPool(x, 1, stride, true);
        } else {
            shortcut = Ref.conv2dSamePadding(preact, var(unit + "shortcut/weights"), stride, 1);
            shortcut = Ref.biasAdd(shortcut, var(unit + "shortcut/biases").data());
        }
        Nhwc r = Ref.conv2dSamePadding(preact, var(unit + "conv1/weights"), 1, 1);
        r = Ref.relu(bn(r, unit + "conv1/BatchNorm/"));
        r = convSame(r, var(unit + "conv2/weights"), stride, rate);
        r = Ref.relu(bn(r, unit + "conv2/BatchNorm/"));
        r = Ref.biasAdd(
                Ref.conv2dSamePadding(r, var(unit + "conv3/weights"), 1, 1),
                var(unit + "conv3/biases").data());
        return Ref.add(shortcut, r);
    }

    /** conv2d_same: SAME for stride 1, else explicit symmetric-first padding of the effective kernel and VALID. */
    private static Nhwc convSame(Nhwc x, Nhwc w, int stride, int rate) {
        if (stride == 1) {
            return Ref.conv2dSamePadding(x, w, 1, rate);
        }
        int k = w.dim(0);
        int total = k + (k - 1) * (rate - 1) - 1;
        int beg = total / 2;
        int end = total - beg;
        return Ref.conv2d(x, w, stride, rate, new int[] {beg, end, beg, end});
    }

    private Nhwc bn(Nhwc x, String prefix) {
        return Ref.batchNorm(
                x,
                var(prefix + "gamma").data(),
                var(prefix + "beta").data(),
                var(prefix + "moving_mean").data(),
                var(prefix + "moving_variance").data(),
                EPSILON);
    }

    private Nhwc var(String name) {
        Nhwc v = vars.get(scope + "/" + name);
        if (v == null) {
            throw new AssertionError("the model has no variable " + scope + "/" + name);
        }
        return v;
    }
}
