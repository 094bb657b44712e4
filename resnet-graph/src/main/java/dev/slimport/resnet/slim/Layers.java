/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import dev.slimport.resnet.slim.ModelVariable.Role;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.BiasAdd;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Ports of the slim layer functions ResNet v2 uses ({@code tf_slim/layers/layers.py}), built with the TF Java Ops
 * API. Every function takes the {@link LayerContext} it builds in, resolves its options as explicit argument &gt;
 * arg scope &gt; slim default, creates its variables with slim's names and, where slim collects outputs, collects
 * them under the variable scope's name.
 *
 * <p>Inputs are any floating type: variables are float32 (as in checkpoints) and are cast to the input's type, so
 * the same functions build bfloat16 and float16 graphs.
 */
public final class Layers {
    private Layers() {}

    /**
     * Slim's {@code conv2d(inputs, num_outputs, kernel_size, ..., scope)}: weights {@code [kh, kw, in, out]}, the
     * convolution (atrous through SpaceToBatchND when {@code rate > 1}), then either the normalizer or biases, then the
     * activation. The output is collected under the scope's name.
     *
     * @param ctx where to build
     * @param inputs a rank-4 tensor with a known channel count
     * @param numOutputs the output channels, &gt; 0
     * @param kernelSize the square kernel size, &gt; 0
     * @param scope the variable scope name
     * @param args explicit {@link Conv2dArgs} arguments
     * @throws IllegalArgumentException for a bad argument, before anything is added to the graph
     */
    public static <T extends TNumber> Operand<T> conv2d(
            LayerContext ctx, Operand<T> inputs, int numOutputs, int kernelSize, String scope, Arg<?>... args) {
        return conv2d(ctx, inputs, numOutputs, new int[] {kernelSize, kernelSize}, scope, args);
    }

    /**
     * As {@link #conv2d(LayerContext, Operand, int, int, String, Arg...)} with a {@code [kh, kw]} kernel.
     */
    public static <T extends TNumber> Operand<T> conv2d(
            LayerContext ctx, Operand<T> inputs, int numOutputs, int[] kernelSize, String scope, Arg<?>... args) {
        ArgScope a = ctx.args().call(LayerFn.CONV2D, args);
        Padding padding = a.get(Conv2dArgs.PADDING);
        int stride = a.get(Conv2dArgs.STRIDE);
        int rate = a.get(Conv2dArgs.RATE);
        DataFormat format = a.get(Conv2dArgs.DATA_FORMAT);
        Activation activation = a.get(Conv2dArgs.ACTIVATION);
        Normalizer normalizer = a.get(Conv2dArgs.NORMALIZER);
        boolean trainable = a.get(Conv2dArgs.TRAINABLE);
        if (numOutputs <= 0) {
            throw new IllegalArgumentException("conv2d(" + scope + "): num_outputs must be > 0, got " + numOutputs);
        }
        if (kernelSize == null || kernelSize.length != 2 || kernelSize[0] <= 0 || kernelSize[1] <= 0) {
            throw new IllegalArgumentException(
                    "conv2d(" + scope + "): kernel_size must be two integers > 0, got " + Arrays.toString(kernelSize));
        }
        if (rate > 1 && stride > 1) {
            throw new IllegalArgumentException(
                    "conv2d(" + scope + "): only one of rate or stride can be larger than one (rate=" + rate
                            + ", stride=" + stride + ")");
        }
        long channelsIn = channels("conv2d(" + scope + ")", inputs, format);
        LayerContext c = ctx.withSubScope(scope);
        ModelVariable weights = c.variable(
                "weights",
                Shape.of(kernelSize[0], kernelSize[1], channelsIn, numOutputs),
                a.get(Conv2dArgs.WEIGHTS_INITIALIZER),
                a.get(Conv2dArgs.WEIGHTS_REGULARIZER),
                Role.WEIGHTS,
                trainable);
        Ops tf = c.tf();
        Operand<T> out = convolution(
                tf, inputs, cast(tf, weights.value(), inputs.type(), "Cast"), stride, rate, padding, format);
        if (normalizer.isBatchNorm()) {
            LayerContext bn = c.withArgs(s -> s.with(BatchNormArgs.DATA_FORMAT.of(format)));
            out = batchNorm(bn, out, "BatchNorm", normalizer.params().toArray(new Arg<?>[0]));
        } else {
            Initializer init = a.get(Conv2dArgs.BIASES_INITIALIZER);
            ModelVariable biases =
                    c.variable("biases", Shape.of(numOutputs), init, Regularizer.NONE, Role.BIASES, trainable);
            out = tf.withName("BiasAdd")
                    .nn
                    .biasAdd(out, cast(tf, biases.value(), inputs.type(), "Cast"), BiasAdd.dataFormat(format.name()));
        }
        return ctx.collect(c.scopeName(), activation.apply(tf, out));
    }

