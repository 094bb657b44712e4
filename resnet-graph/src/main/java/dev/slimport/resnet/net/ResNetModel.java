/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.ModelCollections;
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
 */
public final class ResNetModel {
    private final NetworkSpec spec;
    private final boolean isTraining;
    private final long seed;
    private final boolean reuse;
    private final Operand<TFloat32> images;
    private final Operand<?> output;
    private final Operand<?> postnorm;
    private final Operand<?> globalPool;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> predictions;
    private final Map<String, Operand<?>> endPoints;
    private final List<ModelVariable> variables;
    private final List<Op> updateOps;
    private final List<Operand<TFloat32>> regularizationLosses;

    ResNetModel(
            NetworkSpec spec,
            boolean isTraining,
            long seed,
            boolean reuse,
            Operand<TFloat32> images,
            Operand<?> output,
            Operand<?> postnorm,
            Operand<?> globalPool,
            Operand<TFloat32> logits,
            Operand<TFloat32> predictions,
            Map<String, Operand<?>> endPoints,
            ModelCollections collections) {
        this.spec = spec;
        this.isTraining = isTraining;
        this.seed = seed;
        this.reuse = reuse;
        this.images = images;
        this.output = output;
        this.postnorm = postnorm;
        this.globalPool = globalPool;
        this.logits = logits;
        this.predictions = predictions;
        this.endPoints = endPoints;
        this.variables = collections.variables();
        this.updateOps = collections.updateOps();
        this.regularizationLosses = collections.regularizationLosses();
    }

    /** The network the model was built as (its images may have another size than {@code spec().imageSize()}). */
    public NetworkSpec spec() {
        return spec;
    }

    /** Whether it was built in training mode (batch statistics and update ops). */
    public boolean isTraining() {
        return isTraining;
    }

    /** The model seed its initializers derive from. */
    public long seed() {
        return seed;
    }

    /** Whether it reuses the variables of an earlier build. */
    public boolean reuse() {
        return reuse;
    }

    /** The model's variable scope, e.g. {@code resnet_v2_50}. */
    public String scope() {
        return spec.scope();
    }

    /** The graph the model lives in. */
    public Graph graph() {
        return (Graph) images.env();
    }

    /** The float32 NHWC images the model was built on (a placeholder or any other operand). */
    public Operand<TFloat32> images() {
        return images;
    }

    /**
     * Slim's returned {@code net}: the logits (squeezed unless {@code spatialSqueeze(false)}) when there are classes,
     * else the globally pooled features, else the postnorm features. In the compute type and data format.
     */
    public Operand<?> output() {
        return output;
    }

    /** The postnorm (BN + ReLU) features before pooling, in the compute type and data format. */
    public Operand<?> postnorm() {
        return postnorm;
    }

    /** The globally pooled features {@code [B,1,1,C]} (NHWC) when built with {@code globalPool}. */
    public Optional<Operand<?>> globalPool() {
        return Optional.ofNullable(globalPool);
    }

    /** The logits as float32 when the model has classes. */
    public Optional<Operand<TFloat32>> logits() {
        return Optional.ofNullable(logits);
    }

    /** The softmax predictions as float32 when the model has classes. */
    public Optional<Operand<TFloat32>> predictions() {
        return Optional.ofNullable(predictions);
    }

    /** Slim's end points: an unmodifiable map in slim's key order. */
    public Map<String, Operand<?>> endPoints() {
        return endPoints;
    }

    /** All model variables in slim's creation order (slim's MODEL_VARIABLES / GLOBAL_VARIABLES). */
    public List<ModelVariable> variables() {
        return variables;
    }

    /** The trainable variables (weights, biases, gamma, beta) in creation order. */
    public List<ModelVariable> trainableVariables() {
        return variables.stream().filter(ModelVariable::trainable).toList();
    }

    /** The batch-norm moving statistics (never trainable) in creation order. */
    public List<ModelVariable> movingStatistics() {
        return variables.stream().filter(v -> v.role().isMovingStatistic()).toList();
    }

    /** The moving-average update ops (slim's UPDATE_OPS); empty for an inference model. */
    public List<Op> updateOps() {
        return updateOps;
    }

    /** The L2 losses, one per regularized weights tensor (slim's REGULARIZATION_LOSSES). */
    public List<Operand<TFloat32>> regularizationLosses() {
        return regularizationLosses;
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
