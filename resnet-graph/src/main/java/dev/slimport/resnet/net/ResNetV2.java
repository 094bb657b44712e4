/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.slim.ArgScope;
import dev.slimport.resnet.slim.BatchNormArgs;
import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.LayerContext;
import dev.slimport.resnet.slim.Layers;
import dev.slimport.resnet.slim.MaxPool2dArgs;
import dev.slimport.resnet.slim.Normalizer;
import dev.slimport.resnet.slim.StackBlocksDenseArgs;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Port of {@code resnet_v2.resnet_v2} and {@code resnet_v2_50/101/152/200} (tensorflow/models research/slim/nets),
 * as a builder.
 *
 * <pre>{@code
 * try (Graph g = new Graph(); Session s = new Session(g)) {
 *   Ops tf = Ops.create(g);
 *   Placeholder<TFloat32> images = ResNetV2.imagesPlaceholder(tf, -1, 224, 224);
 *   NetworkSpec network = NetworkSpec.of(Depth.D152).withNumClasses(1000);
 *   ResNetModel m = ResNetV2.builder(network).isTraining(false).build(tf, images);
 *   ...
 * }
 * }</pre>
 *
 * <p>Which network ({@code num_classes}, {@code output_stride}, {@code scope}, layout and precision included) is a
 * {@link NetworkSpec}; the builder adds how to build it. Defaults are slim's: {@code is_training=True}, {@code
 * global_pool=True}, no {@code output_stride}, the root block, {@code spatial_squeeze=True}, no classes, and the model
 * built inside {@link
 * ResNetArgScope#resnetArgScope()} (slim users must remember that scope; here it is the default, and {@link
 * Builder#argScope} replaces it). To place the model on a device, build it with {@code tf.withDevice(...)} (and soft
 * placement in the session config for GPU graphs). Inference optimizations such as folding batch norms are a separate
 * step, {@code dev.slimport.resnet.optimize.InferenceGraph}.
 */
public final class ResNetV2 {
    private ResNetV2() {}

    /** The built-in default scope name of {@code resnet_v2} with custom blocks. */
    public static final String DEFAULT_SCOPE = "resnet_v2";

    /**
     * A builder for {@code resnet_v2_50/101/152/200} ({@code depth}): the official block table and scope {@code
     * resnet_v2_<N>}.
     */
    public static Builder builder(Depth depth) {
        return builder(NetworkSpec.of(depth));
    }

    /** A builder for {@code resnet_v2(inputs, blocks, ...)} with custom blocks and scope {@code resnet_v2}. */
    public static Builder builder(List<BlockSpec> blocks) {
        return builder(NetworkSpec.custom(DEFAULT_SCOPE, blocks));
    }

    /** A builder for the network {@code spec} describes, with slim's defaults for everything else. */
    public static Builder builder(NetworkSpec spec) {
        return new Builder(spec);
    }

