/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Session settings as a value, turned into TensorFlow's {@code ConfigProto} by {@link #toConfigProto()}. The fields
 * are the {@code tf.compat.v1.ConfigProto} knobs a benchmark or a server sets.
 *
 * <p>TensorFlow's thread pools are per process: the first session's settings win for all later sessions.
 *
 * @param intraOpThreads {@code intra_op_parallelism_threads}; 0 lets TensorFlow choose (one per core)
 * @param interOpThreads {@code inter_op_parallelism_threads}; 0 lets TensorFlow choose
 * @param xla {@code OptimizerOptions.global_jit_level = ON_1}: session-level XLA auto-clustering, which TensorFlow
 *     applies to GPU graphs only; on the CPU XLA needs {@link #XLA_CPU_FLAGS} in {@code TF_XLA_FLAGS} before the
 *     process starts
 * @param allowSoftPlacement place an op on the CPU when its requested device has no kernel for it
 * @param allowGpuMemoryGrowth {@code GPUOptions.allow_growth}: grow GPU memory on demand instead of taking it all
 * @param logDevicePlacement log every op's device (TensorFlow's INFO log)
 */
public record SessionConfigs(
        int intraOpThreads,
        int interOpThreads,
        boolean xla,
        boolean allowSoftPlacement,
        boolean allowGpuMemoryGrowth,
        boolean logDevicePlacement) {

    /** The {@code TF_XLA_FLAGS} value that turns on XLA auto-clustering for CPU graphs. */
    public static final String XLA_CPU_FLAGS = "--tf_xla_cpu_global_jit";

    /** Validates the thread counts, naming the argument. */
    public SessionConfigs {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads: must be >= 0 (0 lets TensorFlow choose), got " + intraOpThreads);
        }
        if (interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "interOpThreads: must be >= 0 (0 lets TensorFlow choose), got " + interOpThreads);
        }
    }

    /** TensorFlow's defaults plus soft placement and on-demand GPU memory. */
    public static SessionConfigs defaults() {
        return new SessionConfigs(0, 0, false, true, true, false);
    }

    /** A copy with the given thread counts (0: TensorFlow chooses). */
    public SessionConfigs withThreads(int intra, int inter) {
        return new SessionConfigs(intra, inter, xla, allowSoftPlacement, allowGpuMemoryGrowth, logDevicePlacement);
    }

    /** A copy with XLA auto-clustering on or off. */
    public SessionConfigs withXla(boolean on) {
        return new SessionConfigs(
                intraOpThreads, interOpThreads, on, allowSoftPlacement, allowGpuMemoryGrowth, logDevicePlacement);
    }

    /** Whether the process environment enables XLA for CPU graphs ({@code TF_XLA_FLAGS} holds {@link #XLA_CPU_FLAGS}). */
    public static boolean xlaCpuJitEnabled() {
        String flags = System.getenv("TF_XLA_FLAGS");
        return flags != null && flags.contains(XLA_CPU_FLAGS);
    }

    /** The {@code ConfigProto} to pass to {@code new Session(graph, config)} or a SavedModel loader. */
    public ConfigProto toConfigProto() {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setAllowSoftPlacement(allowSoftPlacement)
                .setLogDevicePlacement(logDevicePlacement)
                .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(allowGpuMemoryGrowth));
        if (xla) {
            b.setGraphOptions(GraphOptions.newBuilder()
                    .setOptimizerOptions(
                            OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
        }
        return b.build();
    }
}
