/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.runtime.DeviceRequest;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What one run builds: the network, as in the seed notebook {@code resnet_v2_<N>(inputs, num_classes)} inside {@code
 * resnet_arg_scope()} (the builder's default), plus what is only the run's.
 *
 * @param network the network (its classes, output stride, layout and precision); its {@code imageSize} is not
 *     used, the run's images are {@code height × width}
 * @param batchSize images per step
 * @param height image height
 * @param width image width
 * @param seed the seed of the initializers and of the input
 * @param optimize whether the inference graph has its batch norms folded
 * @param int8 whether the folded fp32 graph is then quantized to int8 ({@code --precision int8}: {@code network}'s
 *     precision is fp32 and {@code optimize} is true)
 */
public record ModelSpec(
        NetworkSpec network, int batchSize, int height, int width, long seed, boolean optimize, boolean int8) {

    /**
     * The spec, checked: int8 needs the folded fp32 graph.
     *
     * @throws IllegalArgumentException for int8 with another precision or without {@code optimize}
     */
    public ModelSpec {
        if (int8 && (!optimize || network.precision() != Precision.FP32)) {
            throw new IllegalArgumentException("int8: quantizes the folded fp32 graph; got optimize=" + optimize
                    + ", precision " + network.precision().label());
        }
    }

    /** A spec without int8 quantization. */
    public ModelSpec(NetworkSpec network, int batchSize, int height, int width, long seed, boolean optimize) {
        this(network, batchSize, height, width, seed, optimize, false);
    }

    /** What {@code --precision} asked for: int8, or the network's precision. */
    public RunPrecision runPrecision() {
        return int8 ? RunPrecision.INT8 : RunPrecision.of(network.precision());
    }

    /**
     * The same network in another precision, not quantized (same weights: the initializers' seeds derive from names
     * and seed).
     */
    public ModelSpec withPrecision(Precision p) {
        return new ModelSpec(network.withPrecision(p), batchSize, height, width, seed, optimize, false);
    }

    /** The same network built as slim's graph verbatim ({@code optimize=false}), not quantized. */
    public ModelSpec unoptimized() {
        return new ModelSpec(network, batchSize, height, width, seed, false, false);
    }

    /**
     * Builds the inference network on {@code images} placed on {@code device}. With {@code optimize}, the batch norms
     * are folded ({@link InferenceGraph#foldBatchNorms}) using the seeded initial weights of slim's graph, so the
     * optimized and the verbatim graph compute the same function; call {@link InferenceGraph#loadWeights} after the
     * session's initializers (it does nothing else).
     */
    public InferenceGraph build(Ops tf, Operand<TFloat32> images, DeviceRequest device) {
        Ops placed = tf.withDevice(device.toDeviceSpec());
        ResNetV2.Builder builder = builder().isTraining(false);
        return optimize
                ? InferenceGraph.foldBatchNorms(
                        builder, InferenceGraph.initialWeights(builder, height, width), placed, images)
                : InferenceGraph.verbatim(builder.build(placed, images));
    }

    /**
     * Builds slim's training-mode network on {@code images} placed on {@code device}: {@code is_training=True} (batch
     * norms on batch statistics, moving-average update ops in {@link ResNetModel#updateOps()}), slim's graph verbatim
     * whatever {@code optimize} says (folding needs fixed statistics).
     */
    public ResNetModel buildTraining(Ops tf, Operand<TFloat32> images, DeviceRequest device) {
        return builder().isTraining(true).build(tf.withDevice(device.toDeviceSpec()), images);
    }

    private ResNetV2.Builder builder() {
        return network.builder().seed(seed);
    }
}
