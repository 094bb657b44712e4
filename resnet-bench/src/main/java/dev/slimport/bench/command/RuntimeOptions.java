/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Device and session options shared by the commands that run graphs. */
public final class RuntimeOptions {

    @Option(
            names = "--device",
            defaultValue = "cpu",
            converter = Converters.Device.class,
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}). A missing GPU falls back to the CPU with a"
                    + " warning, or fails with --strict-device.")
    DeviceRequest device;

    @Option(names = "--strict-device", description = "Fail (exit 2) instead of falling back to the CPU.")
    boolean strictDevice;

    @Option(
            names = "--intra-op-threads",
            defaultValue = "0",
            description = "Threads inside one op; 0 lets TensorFlow choose (one per core) (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(
            names = "--inter-op-threads",
            defaultValue = "0",
            description = "Ops run in parallel; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
    int interOpThreads;

    @Option(
            names = "--xla",
            description = "XLA auto-clustering (GPU: session option; CPU: needs TF_XLA_FLAGS=--tf_xla_cpu_global_jit,"
                    + " which bin/resnet-bench sets).")
    boolean xla;

    /**
     * Resolves the requested device against the devices a session sees: a missing GPU falls back to the CPU with a
     * warning through {@code warn}, or is a usage error with {@code --strict-device}.
     */
    public Devices.Resolution resolve(List<Devices.Device> devices, Consumer<String> warn) {
        DeviceRequest requested = device;
        Devices.Resolution resolution = Devices.resolve(requested, devices);
        if (resolution.fellBack()) {
            if (strictDevice) {
                throw new IllegalArgumentException("--device " + requested + ": " + resolution.fallbackReason()
                        + "; without --strict-device the run falls back to the CPU");
            }
            warn.accept(
                    "--device " + requested + " is not available, running on the CPU: " + resolution.fallbackReason());
        }
        return resolution;
    }

    /** The session settings, validated. */
    public SessionConfigs sessionConfigs() {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "--intra-op-threads: must be >= 0 (0 lets TensorFlow choose), got " + intraOpThreads);
        }
        if (interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "--inter-op-threads: must be >= 0 (0 lets TensorFlow choose), got " + interOpThreads);
        }
        return SessionConfigs.defaults()
                .withThreads(intraOpThreads, interOpThreads)
                .withXla(xla);
    }
}
