/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetArgScope;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.slim.DataFormat;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A validated network configuration: what {@code resnet_v2_<N>(inputs, num_classes)} is built with in the seed
 * notebook, inside {@code resnet_arg_scope()} with {@code is_training=False}.
 *
 * @param depth the network
 * @param batchSize images per step
 * @param height image height
 * @param width image width
 * @param numClasses logits per image, 0 for none
 * @param outputStride the requested output stride, or null
 * @param dataFormat the internal layout
 * @param precision the compute precision
 * @param seed the seed of the initializers and of the input
 */
public record ModelSpec(
        Depth depth,
        int batchSize,
        int height,
        int width,
        int numClasses,
        Integer outputStride,
        DataFormat dataFormat,
        Precision precision,
        long seed,
        boolean optimize) {

    /** The same network in another precision (same weights: the initializers' seeds derive from names and seed). */
    public ModelSpec withPrecision(Precision p) {
        return new ModelSpec(depth, batchSize, height, width, numClasses, outputStride, dataFormat, p, seed, optimize);
    }

    /** The same network built as slim's graph verbatim ({@code optimize=false}). */
    public ModelSpec unoptimized() {
        return new ModelSpec(
                depth, batchSize, height, width, numClasses, outputStride, dataFormat, precision, seed, false);
    }

    /**
     * Builds the inference network on {@code images} placed on {@code device}. With {@code optimize}, the batch norms
     * are folded ({@link InferenceGraph#foldBatchNorms}) using the seeded initial weights of slim's graph, so the
     * optimized and the verbatim graph compute the same function; call {@link InferenceGraph#loadWeights} after the
     * session's initializers (it does nothing else).
     */
    public InferenceGraph build(Ops tf, Operand<TFloat32> images, DeviceRequest device) {
        Ops placed = tf.withDevice(device.toDeviceSpec());
        return optimize
                ? InferenceGraph.foldBatchNorms(
                        builder(), InferenceGraph.initialWeights(builder(), height, width), placed, images)
                : InferenceGraph.verbatim(builder().build(placed, images));
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
        return ResNetV2.builder(depth)
                .numClasses(numClasses)
                .isTraining(false)
                .argScope(ResNetArgScope.resnetArgScope())
                .outputStride(outputStride)
                .dataFormat(dataFormat)
                .precision(precision)
                .seed(seed);
    }

    /** A one-line description, e.g. {@code resnet_v2_152 fp32 NHWC, batch 32, 224x224, 1000 classes}. */
    public String describe() {
        return depth.scopeName() + " " + precision.label() + " " + dataFormat + ", batch " + batchSize + ", " + height
                + "x" + width + ", " + (numClasses == 0 ? "no logits" : numClasses + " classes")
                + (outputStride == null ? "" : ", output stride " + outputStride)
                + (optimize ? ", batch norms folded" : ", slim's graph verbatim");
    }
}
