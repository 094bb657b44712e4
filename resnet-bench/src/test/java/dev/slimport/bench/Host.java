/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine the tests run on — the TensorFlow native build on the class path and the devices a session sees — for
 * the asserts whose right outcome depends on it (a GPU host, the CUDA build), and fake devices for the tests that
 * show the GPU branches on a machine without one.
 */
public final class Host {
    private Host() {}

    /** The devices a session with the default config sees here. */
    public static final List<Devices.Device> DEVICES =
            Devices.list(SessionConfigs.defaults().toConfigProto());

    private static final Pattern NATIVE_JAR = Pattern.compile("tensorflow-core-native-[\\d.]+-(.+)\\.jar");

    /** The number of GPUs TensorFlow sees here. */
    public static int gpus() {
        return Devices.gpuCount(DEVICES);
    }

    /**
     * The classifier of the {@code tensorflow-core-native} jar on the class path, read from its file name (not through
     * {@code NativeBuild}).
     */
    public static String nativeJarClassifier() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = NATIVE_JAR.matcher(Path.of(entry).getFileName().toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no tensorflow-core-native-*-<classifier>.jar on the class path");
    }

    /** Whether the class path holds the CUDA build. */
    public static boolean gpuBuild() {
        return nativeJarClassifier().endsWith("-gpu");
    }

    /**
     * Why {@code --device gpu:N} cannot run here, as the CLI must say it: the GPUs seen, else the build in use. Only
     * for an N that does not exist here.
     */
    public static String missingGpuReason(int index) {
        if (gpus() > 0) {
            return "TensorFlow sees " + gpus() + " GPU(s), so gpu:" + index + " does not exist";
        }
        return gpuBuild()
                ? "TensorFlow sees no GPU (GPU build " + nativeJarClassifier()
                : "the TensorFlow native library in use is the CPU build (" + nativeJarClassifier() + ")";
    }

    /** A fake CPU device. */
    public static final Devices.Device CPU0 =
            new Devices.Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 0);

    /** A fake GPU with 1 GiB. */
    public static Devices.Device fakeGpu(int index) {
        return new Devices.Device("/job:localhost/replica:0/task:0/device:GPU:" + index, "GPU", 1L << 30);
    }
}
