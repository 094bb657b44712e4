/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Measures seconds per batch of the forward pass (inference graph, logits), the forward pass of the training graph
 * (batch statistics, total loss), a forward-backward pass (every gradient fetched) and a full train step (momentum
 * updates, global step, batch-norm updates), all on the same variables in one graph, and with {@code --trace}
 * breaks one train step and one forward pass down by op type from TensorFlow's step stats (RunOptions FULL_TRACE).
 * Not a unit test: a tool for docs/benchmarks.md; figures on a shared machine are indicative.
 *
 * <pre>
 * ./mvnw -B -q -o -pl resnet-graph -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * TF_CPP_MIN_LOG_LEVEL=2 java -cp resnet-graph/target/classes:resnet-graph/target/test-classes:$(cat resnet-graph/target/cp.txt) \
 *     dev.slimport.resnet.train.TrainTimings --depth 50 --batch 32 --size 224 --warmup 2 --iterations 5 [--compute bf16] [--trace]
 * </pre>
 */
public final class TrainTimings {
    private TrainTimings() {}

    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        Depth depth = Depth.parse("--depth", a.getOrDefault("depth", "50"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
        int size = Integer.parseInt(a.getOrDefault("size", "224"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "2"));
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "5"));
        int classes = Integer.parseInt(a.getOrDefault("classes", "1000"));
        boolean trace = a.containsKey("trace");
        Precision compute = switch (a.getOrDefault("compute", "fp32")) {
            case "fp32" -> Precision.FP32;
            case "bf16" -> Precision.BF16;
            default -> throw new IllegalArgumentException("--compute: fp32 or bf16");
        };
        System.out.printf(
                Locale.ROOT,
                "%s, batch %d, %dx%d, %d classes, %s, warm-up %d, %d timed iterations%n",
                depth.scopeName(),
                batch,
                size,
                size,
                classes,
                a.getOrDefault("compute", "fp32"),
                warmup,
                iterations);

        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            long t0 = System.nanoTime();
            ResNetModel train = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(classes))
                    .isTraining(true)
                    .spec(n -> n.withPrecision(compute))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, batch, size, size));
            TrainingGraph t = TrainingGraph.builder(train).learningRate(0.01).build(tf);
            Placeholder<TFloat32> evalImages = tf.withName("eval_images")
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, size, size, 3)));
            ResNetModel inference = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(classes))
                    .isTraining(false)
                    .reuse(true)
                    .spec(n -> n.withPrecision(compute))
                    .build(tf, evalImages);
            System.out.printf(
                    Locale.ROOT,
                    "graph built in %.1f s (%d trainable variables)%n",
                    (System.nanoTime() - t0) / 1e9,
                    t.updates().size());
            s.initialize();

            SplittableRandom rnd = new SplittableRandom(1);
            float[] pixels = new float[batch * size * size * 3];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = rnd.nextInt(classes);
            }
            try (TFloat32 x = TFloat32.tensorOf(
                            Shape.of(batch, size, size, 3),
                            org.tensorflow.ndarray.buffer.DataBuffers.of(pixels, true, false));
                    TInt32 y = TInt32.vectorOf(labels)) {
                Map<String, Supplier<Session.Runner>> modes = new LinkedHashMap<>();
                modes.put(
                        "forward (inference)",
                        () -> s.runner()
                                .feed(evalImages, x)
                                .fetch(inference.logits().get()));
                modes.put(
                        "forward (training BN, loss)",
                        () -> s.runner().feed(t.images(), x).feed(t.labels(), y).fetch(t.totalLoss()));
                modes.put("forward-backward", () -> {
                    Session.Runner r = s.runner().feed(t.images(), x).feed(t.labels(), y);
                    t.gradients().forEach(r::fetch);
                    return r;
                });
                modes.put(
                        "train step",
                        () -> s.runner().feed(t.images(), x).feed(t.labels(), y).fetch(t.trainOp()));

                // Warm up every mode, then time them round-robin so that load from other processes on a shared machine
                // falls on all modes alike.
                // The process CPU time per batch is reported too: unlike wall time it hardly depends on other
                // processes.
                Map<String, double[]> times = new LinkedHashMap<>();
                Map<String, double[]> cpu = new LinkedHashMap<>();
                for (Map.Entry<String, Supplier<Session.Runner>> e : modes.entrySet()) {
                    for (int i = 0; i < warmup; i++) {
                        try (Result r = e.getValue().get().run()) {
                            times.put(e.getKey(), new double[iterations]);
                        }
                    }
                    times.putIfAbsent(e.getKey(), new double[iterations]);
                    cpu.put(e.getKey(), new double[iterations]);
                }
                for (int i = 0; i < iterations; i++) {
                    for (Map.Entry<String, Supplier<Session.Runner>> e : modes.entrySet()) {
                        long start = System.nanoTime();
                        long cpuStart = processCpuNanos();
                        try (Result r = e.getValue().get().run()) {
                            times.get(e.getKey())[i] = (System.nanoTime() - start) / 1e9;
                            cpu.get(e.getKey())[i] = (processCpuNanos() - cpuStart) / 1e9;
                        }
                    }
                }
                for (Map.Entry<String, double[]> e : times.entrySet()) {
                    double[] secs = e.getValue();
                    double[] cpuSecs = cpu.get(e.getKey());
                    System.out.printf(
                            Locale.ROOT,
                            "  %-30s wall median %.3f s/batch  mean %.3f  min %.3f  (%.1f img/s)  CPU median %.2f s/batch%n",
                            e.getKey(),
                            median(secs),
                            mean(secs),
                            min(secs),
                            batch / median(secs),
                            median(cpuSecs));
                }
                for (String k : List.of("forward-backward", "train step")) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-30s wall median %.2fx / min %.2fx / CPU %.2fx forward (inference);"
                                    + " wall median %.2fx / CPU %.2fx forward (training BN)%n",
                            k,
                            median(times.get(k)) / median(times.get("forward (inference)")),
                            min(times.get(k)) / min(times.get("forward (inference)")),
                            median(cpu.get(k)) / median(cpu.get("forward (inference)")),
                            median(times.get(k)) / median(times.get("forward (training BN, loss)")),
                            median(cpu.get(k)) / median(cpu.get("forward (training BN, loss)")));
                }
                System.out.printf(Locale.ROOT, "  load average at the end: %s%n", loadAverage());
                System.out.printf(Locale.ROOT, "  peak RSS %.1f GB%n", peakRssGb());
                if (trace) {
                    trace("train step", modes.get("train step").get(), t.scope());
                    trace(
                            "forward (inference)",
                            modes.get("forward (inference)").get(),
                            t.scope());
                }
            }
        }
    }

    /** One run with FULL_TRACE: op time summed by phase and by op type. */
    private static void trace(String label, Session.Runner runner, String trainScope) {
        RunOptions options = RunOptions.newBuilder()
                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                .build();
        long start = System.nanoTime();
        RunMetadata md;
        try (Result r = runner.setOptions(options).runAndFetchMetadata()) {
            md = r.getMetadata().orElseThrow();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Map<String, Double> byPhase = new TreeMap<>();
        Map<String, Double> byType = new TreeMap<>();
        double total = 0;
        int nodes = 0;
        for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
            for (NodeExecStats n : d.getNodeStatsList()) {
                double ms = (n.getOpEndRelMicros() - n.getOpStartRelMicros()) / 1e3;
                String name = n.getNodeName();
                String type = n.getTimelineLabel().contains(" = ")
                        ? n.getTimelineLabel().split(" = ")[1].split("\\(")[0]
                        : name;
                String phase = name.startsWith(trainScope + "/gradients/")
                        ? "backward (gradients)"
                        : name.startsWith(trainScope + "/" + TrainingGraph.SLOT_NAME + "/")
                                ? "momentum updates"
                                : name.contains("/AssignMovingAvg")
                                        ? "batch-norm updates"
                                        : name.startsWith(trainScope + "/") || name.equals(TrainingGraph.GLOBAL_STEP)
                                                ? "loss, metrics, step"
                                                : "forward";
                byPhase.merge(phase, ms, Double::sum);
                byType.merge(type, ms, Double::sum);
                total += ms;
                nodes++;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%ntrace of one %s: wall %.3f s (traced), %d nodes, %.3f s summed op time%n",
                label,
                wall,
                nodes,
                total / 1e3);
        final double sum = total;
        byPhase.entrySet().stream()
                .sorted((p, q) -> Double.compare(q.getValue(), p.getValue()))
                .forEach(e -> System.out.printf(
                        Locale.ROOT,
                        "  %-24s %9.1f ms  %5.1f%%%n",
                        e.getKey(),
                        e.getValue(),
                        100 * e.getValue() / sum));
        System.out.println("  by op type:");
        byType.entrySet().stream()
                .sorted((p, q) -> Double.compare(q.getValue(), p.getValue()))
                .limit(14)
                .forEach(e -> System.out.printf(
                        Locale.ROOT,
                        "    %-30s %9.1f ms  %5.1f%%%n",
                        e.getKey(),
                        e.getValue(),
                        100 * e.getValue() / sum));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double peakRssGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("trace")) {
                out.put(key, "true");
            } else if (i + 1 < args.length) {
                out.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return out;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
