/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * One traced step ({@code RunOptions.TraceLevel.FULL_TRACE}) read from TensorFlow's {@code RunMetadata.step_stats}:
 * the time the graph's kernels span versus the wall time Java measured around {@code Runner.run()}, and the kernel
 * time per op type (the kernels that really ran, after Grappler's and oneDNN's rewrites, e.g. {@code
 * _MklNativeFusedConv2D}).
 *
 * @param wallSeconds the wall time of the traced {@code run()} call, as Java measured it
 * @param graphSeconds from the first kernel's start to the last kernel's end, over all devices
 * @param overheadSeconds {@code wallSeconds - graphSeconds}: session, feed/fetch and Java work
 * @param kernelSeconds the sum of all kernels' times (exceeds graphSeconds when kernels overlap)
 * @param opTypes time per op type, largest first
 * @param noopRunSeconds the median wall time of {@code Runner.run()} fetching a constant in the same session: what a
 *     step costs besides the graph (JNI, session bookkeeping, the {@code Result}); 0 when not measured
 */
public record StepTrace(
        double wallSeconds,
        double graphSeconds,
        double overheadSeconds,
        double kernelSeconds,
        List<OpTypeTime> opTypes,
        double noopRunSeconds) {

    /** A copy with the no-op round trip time. */
    public StepTrace withNoopRun(double seconds) {
        return new StepTrace(wallSeconds, graphSeconds, overheadSeconds, kernelSeconds, opTypes, seconds);
    }

    private static final Pattern OP_TYPE = Pattern.compile("=\\s*([A-Za-z0-9_]+)\\(");

    /**
     * The kernel time of one op type.
     *
     * @param type the op type
     * @param count kernels of that type in the step
     * @param seconds their summed time
     * @param share their share of {@code kernelSeconds}
     */
    public record OpTypeTime(String type, int count, double seconds, double share) {}

    /** Reads {@code metadata}'s step stats; {@code wallSeconds} is the traced call's wall time. */
    public static StepTrace of(RunMetadata metadata, double wallSeconds) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long kernelMicros = 0;
        Map<String, long[]> byType = new HashMap<>();
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                long start = node.getAllStartMicros();
                long end = start + node.getAllEndRelMicros();
                if (start <= 0) {
                    continue;
                }
                first = Math.min(first, start);
                last = Math.max(last, end);
                long micros = node.getAllEndRelMicros();
                kernelMicros += micros;
                long[] acc = byType.computeIfAbsent(opType(node), k -> new long[2]);
                acc[0] += 1;
                acc[1] += micros;
            }
        }
        double graph = first == Long.MAX_VALUE ? 0 : (last - first) / 1e6;
        double kernels = kernelMicros / 1e6;
        List<OpTypeTime> types = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byType.entrySet()) {
            double s = e.getValue()[1] / 1e6;
            types.add(new OpTypeTime(e.getKey(), (int) e.getValue()[0], s, kernels > 0 ? s / kernels : 0));
        }
        types.sort(Comparator.comparingDouble(OpTypeTime::seconds).reversed().thenComparing(OpTypeTime::type));
        return new StepTrace(wallSeconds, graph, wallSeconds - graph, kernels, List.copyOf(types), 0);
    }

    /** The op type from the timeline label {@code "name = Type(inputs)"}, else the node name. */
    static String opType(NodeExecStats node) {
        Matcher m = OP_TYPE.matcher(node.getTimelineLabel());
        if (m.find()) {
            return m.group(1);
        }
        return node.getNodeName().startsWith("_") ? node.getNodeName() : "(other)";
    }
}
