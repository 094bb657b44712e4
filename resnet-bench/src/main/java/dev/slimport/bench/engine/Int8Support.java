/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.host.EnvironmentInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.OpDef;

/**
 * Whether this TensorFlow and this CPU run the int8 path: the quantized ops must be registered in the native library
 * ({@link TensorFlow#registeredOpList()}); without them {@code --precision int8} is refused. oneDNN has int8 kernels
 * for AVX2 and AVX-512 too, so a CPU without VNNI or AMX-INT8 still runs them, only slower: a warning.
 */
public final class Int8Support {
    private Int8Support() {}

    /**
     * The ops the int8 graph and the int8 ceiling use: {@code QuantizeV2} of the activations, oneDNN's fused quantized
     * convolutions and {@code Dequantize} back to float.
     */
    public static final List<String> REQUIRED_OPS = List.of(
            "QuantizeV2",
            "Dequantize",
            "QuantizedConv2DWithBiasAndReluAndRequantize",
            "QuantizedConv2DWithBiasAndRequantize");

    /** The op {@code --int8-root} adds: {@code pool1} as a quantized max pool after the int8 root convolution. */
    public static final String ROOT_OP = "QuantizedMaxPool";

    /** The CPU flags of hardware int8 dot products: AVX512-VNNI, AVX-VNNI (AVX2-encoded), AMX-INT8. */
    public static final List<String> INT8_FEATURES = List.of("avx512_vnni", "avx_vnni", "amx_int8");

    /** The {@link #REQUIRED_OPS} this TensorFlow does not register, in that order; empty when all are there. */
    public static List<String> missingOps() {
        return missingOps(false);
    }

    /** As {@link #missingOps()}, with {@link #ROOT_OP} too when {@code int8Root}. */
    public static List<String> missingOps(boolean int8Root) {
        Set<String> registered = TensorFlow.registeredOpList().getOpList().stream()
                .map(OpDef::getName)
                .collect(Collectors.toSet());
        List<String> wanted = new java.util.ArrayList<>(REQUIRED_OPS);
        if (int8Root) {
            wanted.add(ROOT_OP);
        }
        return wanted.stream().filter(op -> !registered.contains(op)).toList();
    }

    /**
     * Refuses int8 when an op is missing.
     *
     * @throws RunFailure naming {@code --precision int8} and the missing ops
     */
    public static void requireOps() {
        requireOps(false);
    }

    /** As {@link #requireOps()}, with {@link #ROOT_OP} too when {@code int8Root} ({@code --int8-root}). */
    public static void requireOps(boolean int8Root) {
        List<String> missing = missingOps(int8Root);
        if (!missing.isEmpty()) {
            throw new RunFailure("--precision int8: this TensorFlow build registers no " + String.join(", ", missing)
                    + " (oneDNN's quantized ops, TensorFlow.registeredOpList()); int8 cannot run here; allowed:"
                    + " fp32, bf16, fp16");
        }
    }

    /** The speed warning for a CPU without hardware int8 dot products, if {@code env} has none. */
    public static Optional<String> speedWarning(EnvironmentInfo env) {
        boolean fast = env.cpuFeatures().stream().anyMatch(INT8_FEATURES::contains);
        return fast
                ? Optional.empty()
                : Optional.of("--precision int8: this CPU has no AVX512-VNNI/AVX-VNNI/AMX-INT8, so oneDNN runs its"
                        + " int8 convolutions on plain AVX2/AVX-512 multiply-adds; expect little or no speed-up over"
                        + " fp32");
    }
}
