/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.ModelVariable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * What {@link ResNetV2.Builder#build} returns: handles into the built graph, slim's {@code (net, end_points)} and
 * the model's collections. It owns nothing native; the {@link Graph} it points into belongs to the caller.
 *
 * @param spec the network the model was built as (its images may have another size than {@code spec().imageSize()})
 * @param isTraining whether it was built in training mode (batch statistics and update ops)
 * @param seed the model seed its initializers derive from
 * @param reuse whether it reuses the variables of an earlier build
 * @param images the float32 NHWC images the model was built on (a placeholder or any other operand)
 * @param output slim's returned {@code net}: the logits (squeezed unless {@code spatialSqueeze(false)}) when there are
 *     classes, else the globally pooled features, else the postnorm features; in the compute type and data format
 * @param postnorm the postnorm (BN + ReLU) features before pooling, in the compute type and data format
 * @param globalPool the globally pooled features {@code [B,1,1,C]} (NHWC) when built with {@code globalPool}
 * @param logits the logits as float32 when the model has classes
 * @param predictions the softmax predictions as float32 when the model has classes
 * @param endPoints slim's end points: an unmodifiable map in slim's key order
 * @param variables all model variables in slim's creation order (slim's MODEL_VARIABLES / GLOBAL_VARIABLES)
 * @param updateOps the moving-average update ops (slim's UPDATE_OPS); empty for an inference model
 * @param regularizationLosses the L2 losses, one per regularized weights tensor (slim's REGULARIZATION_LOSSES)
 */
public record ResNetModel(
        NetworkSpec spec,
        boolean isTraining,
        long seed,
        boolean reuse,
        Operand<TFloat32> images,
        Operand<?> output,
        Operand<?> postnorm,
        Optional<Operand<?>> globalPool,
        Optional<Operand<TFloat32>> logits,
        Optional<Operand<TFloat32>> predictions,
        Map<String, Operand<?>> endPoints,
        List<ModelVariable> variables,
        List<Op> updateOps,
        List<Operand<TFloat32>> regularizationLosses) {

    /** The model's variable scope, e.g. {@code resnet_v2_50}. */
    public String scope() {
        return spec.scope();
    }

    /** The graph the model lives in. */
    public Graph graph() {
        return (Graph) images.env();
    }

    /** The trainable variables (weights, biases, gamma, beta) in creation order. */
    public List<ModelVariable> trainableVariables() {
        return variables.stream().filter(ModelVariable::trainable).toList();
    }

    /** The batch-norm moving statistics (never trainable) in creation order. */
    public List<ModelVariable> movingStatistics() {
        return variables.stream().filter(v -> v.role().isMovingStatistic()).toList();
    }

    /** The number of scalars in all variables, moving statistics included (as Keras' "Total params"). */
    public long parameterCount() {
        return variables.stream().mapToLong(ModelVariable::size).sum();
    }

    /** The number of scalars in the trainable variables. */
    public long trainableParameterCount() {
        return trainableVariables().stream().mapToLong(ModelVariable::size).sum();
    }

    /**
     * The multiply-adds per image of the convolutions {@link #output()} depends on, read from the graph's static
     * shapes; empty when the image size is not static.
     */
    public OptionalLong multiplyAdds() {
        return GraphStats.multiplyAddsPerImage(output);
    }
}
