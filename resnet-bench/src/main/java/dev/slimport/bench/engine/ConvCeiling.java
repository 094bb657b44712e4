/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.LatencyStats;
import dev.slimport.bench.result.StepTrace;
import dev.slimport.resnet.optimize.Int8Ops;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.savedmodel.FloatValues;
import java.util.Arrays;
import java.util.List;
import java.util.stream.DoubleStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * The machine's convolution ceiling: one plain TensorFlow {@code Conv2D}, 3×3, 256→256 channels, stride 1, SAME, on
 * a {@code [batch, 56, 56, 256]} NHWC input — the shape of ResNet's {@code block1} 3×3 convolutions at 224×224 —
 * with input and filter held in variables of the compute type, so a step is the convolution alone.
 *
 * <p>In int8 the step is what an int8 graph runs for such a convolution: {@code QuantizeV2} of the float input (a
 * variable, uniform in [0, 1), quint8 over [0, 1]) feeding oneDNN's {@code QuantizedConv2DWithBiasAndReluAndRequantize}
 * ({@link Int8Ops#quantizedConv2d}) with the filter quantized per output channel in a qint8 {@code Const} (the kernel
 * takes no other filter), a zero float bias and a quint8 output over [0, 1] (the outputs' range: each is a sum of
 * 2304 products of a [0, 1) input and a [0, 1/2304) weight) — the quantization of the input timed inside the step,
 * the convolution's bias, ReLU and requantization fused into it. Its FLOP count is the float convolution's.
 */
public final class ConvCeiling {
    private ConvCeiling() {}

    /** Input height and width. */
    public static final int SIZE = 56;
    /** Input and output channels. */
    public static final int CHANNELS = 256;
    /** Kernel height and width. */
    public static final int KERNEL = 3;
    /** The batch of {@code forward --with-ceiling}, {@code resnet-bench ceiling}'s default. */
    public static final int BATCH = 32;

    /**
     * The measurement of one precision.
     *
     * @param precision fp32, bf16, fp16 or int8
     * @param batchSize the batch
     * @param flopPerStep {@code 2 * 3*3*256*256 * 56*56 * batch}
     * @param warmupSeconds the burn-in steps
     * @param stepSeconds the timed steps
     * @param summary their statistics
     * @param gflopsPerSecond {@code flopPerStep / mean / 1e9}
     * @param bestGflopsPerSecond {@code flopPerStep / fastest step / 1e9}: the ceiling with the least interference
     * @param kernel the op type that ran the convolution (from a traced step), e.g. {@code _MklNativeConv2D}
     */
    public record Measurement(
            String precision,
            int batchSize,
            double flopPerStep,
            List<Double> warmupSeconds,
            List<Double> stepSeconds,
            LatencyStats summary,
            double gflopsPerSecond,
            double bestGflopsPerSecond,
            String kernel) {}

    /** The floating-point operations of one step. */
    public static double flopPerStep(int batch) {
        return 2.0 * KERNEL * KERNEL * CHANNELS * CHANNELS * SIZE * SIZE * batch;
    }

    /**
     * A lower bound of the memory one measurement needs: the float32 input generated at initialization, its cast copy,
     * and the output, all {@code [batch, 56, 56, 256]}.
     */
    public static long bytesNeeded(int batch) {
        return 3L * 4 * batch * SIZE * SIZE * CHANNELS;
    }

    /** Builds the convolution in {@code precision}, runs {@code warmup} + {@code steps} steps and measures them. */
    public static Measurement measure(
            RunPrecision precision,
            int batch,
            int warmup,
            int steps,
            long seed,
            DeviceRequest device,
            ConfigProto config) {
        try (Probe probe = Probe.open(precision, batch, seed, device, config)) {
            List<Double> warm =
                    DoubleStream.generate(probe::step).limit(warmup).boxed().toList();
            double[] timed = DoubleStream.generate(probe::step).limit(steps).toArray();
            LatencyStats stats = LatencyStats.of(timed);
            double flop = flopPerStep(batch);
            return new Measurement(
                    precision.label(),
                    batch,
                    flop,
                    warm,
                    Arrays.stream(timed).boxed().toList(),
                    stats,
                    flop / stats.mean() / 1e9,
                    flop / stats.min() / 1e9,
                    probe.tracedKernel());
        }
    }

    /**
     * The ceiling convolution ready to run, one owner of its graph and session: {@code forward --with-ceiling} steps
     * it right after every timed step of the network, so that both see the same machine.
     */
    public static final class Probe implements AutoCloseable {
        private final Graph graph;
        private final Session session;
        private final Operation conv;
        private final Session.Runner runner;

        private Probe(Graph graph, Session session, Operation conv) {
            this.graph = graph;
            this.session = session;
            this.conv = conv;
            this.runner = session.runner().addTarget(conv);
        }

        /** Builds the convolution in {@code precision} on {@code device} and initializes its session. */
        public static Probe open(
                RunPrecision precision, int batch, long seed, DeviceRequest device, ConfigProto config) {
            Graph g = new Graph();
            Session s = null;
            try {
                Ops tf = Ops.create(g).withDevice(device.toDeviceSpec());
                Operation conv = precision.int8()
                        ? buildInt8(tf, batch, seed)
                        : build(tf, precision.built().type(), batch, seed).op();
                s = new Session(g, config);
                s.initialize();
                return new Probe(g, s, conv);
            } catch (RuntimeException | Error e) {
                if (s != null) {
                    s.close();
                }
                g.close();
                throw e;
            }
        }

        /** One step of the convolution; its wall time in seconds. */
        public double step() {
            return Workload.seconds(runner);
        }

        /** The op type that ran the convolution, from a traced step. */
        public String tracedKernel() {
            StepTrace trace = Workload.traced(session.runner().addTarget(conv));
            return trace.opTypes().isEmpty() ? "" : trace.opTypes().get(0).type();
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }

    /**
     * The int8 step: {@code QuantizeV2} of a float variable feeding the fused quantized convolution, the filter the
     * same scaled uniform weights as the float one's distribution, quantized per output channel in Java.
     */
    private static Operation buildInt8(Ops tf, int batch, long seed) {
        Ops init = tf.withInitScope();
        Operand<TFloat32> x32 = init.random.randomUniform(
                init.constant(new long[] {batch, SIZE, SIZE, CHANNELS}),
                TFloat32.class,
                RandomUniform.seed(seed),
                RandomUniform.seed2(1L));
        Operand<TFloat32> x = tf.withName("input").variable(x32);
        Shape filterShape = Shape.of(KERNEL, KERNEL, CHANNELS, CHANNELS);
        float[] w = FloatValues.uniform(filterShape, seed, 0f, 1f / (KERNEL * KERNEL * CHANNELS))
                .data();
        Int8Ops.QuantizedFilter filter = Int8Ops.quantizeFilter(w, filterShape);
        Output<?> q = Int8Ops.qint8Constant(tf, "filter", filter.values(), filterShape);
        Int8Ops.Quantized input = Int8Ops.quantizeV2(tf, "quantize", x, 1f);
        Int8Ops.Quantized conv = Int8Ops.quantizedConv2d(
                tf,
                "conv",
                input,
                q,
                filter,
                tf.withName("bias").constant(new float[CHANNELS]),
                1,
                1,
                "SAME",
                Int8Ops.ConvOutput.QUINT8_RELU,
                1f);
        return conv.value().op();
    }

    private static <T extends TFloating> Operand<T> build(Ops tf, Class<T> type, int batch, long seed) {
        Ops init = tf.withInitScope();
        Operand<TFloat32> x32 = init.random.randomUniform(
                init.constant(new long[] {batch, SIZE, SIZE, CHANNELS}),
                TFloat32.class,
                RandomUniform.seed(seed),
                RandomUniform.seed2(1L));
        Operand<TFloat32> w32 = init.math.mul(
                init.random.randomUniform(
                        init.constant(new long[] {KERNEL, KERNEL, CHANNELS, CHANNELS}),
                        TFloat32.class,
                        RandomUniform.seed(seed),
                        RandomUniform.seed2(2L)),
                init.constant(1f / (KERNEL * KERNEL * CHANNELS)));
        Operand<T> x = tf.withName("input").variable(init.dtypes.cast(x32, type));
        Operand<T> w = tf.withName("filter").variable(init.dtypes.cast(w32, type));
        return tf.withName("conv").nn.conv2d(x, w, Arrays.asList(1L, 1L, 1L, 1L), "SAME");
    }
}
