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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.tensorflow.TensorFlow;

/**
 * Where a run happened, so results from different machines can be compared: versions, native build, CPU, memory,
 * the devices TensorFlow sees and the switches that change its kernels. The CPU is as TensorFlow's CPU kernels see
 * it: model name and the instruction-set features TensorFlow and oneDNN dispatch on (TensorFlow's {@code
 * port::CPUFeature} list: SSE4.2 ... AVX-512, VNNI, BF16, AMX), read with the memory from Linux's {@code /proc};
 * elsewhere only the core count is known.
 *
 * @param tool this tool's version
 * @param tfVersion {@code TensorFlow.version()}
 * @param tfJavaVersion the TensorFlow Java release
 * @param nativeClassifier the {@code tensorflow-core-native} classifier in use
 * @param javaVersion {@code java.version}
 * @param javaVm {@code java.vm.name} and version
 * @param os {@code os.name os.version (os.arch)}
 * @param host the host name
 * @param cpuModel the CPU model name, or {@code os.arch} when unknown
 * @param cpuFeatures the instruction-set features TensorFlow/oneDNN dispatch on, in TensorFlow's order, with Linux's
 *     flag names
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

    /** The Linux flag names of the CPU features TensorFlow and oneDNN use, in increasing order of capability. */
    private static final List<String> CPU_FEATURES = List.of(
            "sse4_1",
            "sse4_2",
            "avx",
            "avx2",
            "fma",
            "f16c",
            "avx512f",
            "avx512cd",
            "avx512bw",
            "avx512dq",
            "avx512vl",
            "avx512_vnni",
            "avx512_bf16",
            "avx512_fp16",
            "avx_vnni",
            "amx_tile",
            "amx_bf16",
            "amx_fp16",
            "amx_int8");

    /** Whether the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16); without it oneDNN emulates it. */
    public boolean hasNativeBf16() {
        return cpuFeatures.contains("avx512_bf16") || cpuFeatures.contains("amx_bf16");
    }

    /** Whether the CPU computes float16 natively (AVX512-FP16 or AMX-FP16). */
    public boolean hasNativeFp16() {
        return cpuFeatures.contains("avx512_fp16") || cpuFeatures.contains("amx_fp16");
    }

    /** Gathers the environment with an already listed set of devices. */
    public static EnvironmentInfo detect(List<Devices.Device> devices) {
        return detect(devices, lines("/proc/cpuinfo"), lines("/proc/meminfo"));
    }

    /**
     * The environment with the lines of {@code /proc/cpuinfo} and {@code /proc/meminfo} (empty when unknown); of the
     * CPU, the first processor's entries are used.
     */
    static EnvironmentInfo detect(List<Devices.Device> devices, List<String> cpuinfo, List<String> meminfo) {
        Map<String, String> cpu = fields(cpuinfo);
        Set<String> flags =
                new HashSet<>(Arrays.asList(cpu.getOrDefault("flags", "").split("\\s+")));
        Map<String, String> memory = fields(meminfo);
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
                cpu.getOrDefault("model name", System.getProperty("os.arch")),
                CPU_FEATURES.stream().filter(flags::contains).toList(),
                Runtime.getRuntime().availableProcessors(),
                bytes(memory.get("MemTotal")),
                bytes(memory.get("MemAvailable")),
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

    /** The lines of {@code file}, or none when it cannot be read. */
    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** The {@code key: value} lines of a {@code /proc} file by key, the first value of each. */
    private static Map<String, String> fields(List<String> lines) {
        Map<String, String> fields = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** A {@code /proc/meminfo} value ({@code 16318540 kB}) in bytes; -1 when unknown. */
    private static long bytes(String kib) {
        try {
            return kib == null ? -1 : Long.parseLong(kib.split("\\s+")[0]) * 1024;
        } catch (NumberFormatException e) {
            return -1;
        }
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
