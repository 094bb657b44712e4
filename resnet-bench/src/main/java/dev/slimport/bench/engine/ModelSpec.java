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
 */
public record ModelSpec(NetworkSpec network, int batchSize, int height, int width, long seed, boolean optimize) {

    /** The same network in another precision (same weights: the initializers' seeds derive from names and seed). */
    public ModelSpec withPrecision(Precision p) {
        return new ModelSpec(network.withPrecision(p), batchSize, height, width, seed, optimize);
    }

    /** The same network built as slim's graph verbatim ({@code optimize=false}). */
    public ModelSpec unoptimized() {
        return new ModelSpec(network, batchSize, height, width, seed, false);
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
