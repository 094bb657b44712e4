/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.LayerContext;
import dev.slimport.resnet.slim.Layers;
import dev.slimport.resnet.slim.MaxPool2dArgs;
import dev.slimport.resnet.slim.Padding;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TNumber;

/** Ports of {@code resnet_utils.py} (tensorflow/models research/slim/nets): conv2d_same, subsample, stack_blocks_dense. */
public final class ResNetUtils {
    private ResNetUtils() {}

    /**
     * Slim's {@code conv2d_same}: a strided convolution whose padding does not depend on the input size. For {@code
     * stride == 1} it is {@code conv2d(..., padding='SAME')}; otherwise the input is zero-padded by {@code
     * [(ke-1)/2, ke-1-(ke-1)/2]} on height and width, {@code ke = k + (k-1)(rate-1)}, and convolved with {@code
     * padding='VALID'}. Unlike TF's SAME padding, this pads (3,3) for a 7×7/2 convolution on a 224 input.
     *
     * @param ctx where to build (the pad op goes in the enclosing scope, as slim's {@code tf.pad})
     * @param inputs a rank-4 tensor
     * @param numOutputs output channels
     * @param kernelSize square kernel size
     * @param stride the stride
     * @param rate the atrous rate
     * @param scope the convolution's scope
     */
    public static <T extends TNumber> Operand<T> conv2dSame(
            LayerContext ctx, Operand<T> inputs, int numOutputs, int kernelSize, int stride, int rate, String scope) {
        if (stride < 1 || rate < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("conv2d_same(" + scope
                    + "): kernel_size, stride and rate must be >= 1, got " + kernelSize + ", " + stride + ", " + rate);
        }
        Padding padding = Padding.SAME;
        if (stride > 1) {
            int padTotal = (kernelSize - 1) * rate;
            DataFormat format = ctx.args().get(Conv2dArgs.DATA_FORMAT);
            LayerContext.checkName("scope", scope);
            inputs = Layers.padSpatial(ctx.tf(), inputs, padTotal / 2, padTotal - padTotal / 2, format);
            padding = Padding.VALID;
        }
        return Layers.conv2d(
                ctx,
                inputs,
                numOutputs,
                kernelSize,
                scope,
                Conv2dArgs.STRIDE.of(stride),
                Conv2dArgs.RATE.of(rate),
                Conv2dArgs.PADDING.of(padding));
    }

    /**
     * Slim's {@code subsample}: the input itself for {@code factor == 1}, else a 1×1 max pool with stride {@code
     * factor} (pixels 0, f, 2f, ...).
     */
    public static <T extends TNumber> Operand<T> subsample(
            LayerContext ctx, Operand<T> inputs, int factor, String scope) {
        if (factor < 1) {
            throw new IllegalArgumentException("subsample(" + scope + "): factor must be >= 1, got " + factor);
        }
        if (factor == 1) {
            return inputs;
        }
        return Layers.maxPool2d(ctx, inputs, 1, scope, MaxPool2dArgs.STRIDE.of(factor));
    }

    /**
     * Slim's {@code stack_blocks_dense}: the blocks in {@code block<i>/unit_<j>} scopes, each block's output collected
     * under its scope name, with the strides and atrous rates of {@code plan} ({@link StridePlan#of}, which computes
     * them for an {@code output_stride} and {@code store_non_strided_activations} before any op is built).
     */
    public static <T extends TNumber> Operand<T> stackBlocksDense(LayerContext ctx, Operand<T> net, StridePlan plan) {
        for (StridePlan.BlockPlan block : plan.blocks()) {
            LayerContext b = ctx.withSubScope(block.block().scope());
            for (int i = 0; i < block.units().size(); i++) {
                StridePlan.UnitPlan u = block.units().get(i);
                net = block.block().unitFn().apply(b.withSubScope("unit_" + (i + 1)), net, u.unit(), u.rate());
            }
            net = ctx.collect(b.scopeName(), net);
            net = subsample(b, net, block.subsample(), "MaxPool2D");
        }
        return net;
    }
}
