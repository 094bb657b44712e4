/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.host;

import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.NativeBuild;
import dev.slimport.resnet.runtime.SessionConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.tensorflow.TensorFlow;

/**
 * Where a run happened, so results from different machines can be compared: versions, native build, CPU, memory,
 * the devices TensorFlow sees and the switches that change its kernels.
 *
 * @param tool this tool's version
 * @param tfVersion {@code TensorFlow.version()}
 * @param tfJavaVersion the TensorFlow Java release
 * @param nativeClassifier the {@code tensorflow-core-native} classifier in use
 * @param javaVersion {@code java.version}
 * @param javaVm {@code java.vm.name} and version
 * @param os {@code os.name os.version (os.arch)}
 * @param host the host name
 * @param cpuModel the CPU model
 * @param cpuFeatures the instruction-set features TensorFlow/oneDNN dispatch on
 * @param logicalCores the cores available to the JVM
 * @param memoryTotalBytes physical memory, -1 if unknown
 * @param memoryAvailableBytes memory available to new allocations, -1 if unknown
 * @param onednn whether oneDNN kernels are on ({@code TF_ENABLE_ONEDNN_OPTS})
 * @param xlaCpuJit whether {@code TF_XLA_FLAGS} turns on XLA for CPU graphs
 * @param devices the devices a session sees
 */
public record EnvironmentInfo(
        String tool,
        String tfVersion,
        String tfJavaVersion,
        String nativeClassifier,
        String javaVersion,
        String javaVm,
        String os,
        String host,
        String cpuModel,
        List<String> cpuFeatures,
        int logicalCores,
        long memoryTotalBytes,
        long memoryAvailableBytes,
        boolean onednn,
        boolean xlaCpuJit,
        List<Devices.Device> devices) {

    /** Gathers the environment with an already listed set of devices. */
    public static EnvironmentInfo detect(List<Devices.Device> devices) {
        CpuInfo cpu = CpuInfo.detect();
        long[] mem = memory();
        return new EnvironmentInfo(
                toolVersion(),
                TensorFlow.version(),
                tensorflowJavaVersion(),
                NativeBuild.detect().classifier(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                hostName(),
                cpu.model(),
                cpu.features(),
                cpu.logicalCores(),
                mem[0],
                mem[1],
                NativeBuild.oneDnnEnabled(),
                SessionConfigs.xlaCpuJitEnabled(),
                List.copyOf(devices));
    }

    /** The TensorFlow Java version from {@code tensorflow-core-api}'s Maven metadata, or {@code unknown}. */
    public static String tensorflowJavaVersion() {
        try (InputStream in = TensorFlow.class.getResourceAsStream(
                "/META-INF/maven/org.tensorflow/tensorflow-core-api/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = TensorFlow.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** {@code MemTotal} and {@code MemAvailable} from {@code /proc/meminfo} in bytes; -1 when unknown. */
    static long[] memory() {
        long[] bytes = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                int i = f[0].equals("MemTotal:") ? 0 : f[0].equals("MemAvailable:") ? 1 : -1;
                if (i >= 0) {
                    bytes[i] = Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
        return bytes;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The Implementation-Version of this tool's jar, or {@code dev} when run from classes. */
    public static String toolVersion() {
        String v = EnvironmentInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
