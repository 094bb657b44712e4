/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * The devices a TensorFlow session sees (Python's {@code tf.config.list_logical_devices()}), read through the C API's
 * {@code TF_SessionListDevices} on an empty graph, and the device a requested one resolves to.
 */
public final class Devices {
    private Devices() {}

    /**
     * One device.
     *
     * @param name the full name, e.g. {@code /job:localhost/replica:0/task:0/device:CPU:0}
     * @param type {@code CPU}, {@code GPU}, ...
     * @param memoryBytes the memory TensorFlow manages on it (0 or a host figure for the CPU)
     */
    public record Device(String name, String type, long memoryBytes) {
        /** Whether this is a GPU. */
        public boolean isGpu() {
            return type.toUpperCase(Locale.ROOT).equals("GPU");
        }
    }

    /**
     * Lists the devices of a session created with {@code config}. TensorFlow's thread pools are per process and the
     * first session's config wins, so pass the config the real sessions will use.
     *
     * @param config the session config, or null for TensorFlow's defaults
     */
    public static List<Device> list(ConfigProto config) {
        TensorFlow.version();
        List<Device> out = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            TF_SessionOptions opts = TF_SessionOptions.newSessionOptions();
            if (config != null) {
                BytePointer bytes = new BytePointer(config.toByteArray());
                TF_SetConfig(opts, bytes, bytes.capacity(), status);
                status.throwExceptionIfNotOK();
            }
            TF_Graph graph = TF_Graph.newGraph();
            TF_Session session = TF_Session.newSession(graph, opts, status);
            status.throwExceptionIfNotOK();
            TF_DeviceList list = TF_SessionListDevices(session, status);
            status.throwExceptionIfNotOK();
            try {
                int n = TF_DeviceListCount(list);
                for (int i = 0; i < n; i++) {
                    String name = TF_DeviceListName(list, i, status).getString();
                    String type = TF_DeviceListType(list, i, status).getString();
                    long memory = TF_DeviceListMemoryBytes(list, i, status);
                    status.throwExceptionIfNotOK();
                    out.add(new Device(name, type, memory));
                }
            } finally {
                TF_DeleteDeviceList(list);
            }
        }
        return List.copyOf(out);
    }

    /** The number of GPUs among {@code devices}. */
    public static int gpuCount(List<Device> devices) {
        return (int) devices.stream().filter(Device::isGpu).count();
    }

    /**
     * What a requested device resolves to on the devices seen.
     *
     * @param requested the device asked for
     * @param used the device that will be used ({@link DeviceRequest#CPU} when the GPU is missing)
     * @param fallbackReason why the request could not be honoured, or null when it was
     */
    public record Resolution(DeviceRequest requested, DeviceRequest used, String fallbackReason) {
        /** Whether the request fell back to the CPU. */
        public boolean fellBack() {
            return fallbackReason != null;
        }
    }

    /**
     * Resolves {@code requested} against the visible devices: a GPU that is not there falls back to the CPU with a
     * reason naming the native build in use ({@link NativeBuild#detect}) and the GPUs seen.
     */
    public static Resolution resolve(DeviceRequest requested, List<Device> devices) {
        return resolve(requested, devices, NativeBuild.detect());
    }

    /**
     * Resolves {@code requested} against {@code devices} as seen with the native {@code build}: a GPU index below the
     * number of GPUs is used; otherwise the request falls back to the CPU with a reason that says whether the index is
     * out of range, the build is the CPU one, or a GPU build sees no GPU.
     *
     * @param requested the device asked for
     * @param devices the devices TensorFlow sees ({@link #list})
     * @param build the native build in use
     */
    public static Resolution resolve(DeviceRequest requested, List<Device> devices, NativeBuild build) {
        if (!requested.isGpu()) {
            return new Resolution(requested, requested, null);
        }
        int gpus = gpuCount(devices);
        if (requested.index() < gpus) {
            return new Resolution(requested, requested, null);
        }
        String reason;
        if (gpus > 0) {
            reason = "TensorFlow sees " + gpus + " GPU(s), so gpu:" + requested.index() + " does not exist";
        } else if (!build.isGpuBuild()) {
            reason = "the TensorFlow native library in use is the CPU build (" + build.classifier()
                    + "); GPUs need the linux-x86_64-gpu build (Maven profile -Pgpu) and CUDA 12 + cuDNN 9 on the host";
        } else {
            reason = "TensorFlow sees no GPU (GPU build " + build.classifier()
                    + "; check the NVIDIA driver, CUDA 12.5 and cuDNN 9.3 libraries on LD_LIBRARY_PATH)";
        }
        return new Resolution(requested, DeviceRequest.CPU, reason);
    }
}
