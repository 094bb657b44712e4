/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.NativeBuild;
import dev.slimport.resnet.runtime.SessionConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench info}: TensorFlow and Java versions, the native build in use (CPU or GPU), the devices a
 * session sees, the CPU and the instruction-set features TensorFlow's kernels dispatch on, threads and memory.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "The TensorFlow runtime and machine this tool runs on.")
public final class InfoCommand extends BenchCommand {

    @Mixin
    SharedOptions.TextOrJson format = new SharedOptions.TextOrJson();

    @Option(
            names = "--intra-op-threads",
            defaultValue = "0",
            description = "The intra-op threads to report for (default: ${DEFAULT-VALUE} = TensorFlow's choice).")
    int intraOpThreads;

    @Option(
            names = "--inter-op-threads",
            defaultValue = "0",
            description = "The inter-op threads to report for (default: ${DEFAULT-VALUE} = TensorFlow's choice).")
    int interOpThreads;

    @Override
    protected int run() {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "--intra-op-threads/--inter-op-threads: must be >= 0 (0 lets TensorFlow choose), got "
                            + intraOpThreads + "/" + interOpThreads);
        }
        EnvironmentInfo env = EnvironmentInfo.detect(Devices.list(SessionConfigs.defaults()
                .withThreads(intraOpThreads, interOpThreads)
                .toConfigProto()));
        if (format.json()) {
            out().print(ResultWriter.json(env));
        } else {
            text(env, NativeBuild.detect(), intraOpThreads, interOpThreads).forEach(out()::println);
        }
        out().flush();
        return 0;
    }

    /** The text report of {@code e} with {@code build} as the native build in use (a parameter for tests). */
    static List<String> text(EnvironmentInfo e, NativeBuild build, int intra, int inter) {
        List<String> lines = new ArrayList<>();
        lines.add("resnet-bench      " + e.tool());
        lines.add("TensorFlow        " + e.tfVersion() + " (TensorFlow Java " + e.tfJavaVersion() + ")");
        lines.add("native build      " + build.classifier() + (build.isGpuBuild() ? " (GPU build)" : " (CPU build)")
                + (build.location() == null ? "" : ", from " + build.location()));
        lines.add("Java              " + e.javaVersion() + ", " + e.javaVm());
        lines.add("OS                " + e.os() + ", host " + e.host());
        lines.add("CPU               " + e.cpuModel() + ", " + e.logicalCores() + " logical cores");
        lines.add("CPU features      " + (e.cpuFeatures().isEmpty() ? "(unknown)" : String.join(" ", e.cpuFeatures())));
        lines.add("bfloat16          "
                + (e.hasNativeBf16()
                        ? "native (AVX512-BF16/AMX)"
                        : "emulated by oneDNN (no"
                                + " AVX512-BF16/AMX): --precision bf16 is usually slower than fp32 here"));
        lines.add("oneDNN            "
                + (e.onednn() ? "on" : "off (TF_ENABLE_ONEDNN_OPTS=0): NCHW cannot run on the CPU"));
        lines.add("XLA on CPU        "
                + (e.xlaCpuJit()
                        ? "on (TF_XLA_FLAGS)"
                        : "off (set TF_XLA_FLAGS=" + SessionConfigs.XLA_CPU_FLAGS
                                + ", or pass --xla to bin/resnet-bench)"));
        lines.add("threads           intra-op " + threads(intra, e.logicalCores()) + ", inter-op "
                + threads(inter, e.logicalCores()));
        lines.add("memory            " + gib(e.memoryAvailableBytes()) + " available of " + gib(e.memoryTotalBytes()));
        lines.add("devices           " + e.devices().size() + " (" + Devices.gpuCount(e.devices()) + " GPU)");
        for (Devices.Device d : e.devices()) {
            lines.add("  " + d.name() + "  " + d.type() + (d.memoryBytes() > 0 ? "  " + gib(d.memoryBytes()) : ""));
        }
        return lines;
    }

    private static String threads(int configured, int cores) {
        return configured > 0 ? String.valueOf(configured) : "TensorFlow's default (" + cores + ", one per core)";
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }
}
