/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.bench.engine.ConvCeiling;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.runtime.DeviceRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * Where a forward pass's time goes, by convolution shape: one traced step ({@code FULL_TRACE}) of slim's inference
 * graph with one inter-op thread (kernels run one at a time, so a kernel's time is its own), every convolution kernel
 * joined with its multiply-adds from {@link GraphStats}, grouped by kernel size, channels and output size, as GFLOP/s
 * and as a fraction of the Conv2D ceiling measured right after the traced step in the same process. Not a unit
 * test: a tool for docs/benchmarks.md.
 *
 * <p>Grappler renames what it fuses: a convolution fused with its batch norm and ReLU runs under the name of the
 * batch norm or the ReLU (same scope as the convolution), and conv3 fused with the residual addition under the
 * unit's {@code add}; both are mapped back to their convolution.
 *
 * <pre>
 * ./mvnw -B -q -o -pl resnet-bench -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * TF_CPP_MIN_LOG_LEVEL=2 java -cp resnet-bench/target/classes:resnet-bench/target/test-classes:$(cat resnet-bench/target/cp.txt) \
 *     dev.slimport.bench.ConvProfile 152 32
 * </pre>
 */
public final class ConvProfile {
    private ConvProfile() {}

    public static void main(String[] args) {
        Depth depth = Depth.parse("depth", args.length > 0 ? args[0] : "152");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        ConfigProto oneAtATime =
                ConfigProto.newBuilder().setInterOpParallelismThreads(1).build();
        try (Graph g = new Graph();
                Session s = new Session(g, oneAtATime)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> images = ResNetV2.imagesPlaceholder(tf, batch, 224, 224);
            ResNetModel model = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(1000))
                    .isTraining(false)
                    .build(tf, images);
            s.initialize();
            Map<String, GraphStats.ConvCost> byScope = new HashMap<>();
            for (GraphStats.ConvCost c : GraphStats.convolutions(model.output())) {
                byScope.put(c.opName().substring(0, c.opName().lastIndexOf('/')), c);
            }
            RunMetadata metadata;
            try (TFloat32 x = TFloat32.tensorOf(
                    Shape.of(batch, 224, 224, 3), b -> b.scalars().forEach(v -> v.setFloat(0.5f)))) {
                Session.Runner run = s.runner().feed(images, x).fetch(model.output());
                for (int i = 0; i < 3; i++) {
                    run.run().close();
                }
                try (Result r = s.runner()
                        .feed(images, x)
                        .fetch(model.output())
                        .setOptions(RunOptions.newBuilder()
                                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                                .build())
                        .runAndFetchMetadata()) {
                    metadata = r.getMetadata().orElseThrow();
                }
            }
            double ceiling = ceilingGflops(oneAtATime);
            report(metadata, byScope, batch, ceiling);
        }
    }

    private static double ceilingGflops(ConfigProto config) {
        try (ConvCeiling.Probe p = ConvCeiling.Probe.open(RunPrecision.FP32, 32, 0, DeviceRequest.CPU, config)) {
            p.step();
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                t[i] = p.step();
            }
            Arrays.sort(t);
            return ConvCeiling.flopPerStep(32) / t[2] / 1e9;
        }
    }

    private static void report(
            RunMetadata metadata, Map<String, GraphStats.ConvCost> byScope, int batch, double ceiling) {
        Map<String, double[]> classes = new TreeMap<>();
        double total = 0;
        double conv = 0;
        List<String> unmatched = new ArrayList<>();
        for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
            if (!d.getDevice().endsWith("CPU:0")) {
                continue;
            }
            for (NodeExecStats n : d.getNodeStatsList()) {
                double us = n.getAllEndRelMicros();
                total += us;
                if (!n.getTimelineLabel().contains("Conv2D")) {
                    continue;
                }
                GraphStats.ConvCost c = convolutionOf(n.getNodeName(), byScope);
                if (c == null) {
                    unmatched.add(n.getNodeName());
                    continue;
                }
                conv += us;
                long[] f = c.filter().asArray();
                long[] o = c.output().asArray();
                String key = String.format(
                        Locale.ROOT, "%dx%d %4d->%4d, output %3dx%-3d", f[0], f[1], f[2], f[3], o[1], o[2]);
                double[] acc = classes.computeIfAbsent(key, k -> new double[3]);
                acc[0] += us;
                acc[1] += (double) c.multiplyAddsPerImage() * batch;
                acc[2]++;
            }
        }
        System.out.printf(Locale.ROOT, "Conv2D ceiling right after the traced step: %.1f GFLOP/s%n", ceiling);
        System.out.printf(
                Locale.ROOT,
                "kernel time %.1f ms, convolutions %.1f ms (%.1f %%)%s%n",
                total / 1e3,
                conv / 1e3,
                100 * conv / total,
                unmatched.isEmpty() ? "" : "; not mapped to a convolution: " + unmatched);
        System.out.println("| convolution | count | ms | share of kernel time | GFLOP/s | of the ceiling |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, double[]> e : classes.entrySet()) {
            double[] v = e.getValue();
            double gflops = 2 * v[1] / (v[0] * 1e3);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.1f %% | %.1f | %.2f |%n",
                    e.getKey(),
                    (int) v[2],
                    v[0] / 1e3,
                    100 * v[0] / total,
                    gflops,
                    gflops / ceiling);
        }
    }

    /** The convolution a (possibly fused) kernel node belongs to, by its scope; null if none. */
    private static GraphStats.ConvCost convolutionOf(String node, Map<String, GraphStats.ConvCost> byScope) {
        if (node.endsWith("/add")) {
            GraphStats.ConvCost conv3 = byScope.get(node.substring(0, node.length() - "/add".length()) + "/conv3");
            if (conv3 != null) {
                return conv3;
            }
        }
        String scope = node;
        while (scope.lastIndexOf('/') > 0) {
            scope = scope.substring(0, scope.lastIndexOf('/'));
            GraphStats.ConvCost c = byScope.get(scope);
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}
