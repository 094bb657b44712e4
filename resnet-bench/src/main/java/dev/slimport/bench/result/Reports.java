/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import dev.slimport.bench.host.EnvironmentInfo;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable summary of a {@code forward} result. */
public final class Reports {
    private Reports() {}

    /** How many op types the summary lists. */
    static final int TOP_OP_TYPES = 5;

    /**
     * The seed's closing line ({@code forward across N steps, ...}; {@code forward-backward} or {@code train} for
     * those modes) and the summary below it; for an interrupted run the line says how many of the steps were done.
     */
    public static List<String> forwardSummary(BenchmarkResult r, LocalDateTime now) {
        List<String> lines = new ArrayList<>();
        BenchmarkResult.Config c = r.config();
        StepMode mode = c.mode();
        LatencyStats s = r.summary();
        int asked = c.numBatches();
        if (s == null) {
            lines.add(SeedFormat.TIMESTAMP.format(now) + ": " + mode.across()
                    + " interrupted before the first timed step");
        } else {
            String line = SeedFormat.acrossLine(now, mode.across(), s);
            if (r.timings().interrupted()) {
                line += " (interrupted after " + s.count() + " of " + asked + " steps)";
            }
            lines.add(line);
        }
        String device = c.deviceUsed()
                + (c.deviceUsed().equals(c.deviceRequested()) ? "" : " (asked for " + c.deviceRequested() + ")");
        String classes = c.numClasses() == 0 ? "no logits" : c.numClasses() + " classes";
        if (c.savedModel() == null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "summary: %s %s %s%s, batch %d, %dx%d, %s, on %s, input %s",
                    c.model(),
                    c.precision(),
                    c.dataFormat(),
                    graphNote(c),
                    c.batchSize(),
                    c.height(),
                    c.width(),
                    classes,
                    device,
                    c.input().equals("random") ? "random_uniform in graph" : "fixed host tensor"));
        } else {
            lines.add(String.format(
                    Locale.ROOT,
                    "summary: SavedModel %s, signature '%s' (%s %s%s, %s), batch %d, %dx%d,"
                            + " on %s, input fixed host tensor",
                    c.savedModel(),
                    c.signature(),
                    c.model(),
                    c.precision(),
                    c.optimized() ? ", batch norms folded" : "",
                    classes,
                    c.batchSize(),
                    c.height(),
                    c.width(),
                    device));
        }
        EnvironmentInfo e = r.environment();
        lines.add(String.format(
                Locale.ROOT,
                "  environment    TensorFlow %s (Java %s, %s), %s, %d cores, threads %s/%s"
                        + " (intra/inter, 0 = TF default)%s%s",
                e.tfVersion(),
                e.tfJavaVersion(),
                e.nativeClassifier(),
                e.cpuModel(),
                e.logicalCores(),
                c.intraOpThreads(),
                c.interOpThreads(),
                e.onednn() ? ", oneDNN" : "",
                c.xla() ? (e.xlaCpuJit() ? ", --xla with TF_XLA_FLAGS" : ", --xla (session option only)") : ""));
        if (s != null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  per batch      median %.3f s, p90 %.3f s, p99 %.3f s, min %.3f s, max %.3f s",
                    s.median(),
                    s.p90(),
                    s.p99(),
                    s.min(),
                    s.max()));
            BenchmarkResult.Throughput t = r.throughput();
            BenchmarkResult.ModelInfo m = r.model();
            if (m.multiplyAddsPerImage() < 0) {
                lines.add(String.format(
                        Locale.ROOT,
                        "  throughput     %.1f images/s (GFLOP/s unknown: the graph's"
                                + " convolution shapes are not static)",
                        t.imagesPerSecond()));
            } else if (!mode.training()) {
                lines.add(String.format(
                        Locale.ROOT,
                        "  throughput     %.1f images/s, %.1f GFLOP/s achieved (%.2f GFLOP per"
                                + " image = 2 x %,d multiply-adds)",
                        t.imagesPerSecond(),
                        t.gflopsPerSecond(),
                        2.0 * m.multiplyAddsPerImage() / 1e9,
                        m.multiplyAddsPerImage()));
            } else {
                long step = Math.round(m.gflopPerBatch() * 1e9 / 2 / c.batchSize());
                lines.add(String.format(
                        Locale.ROOT,
                        "  throughput     %.1f images/s, %.1f GFLOP/s achieved (%.2f GFLOP per"
                                + " image = 2 x (%,d forward + %,d backward multiply-adds))",
                        t.imagesPerSecond(),
                        t.gflopsPerSecond(),
                        m.gflopPerBatch() / c.batchSize(),
                        m.multiplyAddsPerImage(),
                        step - m.multiplyAddsPerImage()));
            }
        }
        BenchmarkResult.Ceiling ceiling = r.ceiling();
        if (ceiling != null) {
            LatencyStats q = ceiling.ratio();
            lines.add(String.format(
                    Locale.ROOT,
                    "  ceiling        %s 3x3 256->256 56x56 %s batch %d, one step after each"
                            + " timed step: median %.1f GFLOP/s; network / ceiling per pair: median %.2f (min %.2f, p90 %.2f,"
                            + " max %.2f)",
                    ceiling.precision().equals("int8") ? "QuantizeV2 + QuantizedConv2D" : "Conv2D",
                    ceiling.precision(),
                    ceiling.batchSize(),
                    ceiling.gflopsPerSecond(),
                    q.median(),
                    q.min(),
                    q.p90(),
                    q.max()));
        }
        BenchmarkResult.Timings tm = r.timings();
        if (c.savedModel() == null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  startup        graph build %.3f s, session init %.3f s, first step %.3f s",
                    tm.graphBuildSeconds(),
                    tm.sessionInitSeconds(),
                    tm.firstStepSeconds()));
        } else {
            lines.add(String.format(
                    Locale.ROOT,
                    "  startup        SavedModel load %.3f s (graph, session, variables)," + " first step %.3f s",
                    tm.sessionInitSeconds(),
                    tm.firstStepSeconds()));
        }
        StepTrace tr = r.trace();
        if (tr != null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  traced step    wall %.4f s, graph %.4f s (first kernel start to last"
                            + " kernel end; the other %.4f s: trace collection and the session call)",
                    tr.wallSeconds(),
                    tr.graphSeconds(),
                    tr.overheadSeconds()));
            if (s != null) {
                lines.add(String.format(
                        Locale.ROOT,
                        "  Java overhead  a no-op Runner.run() round trip takes %.1f us = %.4f%% of" + " the mean step",
                        tr.noopRunSeconds() * 1e6,
                        100 * tr.noopRunSeconds() / s.mean()));
            }
            StringBuilder ops = new StringBuilder("  kernel time   ");
            for (int i = 0; i < Math.min(TOP_OP_TYPES, tr.opTypes().size()); i++) {
                StepTrace.OpTypeTime o = tr.opTypes().get(i);
                ops.append(i == 0 ? " " : ", ")
                        .append(String.format(Locale.ROOT, "%s %.1f%% (%d)", o.type(), 100 * o.share(), o.count()));
            }
            lines.add(ops.toString());
        }
        BenchmarkResult.PrecisionCheck p = r.precisionCheck();
        if (p != null) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  %s vs fp32   max |logit diff| %.4g = %.2e of max |logit| %.4g;"
                            + " top-1 agrees on %d/%d images",
                    c.precision(),
                    p.maxAbsDifference(),
                    p.relativeDifference(),
                    p.maxAbsReference(),
                    p.top1Matches(),
                    p.images()));
        }
        return lines;
    }

    private static String graphNote(BenchmarkResult.Config c) {
        return switch (c.mode()) {
            case INFERENCE -> c.optimized() ? " (batch norms folded)" : " (slim's graph verbatim)";
            case FORWARD_BACKWARD -> " (training graph: forward-backward, all gradients)";
            case TRAIN -> " (training graph: momentum train step)";
        };
    }
}