    /** The smallest epsilon TensorFlow's {@code fused_batch_norm} passes to the kernel (cuDNN's minimum). */
    public static final double MIN_FUSED_EPSILON = 1.001e-5;

    /**
     * Slim's {@code batch_norm} on the fused kernel ({@code FusedBatchNormV3}). Variables {@code beta} (when {@code
     * center}), {@code gamma} (when {@code scale}), {@code moving_mean} and {@code moving_variance}, created in that
     * layer's order (gamma, beta, moving_mean, moving_variance). With {@code is_training=false} it normalizes with the
     * moving statistics; with {@code is_training=true} with the batch statistics, and it adds the updates {@code
     * moving -= (moving - batch) * (1 - decay)} to the model's update ops (the fused kernel's batch variance is
     * Bessel-corrected, as slim's). Epsilon is raised to at least {@value #MIN_FUSED_EPSILON}, as TensorFlow's {@code
     * fused_batch_norm} wrapper does for slim. The output is not collected (slim does not collect batch norms).
     *
     * @param ctx where to build
     * @param inputs a rank-4 tensor with a known channel count
     * @param scope the variable scope name ({@code BatchNorm} inside a convolution)
     * @param args explicit {@link BatchNormArgs} arguments
     */
    public static <T extends TNumber> Operand<T> batchNorm(
            LayerContext ctx, Operand<T> inputs, String scope, Arg<?>... args) {
        ArgScope a = ctx.args().call(LayerFn.BATCH_NORM, args);
        DataFormat format = a.get(BatchNormArgs.DATA_FORMAT);
        boolean training = a.get(BatchNormArgs.IS_TRAINING);
        boolean trainable = a.get(BatchNormArgs.TRAINABLE);
        float epsilon = (float) Math.max(a.get(BatchNormArgs.EPSILON), MIN_FUSED_EPSILON);
        long depth = channels("batch_norm(" + scope + ")", inputs, format);
        LayerContext c = ctx.withSubScope(scope);
        Ops tf = c.tf();
        Shape shape = Shape.of(depth);
        Operand<TFloat32> gamma = a.get(BatchNormArgs.SCALE)
                ? c.variable("gamma", shape, Initializer.ones(), Regularizer.NONE, Role.GAMMA, trainable)
                        .value()
                : tf.withName("Const").fill(tf.constant(new long[] {depth}), tf.constant(1f));
        Operand<TFloat32> beta = a.get(BatchNormArgs.CENTER)
                ? c.variable("beta", shape, Initializer.zeros(), Regularizer.NONE, Role.BETA, trainable)
                        .value()
                : tf.withName("Const_1").fill(tf.constant(new long[] {depth}), tf.constant(0f));
        ModelVariable mean =
                c.variable("moving_mean", shape, Initializer.zeros(), Regularizer.NONE, Role.MOVING_MEAN, false);
        ModelVariable variance =
                c.variable("moving_variance", shape, Initializer.ones(), Regularizer.NONE, Role.MOVING_VARIANCE, false);
        Operand<TFloat32> empty = training ? tf.withName("Const_2").constant(new float[0]) : null;
        FusedBatchNorm<T, TFloat32> fused = tf.withName("FusedBatchNormV3")
                .nn
                .fusedBatchNorm(
                        inputs,
                        gamma,
                        beta,
                        training ? empty : mean.value(),
                        training ? empty : variance.value(),
                        FusedBatchNorm.epsilon(epsilon),
                        FusedBatchNorm.dataFormat(format.name()),
                        FusedBatchNorm.isTraining(training),
                        FusedBatchNorm.exponentialAvgFactor(1f));
        if (training) {
            double decay = a.get(BatchNormArgs.DECAY);
            Operand<TFloat32> oneMinusDecay = tf.withName("decay").constant((float) (1.0 - decay));
            List<Op> updateOps = c.collections().updateOps;
            updateOps.add(
                    movingAverageUpdate(tf.withSubScope("AssignMovingAvg"), mean, fused.batchMean(), oneMinusDecay));
            updateOps.add(movingAverageUpdate(
                    tf.withSubScope("AssignMovingAvg_1"), variance, fused.batchVariance(), oneMinusDecay));
        }
        return a.get(BatchNormArgs.ACTIVATION).apply(tf, fused.y());
    }

    private static Op movingAverageUpdate(
            Ops tf, ModelVariable variable, Operand<TFloat32> batchValue, Operand<TFloat32> oneMinusDecay) {
        Operand<TFloat32> delta =
                tf.withName("mul").math.mul(tf.withName("sub").math.sub(variable.value(), batchValue), oneMinusDecay);
        return tf.withName("AssignSub").assignSub(variable.variable(), delta);
    }

