/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import java.util.Locale;
import org.tensorflow.DeviceSpec;

/**
 * A device asked for on a command line or in a config: {@code cpu}, {@code gpu} or {@code gpu:N}, as TensorFlow's
 * {@code /device:CPU:0} and {@code /device:GPU:N}.
 *
 * @param type CPU or GPU
 * @param index the device index (0 for the CPU)
 */
public record DeviceRequest(DeviceSpec.DeviceType type, int index) {

    /** The only CPU device TensorFlow exposes per process. */
    public static final DeviceRequest CPU = new DeviceRequest(DeviceSpec.DeviceType.CPU, 0);

    /** Validates the type and index. */
    public DeviceRequest {
        if (type != DeviceSpec.DeviceType.CPU && type != DeviceSpec.DeviceType.GPU) {
            throw new IllegalArgumentException("device: allowed are cpu, gpu, gpu:N; got type " + type);
        }
        if (index < 0 || (type == DeviceSpec.DeviceType.CPU && index != 0)) {
            throw new IllegalArgumentException(
                    "device: allowed are cpu, gpu, gpu:N (N >= 0); got " + type + ":" + index);
        }
    }

    /**
     * Parses {@code cpu}, {@code gpu}, {@code gpu:N} (case-insensitive; {@code /device:GPU:N} also accepted).
     *
     * @param argument the option or parameter name for the error message, e.g. {@code --device}
     * @throws IllegalArgumentException naming {@code argument} and the allowed values
     */
    public static DeviceRequest parse(String argument, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("/device:")) {
            v = v.substring("/device:".length());
        }
        String[] parts = v.split(":", -1);
        if (parts.length <= 2 && (parts[0].equals("cpu") || parts[0].equals("gpu"))) {
            try {
                int index = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
                return new DeviceRequest(DeviceSpec.DeviceType.valueOf(parts[0].toUpperCase(Locale.ROOT)), index);
            } catch (IllegalArgumentException e) {
                // a bad index (NumberFormatException is one): the message below
            }
        }
        throw new IllegalArgumentException(
                argument + ": unknown device '" + value + "'; allowed: cpu, gpu, gpu:N (N = 0, 1, ...)");
    }

    /** Whether this is a GPU. */
    public boolean isGpu() {
        return type == DeviceSpec.DeviceType.GPU;
    }

    /** The TF device spec, {@code /device:CPU:0} or {@code /device:GPU:N}. */
    public DeviceSpec toDeviceSpec() {
        return DeviceSpec.newBuilder().deviceType(type).deviceIndex(index).build();
    }

    /** The short form, {@code cpu} or {@code gpu:N}. */
    @Override
    public String toString() {
        return isGpu() ? "gpu:" + index : "cpu";
    }
}
