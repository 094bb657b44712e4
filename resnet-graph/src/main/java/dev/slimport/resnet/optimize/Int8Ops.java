/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import com.google.protobuf.ByteString;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Thin builders for TensorFlow's oneDNN int8 ops, as the TF 2.18 CPU natives of TF Java 1.1 run them (their MKL
 * rewrites {@code _MklQuantizeV2}, {@code _MklQuantizedConv2D*}, {@code _MklDequantize}), and the symmetric
 * per-output-channel weight quantization they expect. The arithmetic, read from TF's kernels ({@code
 * core/kernels/mkl/mkl_conv_ops.cc} with oneDNN v3, {@code mkl_quantize_op.cc}, {@code dequantize_op.cc}) and
 * checked against a plain-Java simulation in {@code Int8OpsTest}:
 *
 * <ul>
 *   <li>{@link #quantizeV2}: {@code QuantizeV2(T=quint8, mode=SCALED, round_mode=HALF_TO_EVEN,
 *       ensure_minimum_range=0)} with range {@code [0, R]}: {@code q = clamp(rint(x · 255 / R), 0, 255)}. Negative
 *       inputs saturate to 0, so a ReLU in front of it is free.
 *   <li>{@link #quantizedConv2d}: with {@code s_in = R_in / 255} ({@code R_in = max(|min_input|, |max_input|)}),
 *       {@code s_w[c] = R_w[c] / 127} and the int32 accumulator {@code acc = Σ q_in · q_w}, oneDNN computes {@code
 *       y = acc · s_in · s_w[c] + bias[c]} in float (the float bias is added after the accumulator is scaled), then
 *       the ReLU post-op when fused, then {@code q_out = saturate(rint(y / s_out))} with {@code s_out = R_out / 255}
 *       (quint8) or {@code R_out / 127} (qint8), {@code R_out} the frozen output range.
 *   <li>{@link #dequantize}: {@code Dequantize(mode=SCALED)}: {@code x = q · R / 255} (quint8) or {@code q · R / 127}
 *       (qint8).
 * </ul>
 *
 * <p>The qint32-output form ({@code QuantizedConv2DWithBias}) is not offered: with a per-channel filter range its
 * kernel scales the int32 output by the largest channel's filter scale but reports per-channel output ranges, so a
 * {@code Dequantize} of it is wrong (measured). The filter of every quantized convolution must be a {@code Const} op
 * ("filter must be a constant"); {@link #qint8Constant} builds one, since TF Java has no qint8 tensor class.
 */
public final class Int8Ops {
    private Int8Ops() {}

    /** The largest magnitude of a symmetric int8 weight ({@code narrow_range}: -127..127, never -128). */
    public static final int QINT8_LIMIT = 127;

    /** The largest quint8 value. */
    public static final int QUINT8_LIMIT = 255;

    /**
     * A channel whose weights are all (nearly) zero gets at least this fraction of the largest channel's range, so that
     * oneDNN's per-channel scales stay finite; its weights quantize to 0 either way.
     */
    public static final float MIN_CHANNEL_RANGE_FRACTION = 1e-3f;

    /**
     * A filter quantized symmetrically per output channel: {@code q = clamp(rint(w / s[c]), -127, 127)}, {@code s[c]
     * = maxAbs[c] / 127}.
     *
     * @param values the int8 weights in the filter's HWIO order
     * @param maxAbs {@code R_w[c]}: the range per output channel, passed as {@code min_filter = -maxAbs}, {@code
     *     max_filter = maxAbs}
     * @param shape the filter shape {@code [kh, kw, in, out]}
     */
    public record QuantizedFilter(byte[] values, float[] maxAbs, Shape shape) {
        /** The float value weight {@code i} stands for, {@code q · maxAbs[c] / 127}. */
        public double dequantized(int i) {
            return values[i] * (double) maxAbs[i % maxAbs.length] / QINT8_LIMIT;
        }
    }

    /**
     * Quantizes a float filter per output channel (the last axis), symmetric, narrow range.
     *
     * @param hwio the weights, {@code shape.size()} of them, output channel fastest
     * @param shape {@code [kh, kw, in, out]}
     * @throws IllegalArgumentException for a shape that is not rank 4 or does not match the weights
     */
    public static QuantizedFilter quantizeFilter(float[] hwio, Shape shape) {
        if (shape == null || shape.numDimensions() != 4 || shape.hasUnknownDimension()) {
            throw new IllegalArgumentException("shape: a filter shape [kh, kw, in, out] is required, got " + shape);
        }
        if (hwio == null || hwio.length != shape.size()) {
            throw new IllegalArgumentException("hwio: " + shape.size() + " weights for shape " + shape + ", got "
                    + (hwio == null ? "null" : hwio.length));
        }
        int out = (int) shape.get(3);
        float[] maxAbs = new float[out];
        for (int i = 0; i < hwio.length; i++) {
            maxAbs[i % out] = Math.max(maxAbs[i % out], Math.abs(hwio[i]));
        }
        float largest = 0;
        for (float m : maxAbs) {
            largest = Math.max(largest, m);
        }
        float floor = Math.max(largest * MIN_CHANNEL_RANGE_FRACTION, Float.MIN_NORMAL);
        for (int c = 0; c < out; c++) {
            maxAbs[c] = Math.max(maxAbs[c], floor);
        }
        byte[] q = new byte[hwio.length];
        for (int i = 0; i < hwio.length; i++) {
            double v = Math.rint(hwio[i] * (double) QINT8_LIMIT / maxAbs[i % out]);
            q[i] = (byte) Math.max(-QINT8_LIMIT, Math.min(QINT8_LIMIT, v));
        }
        return new QuantizedFilter(q, maxAbs, shape);
    }

    /**
     * A {@code Const} op of dtype {@code DT_QINT8} whose {@code value} is a {@code TensorProto} holding {@code values}
     * as {@code tensor_content}.
     *
     * @param tf where to build; the op is named {@code name} in its scope
     * @throws IllegalArgumentException when {@code values} does not hold {@code shape.size()} bytes
     */
    public static Output<?> qint8Constant(Ops tf, String name, byte[] values, Shape shape) {
        if (values == null || shape == null || shape.hasUnknownDimension() || values.length != shape.size()) {
            throw new IllegalArgumentException("values: " + (shape == null ? "?" : shape.size()) + " bytes for shape "
                    + shape + ", got " + (values == null ? "null" : values.length));
        }
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long d : shape.asArray()) {
            dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        TensorProto value = TensorProto.newBuilder()
                .setDtype(DataType.DT_QINT8)
                .setTensorShape(dims)
                .setTensorContent(ByteString.copyFrom(values))
                .build();
        return tf.scope()
                .opBuilder("Const", name)
                .setAttr("dtype", DataType.DT_QINT8)
                .setAttr("value", AttrValue.newBuilder().setTensor(value).build())
                .build()
                .output(0);
    }

    /** As {@link #qint8Constant(Ops, String, byte[], Shape)} at the root of {@code graph}. */
    public static Output<?> qint8Constant(Graph graph, String name, byte[] values, Shape shape) {
        return qint8Constant(Ops.create(graph), name, values, shape);
    }

    /**
     * A quantized tensor with its float range, as TF's quantized ops pass it (three outputs).
     *
     * @param value the quint8 / qint8 tensor
     * @param min its {@code min_range}
     * @param max its {@code max_range}
     */
    public record Quantized(Output<?> value, Output<TFloat32> min, Output<TFloat32> max) {}

    /**
     * {@code QuantizeV2(input, 0, max)} to quint8 in SCALED mode, round half to even, {@code ensure_minimum_range=0}
     * (the range is exactly {@code [0, max]}): {@code q = clamp(rint(x · 255 / max), 0, 255)}.
     *
     * @throws IllegalArgumentException unless {@code max} is finite and &gt; 0
     */
    public static Quantized quantizeV2(Ops tf, String name, Operand<TFloat32> input, float max) {
        requireRange("max", max);
        var op = tf.scope()
                .opBuilder("QuantizeV2", name)
                .addInput(input.asOutput())
                .addInput(tf.withName(name + "_min").constant(0f).asOutput())
                .addInput(tf.withName(name + "_max").constant(max).asOutput())
                .setAttr("T", DataType.DT_QUINT8)
                .setAttr("mode", "SCALED")
                .setAttr("round_mode", "HALF_TO_EVEN")
                .setAttr("ensure_minimum_range", 0f)
                .build();
        return new Quantized(op.output(0), op.output(1), op.output(2));
    }

    /** What a quantized convolution produces. */
    public enum ConvOutput {
        /** {@code QuantizedConv2DWithBiasAndReluAndRequantize}: ReLU fused, quint8 over {@code [0, R_out]}. */
        QUINT8_RELU("QuantizedConv2DWithBiasAndReluAndRequantize", DataType.DT_QUINT8),
        /** {@code QuantizedConv2DWithBiasAndRequantize}: no activation, qint8 over {@code [-R_out, R_out]}. */
        QINT8("QuantizedConv2DWithBiasAndRequantize", DataType.DT_QINT8);

        private final String opType;
        private final DataType type;

        ConvOutput(String opType, DataType type) {
            this.opType = opType;
            this.type = type;
        }

        /** The TF op type. */
        public String opType() {
            return opType;
        }

        /** The output's integer limit, 255 or 127. */
        public int limit() {
            return type == DataType.DT_QUINT8 ? QUINT8_LIMIT : QINT8_LIMIT;
        }
    }

    /**
     * A quantized 2-D convolution, NHWC, with float bias and requantized output ({@link ConvOutput}); the arithmetic is
     * in the class comment.
     *
     * @param tf where to build; the convolution is named {@code name}, its helper constants {@code name_*}
     * @param input a quint8 input with its range ({@link #quantizeV2} or a {@link ConvOutput#QUINT8_RELU} convolution)
     * @param filter a qint8 {@code Const} ({@link #qint8Constant}) holding {@code ranges}' values
     * @param ranges the filter's per-channel ranges
     * @param bias the float bias, one per output channel
     * @param stride the stride (height and width)
     * @param rate the dilation (height and width); only one of stride and rate may exceed 1
     * @param padding {@code SAME} or {@code VALID}
     * @param output what to produce
     * @param outputRange {@code R_out}, finite and &gt; 0
     */
    public static Quantized quantizedConv2d(
            Ops tf,
            String name,
            Quantized input,
            Output<?> filter,
            QuantizedFilter ranges,
            Operand<TFloat32> bias,
            int stride,
            int rate,
            String padding,
            ConvOutput output,
            float outputRange) {
        return quantizedConv2d(
                tf, name, input, filter, ranges, bias, stride, rate, padding, new long[0], output, outputRange);
    }

    /**
     * As {@link #quantizedConv2d(Ops, String, Quantized, Output, QuantizedFilter, Operand, int, int, String,
     * ConvOutput, float)} with explicit zero padding inside the kernel ({@code padding_list}, oneDNN's fused pad):
     * with {@code padding = VALID} and {@code paddingList = [0, 0, top, bottom, left, right, 0, 0]} it computes
     * slim's {@code conv2d_same} {@code Pad} + VALID convolution without a separate {@code Pad} of the quint8 tensor.
     *
     * @param paddingList empty, or 8 values (NHWC pairs; batch and channel pairs 0)
     */
    public static Quantized quantizedConv2d(
            Ops tf,
            String name,
            Quantized input,
            Output<?> filter,
            QuantizedFilter ranges,
            Operand<TFloat32> bias,
            int stride,
            int rate,
            String padding,
            long[] paddingList,
            ConvOutput output,
            float outputRange) {
        requireRange("outputRange", outputRange);
        if (paddingList == null
                || (paddingList.length != 0 && paddingList.length != 8)
                || (paddingList.length == 8
                        && (paddingList[0] != 0
                                || paddingList[1] != 0
                                || paddingList[6] != 0
                                || paddingList[7] != 0))) {
            throw new IllegalArgumentException("paddingList: empty or [0, 0, top, bottom, left, right, 0, 0], got "
                    + java.util.Arrays.toString(paddingList));
        }
        if (stride < 1 || rate < 1 || (stride > 1 && rate > 1)) {
            throw new IllegalArgumentException(
                    "stride, rate: both >= 1 and only one of them > 1, got " + stride + ", " + rate);
        }
        if (!"SAME".equals(padding) && !"VALID".equals(padding)) {
            throw new IllegalArgumentException("padding: SAME or VALID, got " + padding);
        }
        float[] minFilter = ranges.maxAbs().clone();
        for (int c = 0; c < minFilter.length; c++) {
            minFilter[c] = -minFilter[c];
        }
        var op = tf.scope()
                .opBuilder(output.opType(), name)
                .addInput(input.value())
                .addInput(filter)
                .addInput(bias.asOutput())
                .addInput(input.min())
                .addInput(input.max())
                .addInput(tf.withName(name + "_min_filter").constant(minFilter).asOutput())
                .addInput(tf.withName(name + "_max_filter")
                        .constant(ranges.maxAbs().clone())
                        .asOutput())
                .addInput(tf.withName(name + "_min_output")
                        .constant(output == ConvOutput.QUINT8_RELU ? 0f : -outputRange)
                        .asOutput())
                .addInput(
                        tf.withName(name + "_max_output").constant(outputRange).asOutput())
                .setAttr("Tinput", DataType.DT_QUINT8)
                .setAttr("Tfilter", DataType.DT_QINT8)
                .setAttr("Tbias", DataType.DT_FLOAT)
                .setAttr("out_type", output.type)
                .setAttr("strides", new long[] {1, stride, stride, 1})
                .setAttr("dilations", new long[] {1, rate, rate, 1})
                .setAttr("padding", padding)
                .setAttr("padding_list", paddingList)
                .build();
        return new Quantized(op.output(0), op.output(1), op.output(2));
    }

    /**
     * {@code Dequantize(mode=SCALED)} to float: {@code q · R / 255} for quint8, {@code q · R / 127} for qint8.
     *
     * @param tf where to build; the op is named {@code name} in its scope
     */
    public static Output<TFloat32> dequantize(Ops tf, String name, Quantized q) {
        return tf.scope()
                .opBuilder("Dequantize", name)
                .addInput(q.value())
                .addInput(q.min())
                .addInput(q.max())
                .setAttr("mode", "SCALED")
                .setAttr("dtype", DataType.DT_FLOAT)
                .build()
                .output(0);
    }

    /** The quint8 value of {@code x} under {@link #quantizeV2} with range {@code [0, max]} (for simulations). */
    public static int quantizeUint8(double x, double max) {
        return (int) Math.max(0, Math.min(QUINT8_LIMIT, Math.rint(x * QUINT8_LIMIT / max)));
    }

    private static void requireRange(String name, float r) {
        if (!(r > 0) || !Float.isFinite(r)) {
            throw new IllegalArgumentException(name + ": a finite range > 0 is required, got " + r);
        }
    }
}
