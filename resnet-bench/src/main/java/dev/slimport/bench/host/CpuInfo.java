/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host CPU as TensorFlow's CPU kernels see it: model name and the instruction-set features TensorFlow and oneDNN
 * dispatch on (TensorFlow's {@code port::CPUFeature} list: SSE4.2 ... AVX-512, VNNI, BF16, AMX), read from Linux's
 * {@code /proc/cpuinfo}; elsewhere only the core count is known.
 *
 * @param model the CPU model name, or {@code os.arch} when unknown
 * @param logicalCores the cores the JVM may use
 * @param features the relevant features present, in TensorFlow's order, with Linux's flag names
 */
public record CpuInfo(String model, int logicalCores, List<String> features) {

    /** The Linux flag names of the features TensorFlow and oneDNN use, in increasing order of capability. */
    public static final List<String> RELEVANT_FLAGS = List.of(
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
        return features.contains("avx512_bf16") || features.contains("amx_bf16");
    }

    /** Whether the CPU computes float16 natively (AVX512-FP16 or AMX-FP16). */
    public boolean hasNativeFp16() {
        return features.contains("avx512_fp16") || features.contains("amx_fp16");
    }

    /** Reads {@code /proc/cpuinfo} when present (else as {@link #parse} of no lines). */
    public static CpuInfo detect() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")), cores);
        } catch (IOException | SecurityException e) {
            return parse(List.of(), cores);
        }
    }

    /** Parses the lines of a {@code /proc/cpuinfo}; the first processor's entries are used. */
    public static CpuInfo parse(List<String> lines, int logicalCores) {
        String model = System.getProperty("os.arch");
        Set<String> flags = new LinkedHashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags.addAll(Arrays.asList(value.split("\\s+")));
            }
        }
        List<String> relevant = new ArrayList<>();
        for (String f : RELEVANT_FLAGS) {
            if (flags.contains(f)) {
                relevant.add(f);
            }
        }
        return new CpuInfo(model, logicalCores, List.copyOf(relevant));
    }
}