    /**
     * A float32 NHWC placeholder named {@code images} of shape {@code [batch, height, width, 3]}; -1 leaves a dimension
     * unknown.
     */
    public static Placeholder<TFloat32> imagesPlaceholder(Ops tf, long batch, long height, long width) {
        for (long d : new long[] {batch, height, width}) {
            if (d == 0 || d < -1) {
                throw new IllegalArgumentException("images: batch, height and width must be > 0 or -1 (unknown), got "
                        + batch + ", " + height + ", " + width);
            }
        }
        return tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, height, width, 3)));
    }

    /** Builds one ResNet v2; each setter validates its argument, {@link #build} validates the whole before any op. */
    public static final class Builder {
        private NetworkSpec spec;
        private boolean isTraining = true;
        private boolean globalPool = true;
        private boolean includeRootBlock = true;
        private boolean spatialSqueeze = true;
        private ArgScope argScope = ResNetArgScope.resnetArgScope();
        private long seed = 0;
        private boolean reuse = false;

        private Builder(NetworkSpec spec) {
            spec(s -> spec);
        }

        /** {@code is_training} (slim's default true): batch statistics and update ops, or moving statistics. */
        public Builder isTraining(boolean training) {
            this.isTraining = training;
            return this;
        }

        /** {@code global_pool} (default true): {@code pool5} = mean over height and width, kept as 1×1. */
        public Builder globalPool(boolean pool) {
            this.globalPool = pool;
            return this;
        }

        /** {@code include_root_block} (default true): the 7×7/2 {@code conv1} and 3×3/2 {@code pool1}. */
        public Builder includeRootBlock(boolean include) {
            this.includeRootBlock = include;
            return this;
        }

        /** {@code spatial_squeeze} (default true): squeeze the logits from {@code [B,1,1,C]} to {@code [B,C]}. */
        public Builder spatialSqueeze(boolean squeeze) {
            this.spatialSqueeze = squeeze;
            return this;
        }

        /** The arg scope the network is built in (default {@link ResNetArgScope#resnetArgScope()}). */
        public Builder argScope(ArgScope args) {
            if (args == null) {
                throw new IllegalArgumentException(
                        "argScope: must not be null (use ArgScope.empty() for slim's defaults)");
            }
            this.argScope = args;
            return this;
        }

        /** The model seed (default 0): the same seed gives the same initial variables. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Reuse the variables of an earlier build of the same scope in this graph (slim's {@code reuse=True}). */
        public Builder reuse(boolean r) {
            this.reuse = r;
            return this;
        }

        /**
         * Changes the network to build (its depth or blocks, classes, output stride, layout, precision and scope),
         * e.g. {@code spec(n -> n.withNumClasses(10))}.
         */
        public Builder spec(UnaryOperator<NetworkSpec> change) {
            NetworkSpec changed = change.apply(spec);
            if (changed == null) {
                throw new IllegalArgumentException("spec: must not be null");
            }
            this.spec = changed;
            return this;
        }

        /** A copy of this builder, to change without changing this one. */
        public Builder copy() {
            Builder b = new Builder(spec);
            b.isTraining = isTraining;
            b.globalPool = globalPool;
            b.includeRootBlock = includeRootBlock;
            b.spatialSqueeze = spatialSqueeze;
            b.argScope = argScope;
            b.seed = seed;
            b.reuse = reuse;
            return b;
        }

        /** The network this builder builds. */
        public NetworkSpec spec() {
            return spec;
        }

        /** The arg scope the network is built in. */
        public ArgScope argScope() {
            return argScope;
        }

        /** Whether the network is built in training mode. */
        public boolean isTraining() {
            return isTraining;
        }

        /**
         * The stride plan of the blocks for this configuration; throws slim's errors for a bad output stride, naming the
         * output stride asked for and the strides the blocks can reach.
         */
        public StridePlan stridePlan() {
            Integer outputStride = spec.outputStride();
            int root = includeRootBlock ? 4 : 1;
            if (outputStride != null && outputStride % root != 0) {
                throw new IllegalArgumentException(
                        "output_stride=" + outputStride + ": The output_stride needs to be a multiple of 4.");
            }
            boolean storeNonStrided = argScope.get(StackBlocksDenseArgs.STORE_NON_STRIDED_ACTIVATIONS);
            try {
                return StridePlan.of(spec.blocks(), outputStride == null ? null : outputStride / root, storeNonStrided);
            } catch (IllegalArgumentException e) {
                Set<Integer> reachable = new LinkedHashSet<>(List.of(root));
                int stride = root;
                for (BlockSpec block : spec.blocks()) {
                    for (UnitSpec unit : block.units()) {
                        reachable.add(stride *= unit.stride());
                    }
                }
                throw new IllegalArgumentException(
                        "output_stride=" + outputStride + ": " + StridePlan.UNREACHABLE + " These blocks"
                                + (includeRootBlock ? " after the root block (stride 4)" : "")
                                + " reach the output strides " + reachable,
                        e);
            }
        }

        /**
         * Builds the network on {@code images} (float32, NHWC, known channel count) in {@code tf}'s graph.
         *
         * @throws IllegalArgumentException for a bad input or configuration, before any op is added
         */
        public ResNetModel build(Ops tf, Operand<TFloat32> images) {
            checkImages(images);
            StridePlan plan = stridePlan();
            checkSqueeze(images.shape(), plan);
            ArgScope args = argScope.with(
                    Conv2dArgs.DATA_FORMAT.of(spec.dataFormat()),
                    BatchNormArgs.DATA_FORMAT.of(spec.dataFormat()),
                    MaxPool2dArgs.DATA_FORMAT.of(spec.dataFormat()),
                    BatchNormArgs.IS_TRAINING.of(isTraining));
            LayerContext sc = LayerContext.root(tf, args, seed, reuse).withSubScope(spec.scope());
            return build(sc, images, plan, spec.precision().type());
        }

        private <T extends TFloating> ResNetModel build(
                LayerContext sc, Operand<TFloat32> images, StridePlan plan, Class<T> computeType) {
            Ops tf = sc.tf();
            DataFormat format = spec.dataFormat();
            Operand<T> net = Layers.cast(tf, images, computeType, "ToComputeType");
            if (format == DataFormat.NCHW) {
                net = tf.withName("ToNCHW").linalg.transpose(net, tf.constant(new int[] {0, 3, 1, 2}));
            }
            if (includeRootBlock) {
                LayerContext root = sc.withArgs(a ->
                        a.with(Conv2dArgs.ACTIVATION.of(Activation.NONE), Conv2dArgs.NORMALIZER.of(Normalizer.NONE)));
                net = ResNetUtils.conv2dSame(root, net, 64, 7, 2, 1, "conv1");
                net = Layers.maxPool2d(sc, net, 3, "pool1", MaxPool2dArgs.STRIDE.of(2));
            }
            net = ResNetUtils.stackBlocksDense(sc, net, plan);
            net = Layers.batchNorm(sc, net, "postnorm", BatchNormArgs.ACTIVATION.of(Activation.RELU));
            Operand<T> postnorm = net;
            Operand<T> pooled = null;
            if (globalPool) {
                pooled = net = sc.collect("global_pool", Layers.globalAvgPool(tf, net, format, "pool5"));
            }
            Operand<TFloat32> logits = null;
            Operand<TFloat32> predictions = null;
            if (spec.numClasses() > 0) {
                net = Layers.conv2d(
                        sc,
                        net,
                        spec.numClasses(),
                        1,
                        "logits",
                        Conv2dArgs.ACTIVATION.of(Activation.NONE),
                        Conv2dArgs.NORMALIZER.of(Normalizer.NONE));
                if (spatialSqueeze) {
                    Squeeze.Options axes = Squeeze.axis((long) format.heightAxis(), (long) format.widthAxis());
                    net = sc.collect(
                            sc.scopeName() + "/spatial_squeeze",
                            tf.withName("SpatialSqueeze").squeeze(net, axes));
                }
                Operand<T> softmax = sc.collect("predictions", Layers.softmax(sc, net, format, "predictions"));
                logits = Layers.cast(tf, net, TFloat32.class, "logits_float32");
                predictions = Layers.cast(tf, softmax, TFloat32.class, "predictions_float32");
            }
            return new ResNetModel(
                    spec,
                    isTraining,
                    seed,
                    reuse,
                    images,
                    net,
                    postnorm,
                    Optional.ofNullable(pooled),
                    Optional.ofNullable(logits),
                    Optional.ofNullable(predictions),
                    sc.collections().endPoints(),
                    sc.collections().variables(),
                    sc.collections().updateOps(),
                    sc.collections().regularizationLosses());
        }

        private static void checkImages(Operand<TFloat32> images) {
            if (images == null) {
                throw new IllegalArgumentException("images: must not be null");
            }
            if (images.type() != TFloat32.class) {
                throw new IllegalArgumentException(
                        "images: must be float32 (cast other types with tf.dtypes.cast first), got "
                                + images.asOutput().dataType());
            }
            Shape s = images.shape();
            if (s.isUnknown() || s.numDimensions() != 4) {
                throw new IllegalArgumentException(
                        "images: must have rank 4 [batch, height, width, 3] (NHWC), got shape " + s);
            }
            if (s.get(3) != 3) {
                throw new IllegalArgumentException(
                        "images: must have 3 channels in the last dimension (NHWC), got shape " + s);
            }
            if (s.get(0) == 0 || s.get(1) == 0 || s.get(2) == 0) {
                throw new IllegalArgumentException("images: batch, height and width must not be 0, got shape " + s);
            }
        }

        /** Slim squeezes [B,H,W,C] logits on axes 1 and 2; that fails unless both are 1. Checked before building. */
        private void checkSqueeze(Shape images, StridePlan plan) {
            if (spec.numClasses() == 0 || !spatialSqueeze || globalPool) {
                return;
            }
            for (int axis = 1; axis <= 2; axis++) {
                long size = images.get(axis);
                if (size < 0) {
                    continue;
                }
                if (includeRootBlock) {
                    size = ceilDiv(ceilDiv(size, 2), 2);
                }
                for (StridePlan.BlockPlan b : plan.blocks()) {
                    for (StridePlan.UnitPlan u : b.units()) {
                        size = ceilDiv(size, u.unit().stride());
                    }
                    size = ceilDiv(size, b.subsample());
                }
                if (size != 1) {
                    throw new IllegalArgumentException("spatial_squeeze: the logits would be " + size + " wide on axis "
                            + axis + ", and only a size-1 axis can be squeezed; use globalPool(true) or"
                            + " spatialSqueeze(false)");
                }
            }
        }

        private static long ceilDiv(long a, long b) {
            return (a + b - 1) / b;
        }
    }
}