    /**
     * Slim's {@code max_pool2d(inputs, kernel_size, stride, padding, data_format)}, as TensorFlow's v1 {@code MaxPool}
     * op (the op slim emits; unlike {@code MaxPoolV2} it also accepts NCHW on the CPU). Not collected.
     *
     * @param ctx where to build
     * @param inputs a rank-4 tensor
     * @param kernelSize the square window, &gt; 0
     * @param scope the op name scope
     * @param args explicit {@link MaxPool2dArgs} arguments
     */
    public static <T extends TNumber> Operand<T> maxPool2d(
            LayerContext ctx, Operand<T> inputs, int kernelSize, String scope, Arg<?>... args) {
        ArgScope a = ctx.args().call(LayerFn.MAX_POOL2D, args);
        int stride = a.get(MaxPool2dArgs.STRIDE);
        Padding padding = a.get(MaxPool2dArgs.PADDING);
        DataFormat format = a.get(MaxPool2dArgs.DATA_FORMAT);
        if (kernelSize <= 0) {
            throw new IllegalArgumentException("max_pool2d(" + scope + "): kernel_size must be > 0, got " + kernelSize);
        }
        requireRank4("max_pool2d(" + scope + ")", inputs);
        Ops tf = ctx.withSubScope(scope).tf();
        GraphOperation op = (GraphOperation) tf.scope()
                .opBuilder("MaxPool", "MaxPool")
                .addInput(inputs.asOutput())
                .setAttr("ksize", format.vector(1, kernelSize, kernelSize, 1))
                .setAttr("strides", format.vector(1, stride, stride, 1))
                .setAttr("padding", padding.name())
                .setAttr("data_format", format.name())
                .build();
        return op.output(0);
    }

    /**
     * Slim's {@code softmax(logits, scope)}: softmax over the class dimension (the last one in NHWC, the channel axis
     * of an unsqueezed NCHW map), output shaped like the input.
     */
    public static <T extends TNumber> Operand<T> softmax(
            LayerContext ctx, Operand<T> logits, DataFormat format, String scope) {
        Ops tf = ctx.withSubScope(scope).tf();
        if (format == DataFormat.NCHW && logits.shape().numDimensions() == 4) {
            Operand<T> nhwc = tf.withName("ToNHWC").linalg.transpose(logits, tf.constant(new int[] {0, 2, 3, 1}));
            Operand<T> sm = tf.withName("Softmax").nn.softmax(nhwc);
            return tf.withName("ToNCHW").linalg.transpose(sm, tf.constant(new int[] {0, 3, 1, 2}));
        }
        return tf.withName("Softmax").nn.softmax(logits);
    }

    /**
     * Global average pooling over height and width with the dims kept ({@code tf.reduce_mean(net, [1, 2],
     * keepdims=True)} in NHWC), as resnet_v2's {@code pool5}.
     */
    public static <T extends TNumber> Operand<T> globalAvgPool(Ops tf, Operand<T> net, DataFormat format, String name) {
        int[] axes = {format.heightAxis(), format.widthAxis()};
        return tf.withName(name).math.mean(net, tf.constant(axes), Mean.keepDims(true));
    }

    /**
     * Zero-pads height and width by {@code [begin, end]} with TensorFlow's {@code Pad} op ({@code tf.pad}).
     */
    public static <T extends TNumber> Operand<T> padSpatial(
            Ops tf, Operand<T> inputs, long begin, long end, DataFormat format) {
        int[][] p = new int[4][2];
        p[format.heightAxis()] = new int[] {(int) begin, (int) end};
        p[format.widthAxis()] = new int[] {(int) begin, (int) end};
        Operand<TInt32> paddings = tf.constant(p);
        Operation op = tf.scope()
                .opBuilder("Pad", "Pad")
                .addInput(inputs.asOutput())
                .addInput(paddings.asOutput())
                .build();
        return op.output(0);
    }

