/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.slim.BatchNormArgs;
import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.LayerContext;
import dev.slimport.resnet.slim.Layers;
import dev.slimport.resnet.slim.Normalizer;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.types.family.TNumber;

/**
 * Port of {@code resnet_v2.bottleneck}: the pre-activation bottleneck unit in scope {@code bottleneck_v2}.
 *
 * <ol>
 *   <li>{@code preact = batch_norm(inputs, relu)};
 *   <li>shortcut: {@code subsample(inputs, stride)} of the raw inputs when the depth is unchanged, else a 1×1
 *       convolution of {@code preact} with the stride, biases and no normalizer or activation;
 *   <li>residual: {@code conv1} 1×1 (BN, ReLU), {@code conv2} 3×3 {@code conv2d_same} with the stride and rate (BN,
 *       ReLU), {@code conv3} 1×1 with biases and no normalizer or activation;
 *   <li>{@code output = shortcut + residual} (op {@code add}), no activation; collected under the unit's scope.
 * </ol>
 */
public final class Bottleneck implements UnitFn {
    /** The v2 bottleneck. */
    public static final Bottleneck V2 = new Bottleneck();

    /** The default scope name. */
    public static final String SCOPE = "bottleneck_v2";

    private Bottleneck() {}

    @Override
    public <T extends TNumber> Operand<T> apply(LayerContext ctx, Operand<T> inputs, UnitSpec unit, int rate) {
        LayerContext sc = ctx.withSubScope(SCOPE);
        Operand<T> preact = Layers.batchNorm(sc, inputs, "preact", BatchNormArgs.ACTIVATION.of(Activation.RELU));
        long depthIn = inputs.shape().get(sc.args().get(Conv2dArgs.DATA_FORMAT).channelAxis());
        Operand<T> shortcut;
        if (unit.depth() == depthIn) {
            shortcut = ResNetUtils.subsample(sc, inputs, unit.stride(), "shortcut");
        } else {
            shortcut = Layers.conv2d(
                    sc,
                    preact,
                    unit.depth(),
                    1,
                    "shortcut",
                    Conv2dArgs.STRIDE.of(unit.stride()),
                    Conv2dArgs.NORMALIZER.of(Normalizer.NONE),
                    Conv2dArgs.ACTIVATION.of(Activation.NONE));
        }
        Operand<T> residual = Layers.conv2d(sc, preact, unit.depthBottleneck(), 1, "conv1", Conv2dArgs.STRIDE.of(1));
        residual = ResNetUtils.conv2dSame(sc, residual, unit.depthBottleneck(), 3, unit.stride(), rate, "conv2");
        residual = Layers.conv2d(
                sc,
                residual,
                unit.depth(),
                1,
                "conv3",
                Conv2dArgs.STRIDE.of(1),
                Conv2dArgs.NORMALIZER.of(Normalizer.NONE),
                Conv2dArgs.ACTIVATION.of(Activation.NONE));
        Operation add = sc.tf()
                .scope()
                .opBuilder("AddV2", "add")
                .addInput(shortcut.asOutput())
                .addInput(residual.asOutput())
                .build();
        Operand<T> output = add.output(0);
        return sc.collect(sc.scopeName(), output);
    }
}
