/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * What {@link Int8Quantization#quantize} wrote into its target graph: handles to the float inputs and outputs, which
 * keep the folded graph's names, and what was quantized. It owns nothing native: the graph belongs to the caller, who
 * opens {@code new Session(graph(), Int8Graph.sessionConfig(config))} (there are no variables to initialize).
 */
public final class Int8Graph {
    private final Graph graph;
    private final Operand<TFloat32> images;
    private final Optional<Operand<TFloat32>> logits;
    private final Optional<Operand<TFloat32>> predictions;
    private final Stats stats;

    Int8Graph(
            Graph graph,
            Operand<TFloat32> images,
            Optional<Operand<TFloat32>> logits,
            Optional<Operand<TFloat32>> predictions,
            Stats stats) {
        this.graph = graph;
        this.images = images;
        this.logits = logits;
        this.predictions = predictions;
        this.stats = stats;
    }

    /**
     * One convolution of the folded graph.
     *
     * @param name the convolution's scope, e.g. {@code resnet_v2_50/block1/unit_1/bottleneck_v2/conv1}
     * @param int8 whether it runs as a oneDNN int8 convolution
     * @param reason for a float convolution, why it stays float; for an int8 one, the op it became
     * @param multiplyAddsPerImage its multiply-adds per image ({@code -1} when a size is not static)
     */
    public record Convolution(String name, boolean int8, String reason, long multiplyAddsPerImage) {}

    /**
     * What the quantization did, per image.
     *
     * @param convolutions every convolution of the folded graph, in name order
     */
    public record Stats(List<Convolution> convolutions) {
        /** The multiply-adds per image of the int8 convolutions. */
        public long int8MultiplyAdds() {
            return sum(true);
        }

        /** The multiply-adds per image of the convolutions left float. */
        public long floatMultiplyAdds() {
            return sum(false);
        }

        /** The fraction of the multiply-adds that runs in int8 (0 when there are none). */
        public double int8Fraction() {
            long all = int8MultiplyAdds() + floatMultiplyAdds();
            return all == 0 ? 0 : (double) int8MultiplyAdds() / all;
        }

        /** The number of int8 convolutions. */
        public long quantized() {
            return convolutions.stream().filter(Convolution::int8).count();
        }

        /** The convolutions left float. */
        public List<Convolution> leftFloat() {
            return convolutions.stream().filter(c -> !c.int8()).toList();
        }

        private long sum(boolean int8) {
            return convolutions.stream()
                    .filter(c -> c.int8() == int8)
                    .mapToLong(c -> Math.max(0, c.multiplyAddsPerImage()))
                    .sum();
        }
    }

    /** The graph the int8 network was written into (the caller's). */
    public Graph graph() {
        return graph;
    }

    /** The float32 NHWC images, under the folded graph's name for them. */
    public Operand<TFloat32> images() {
        return images;
    }

    /**
     * The float32 logits, under the folded graph's name for them.
     *
     * @throws IllegalStateException when the network has no classes
     */
    public Operand<TFloat32> logits() {
        return logits.orElseThrow(() -> new IllegalStateException("logits: the network was built without classes"));
    }

    /**
     * The float32 softmax predictions, under the folded graph's name for them.
     *
     * @throws IllegalStateException when the network has no classes
     */
    public Operand<TFloat32> predictions() {
        return predictions.orElseThrow(
                () -> new IllegalStateException("predictions: the network was built without classes"));
    }

    /** Whether the network has logits and predictions. */
    public boolean hasClasses() {
        return logits.isPresent();
    }

    /**
     * Output 0 of the operation named {@code name} (any name of the folded graph: end points, {@code pool5}, {@code
     * postnorm/Relu}, a quantized convolution's {@code Relu} or {@code BiasAdd}, which is now a {@code Dequantize}).
     *
     * @throws IllegalArgumentException when the graph has no such operation
     */
    public Output<?> output(String name) {
        GraphOperation op = name == null ? null : graph.operation(name);
        if (op == null) {
            throw new IllegalArgumentException("name: no operation named " + name + " in the int8 graph");
        }
        return op.output(0);
    }

    /** What was quantized. */
    public Stats stats() {
        return stats;
    }

    /**
     * The session configuration for an int8 graph: {@code base} (or TensorFlow's defaults when null) with grappler's
     * meta optimizer off ({@code graph_options.rewrite_options.disable_meta_optimizer}). The int8 graph holds its
     * weights as {@code Const} tensors (the quantized convolutions require constant filters), and grappler's passes
     * copy them over and over: on resnet_v2_152 the first run took 8–9 s longer and the process peaked 0.6 GB higher,
     * with the same kernels and the same per-batch time afterwards, since the graph is already in the form its
     * kernels need ({@code _FusedBatchNormEx} and the fused quantized convolutions are written by the rewrite, and
     * TensorFlow's oneDNN layout pass, which is not part of grappler, still runs). Measured in docs/benchmarks.md.
     */
    public static ConfigProto sessionConfig(ConfigProto base) {
        ConfigProto.Builder b = base == null ? ConfigProto.newBuilder() : base.toBuilder();
        b.getGraphOptionsBuilder().getRewriteOptionsBuilder().setDisableMetaOptimizer(true);
        return b.build();
    }

    /**
     * Whether {@code op} is an op type only an int8 graph of {@link Int8Quantization#quantize} has (a oneDNN
     * quantized convolution), so that a loader can tell an int8 graph from its {@code GraphDef}.
     */
    public static boolean isInt8Op(String op) {
        return op != null && op.startsWith("QuantizedConv2DWithBias");
    }
}