    /**
     * A 2-D convolution as slim's {@code conv2d} emits it: {@code Conv2D} with the stride; or, for {@code rate > 1},
     * TensorFlow's atrous route {@code SpaceToBatchND -> Conv2D(VALID) -> BatchToSpaceND}, which equals a dilated
     * {@code Conv2D} and, unlike {@code Conv2D}'s {@code dilations}, has a correct gradient in TF 2.18.
     */
    static <T extends TNumber> Operand<T> convolution(
            Ops tf, Operand<T> inputs, Operand<T> filter, int stride, int rate, Padding padding, DataFormat format) {
        List<Long> strides = longs(format.vector(1, stride, stride, 1));
        Conv2d.Options df = Conv2d.dataFormat(format.name());
        if (rate == 1) {
            return tf.withName("Conv2D").nn.conv2d(inputs, filter, strides, padding.name(), df);
        }
        int[] padH = basePadding(filter.shape().get(0), rate, padding);
        int[] padW = basePadding(filter.shape().get(1), rate, padding);
        Shape in = inputs.shape();
        long h = in.get(format.heightAxis());
        long w = in.get(format.widthAxis());
        int[] block = format == DataFormat.NHWC ? new int[] {rate, rate} : new int[] {1, rate, rate};
        Operand<TInt32> blockShape = tf.withName("block_shape").constant(block);
        Operand<TInt32> paddings;
        Operand<TInt32> crops;
        if (h >= 0 && w >= 0) {
            int extraH = (int) ((rate - (h + padH[0] + padH[1]) % rate) % rate);
            int extraW = (int) ((rate - (w + padW[0] + padW[1]) % rate) % rate);
            int[][] pads = {{padH[0], padH[1] + extraH}, {padW[0], padW[1] + extraW}};
            int[][] crop = {{0, extraH}, {0, extraW}};
            if (format == DataFormat.NCHW) {
                pads = new int[][] {{0, 0}, pads[0], pads[1]};
                crop = new int[][] {{0, 0}, crop[0], crop[1]};
            }
            paddings = tf.withName("paddings").constant(pads);
            crops = tf.withName("crops").constant(crop);
        } else {
            Ops d = tf.withSubScope("required_space_to_batch_paddings");
            Operand<TInt32> dynShape = d.withName("Shape").shape(inputs);
            Operand<TInt32> spatial = d.withName("spatial")
                    .gather(dynShape, d.constant(new int[] {format.heightAxis(), format.widthAxis()}), d.constant(0));
            Operand<TInt32> base = d.constant(new int[][] {padH, padW});
            Operand<TInt32> r = d.constant(rate);
            Operand<TInt32> full = d.math.add(spatial, d.constant(new int[] {padH[0] + padH[1], padW[0] + padW[1]}));
            Operand<TInt32> extra = d.math.floorMod(d.math.sub(r, d.math.floorMod(full, r)), r);
            Operand<TInt32> zeros = d.constant(new int[] {0, 0});
            Operand<TInt32> extraCol = d.reshape(extra, d.constant(new int[] {2, 1}));
            Operand<TInt32> zeroCol = d.reshape(zeros, d.constant(new int[] {2, 1}));
            Operand<TInt32> padAdd = d.concat(List.of(zeroCol, extraCol), d.constant(1));
            paddings = d.withName("paddings").math.add(base, padAdd);
            crops = d.withName("crops").concat(List.of(zeroCol, extraCol), d.constant(1));
            if (format == DataFormat.NCHW) {
                Operand<TInt32> zeroRow = d.constant(new int[][] {{0, 0}});
                paddings = d.concat(List.of(zeroRow, paddings), d.constant(0));
                crops = d.concat(List.of(zeroRow, crops), d.constant(0));
            }
        }
        Operand<T> s2b = tf.withName("SpaceToBatchND").spaceToBatchNd(inputs, blockShape, paddings);
        Operand<T> conv = tf.withName("Conv2D")
                .nn
                .conv2d(s2b, filter, longs(format.vector(1, 1, 1, 1)), Padding.VALID.name(), df);
        return tf.withName("BatchToSpaceND").batchToSpaceNd(conv, blockShape, crops);
    }

    /** TensorFlow's base paddings for an atrous convolution: SAME pads {@code (k-1)·rate} split begin-first. */
    private static int[] basePadding(long k, int rate, Padding padding) {
        int total = padding == Padding.VALID ? 0 : (int) (k - 1) * rate;
        return new int[] {total / 2, total - total / 2};
    }

    /** The static channel count of a rank-4 input, or an error naming the layer. */
    static long channels(String layer, Operand<?> inputs, DataFormat format) {
        requireRank4(layer, inputs);
        long c = inputs.shape().get(format.channelAxis());
        if (c < 0) {
            throw new IllegalArgumentException(layer + ": the channel dimension of the inputs must be known, got shape "
                    + inputs.shape() + " (" + format + ")");
        }
        return c;
    }

    static void requireRank4(String layer, Operand<?> inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException(layer + ": inputs must not be null");
        }
        Shape s = inputs.shape();
        if (s.isUnknown() || s.numDimensions() != 4) {
            throw new IllegalArgumentException(layer + ": inputs must have rank 4, got shape " + s);
        }
    }

    /** {@code x} cast to {@code type} by an op named {@code name}, or {@code x} itself when it has that type already. */
    @SuppressWarnings("unchecked")
    public static <T extends TNumber> Operand<T> cast(
            Ops tf, Operand<? extends TNumber> x, Class<T> type, String name) {
        return x.type() == type ? (Operand<T>) x : tf.withName(name).dtypes.cast(x, type);
    }

    private static List<Long> longs(long[] v) {
        return Arrays.stream(v).boxed().toList();
    }
}
