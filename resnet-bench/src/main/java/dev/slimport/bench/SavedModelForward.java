/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import dev.slimport.savedmodel.SavedModelInfo;
import dev.slimport.savedmodel.SignatureInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.ParseResult;

/**
 * {@code forward --saved-model DIR [--signature KEY]}: the seed's benchmark on an exported model's signature
 * instead of a graph built in Java — same lines, summary, JSON/CSV and plot as {@code forward}. Options that
 * define the network ({@code --model}, {@code --num-classes}, {@code --output-stride}, {@code --data-format},
 * {@code --precision}) and {@code --input random} are refused: the SavedModel fixes them, and its input is fed.
 */
final class SavedModelForward {

    /** The options {@code --saved-model} refuses: the SavedModel fixes what they choose. */
    private static final List<String> NETWORK_OPTIONS =
            List.of("--model", "--num-classes", "--output-stride", "--data-format", "--precision");

    private final ForwardCommand cmd;

    SavedModelForward(ForwardCommand cmd) {
        this.cmd = cmd;
    }

    int run() throws Exception {
        ParseResult parsed = cmd.spec.commandLine().getParseResult();
        if (cmd.savedModel == null) {
            throw new IllegalArgumentException("--signature: only with --saved-model DIR");
        }
        for (String option : NETWORK_OPTIONS) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(
                        option + ": not with --saved-model (the SavedModel fixes the network, its"
                                + " classes, layout and precision); allowed with it: --signature, --batch-size, --image-size,"
                                + " --height, --width, --seed and the run and output options");
            }
        }
        if (!"fixed".equalsIgnoreCase(cmd.input == null ? "" : cmd.input.trim())
                && parsed.hasMatchedOption("--input")) {
            throw new IllegalArgumentException("--input " + cmd.input
                    + ": with --saved-model the signature's input is a" + " fed host tensor; allowed: fixed");
        }
        ModelOptions m = cmd.modelOptions;
        int height = m.height != null ? m.height : m.imageSize;
        int width = m.width != null ? m.width : m.imageSize;
        if (m.batchSize < 1) {
            throw new IllegalArgumentException("--batch-size: must be >= 1, got " + m.batchSize);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "--image-size/--height/--width: must be >= 1, got " + height + "x" + width);
        }
        DeviceRequest requestedDevice = cmd.runtimeOptions.deviceRequest();
        SessionConfigs configs = cmd.runtimeOptions.sessionConfigs();
        OutputOptions.Format format = cmd.outputOptions.format();
        if (cmd.warmup < 0) {
            throw new IllegalArgumentException("--warmup: must be >= 0, got " + cmd.warmup);
        }
        if (cmd.numBatches < 1) {
            throw new IllegalArgumentException("--num-batches: must be >= 1 (timed steps), got " + cmd.numBatches);
        }
        cmd.outputOptions.checkOutputWritable();
        Charts.checkPlotFile("--plot", cmd.plot);

        Path dir = SavedModelInfo.resolve("--saved-model", cmd.savedModel);
        SavedModelInfo info = SavedModelInfo.read(dir);
        SavedModelInfo.MetaGraph serve = info.metaGraph(List.of("serve"))
                .orElseThrow(() -> new RunFailure("--saved-model: " + dir
                        + " has no MetaGraph tagged [serve]; its tag sets are: " + info.tagSets()));
        String key = signatureKey(serve, dir);
        boolean sizeGiven = parsed.hasMatchedOption("--image-size")
                || parsed.hasMatchedOption("--height")
                || parsed.hasMatchedOption("--width");
        Map<String, Shape> fed = SavedModelBenchmark.feedShapes(
                serve.signature(key).orElseThrow(),
                m.batchSize,
                height,
                width,
                parsed.hasMatchedOption("--batch-size"),
                sizeGiven);

        boolean quiet = cmd.outputOptions.quiet;
        PrintWriter report =
                format == OutputOptions.Format.TEXT || cmd.outputOptions.output != null ? cmd.out() : cmd.err();
        LocalDateTime startedAt = LocalDateTime.now();
        try (Progress progress = Progress.create(cmd.err(), !quiet && Progress.interactive())) {
            progress.phase("listing devices");
            List<Devices.Device> devices = Devices.list(configs.toConfigProto());
            DeviceRequest device = cmd.runtimeOptions
                    .resolve(devices, message -> {
                        progress.clear();
                        cmd.warn(message);
                    })
                    .used();
            ConfigProto config = sessionConfig(configs, device);
            EnvironmentInfo env = EnvironmentInfo.detect(devices);

            progress.phase("loading SavedModel " + dir);
            try (SavedModelBenchmark bench = SavedModelBenchmark.load(dir, config, key, fed)) {
                SavedModelBenchmark.GraphFacts facts = bench.graphFacts();
                checkMemory(facts.memory(), env, m.batchSize);
                bench.feed(m.seed);
                Run run = new Run(bench, facts, requestedDevice, device, configs, env, startedAt, report);
                Thread hook = new Thread(() -> run.finish(null, true), "resnet-bench-interrupt");
                Runtime.getRuntime().addShutdownHook(hook);
                boolean shuttingDown = false;
                try {
                    run.steps.run(bench::step, i -> {}, progress, report, quiet);
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        shuttingDown = true;
                    }
                }
                if (shuttingDown) {
                    return ForwardCommand.EXIT_INTERRUPTED;
                }
                StepTrace trace = null;
                if (!cmd.noTrace) {
                    progress.phase("tracing two steps");
                    trace = bench.trace();
                }
                progress.clear();
                return run.finish(trace, false);
            }
        }
    }

    private String signatureKey(SavedModelInfo.MetaGraph serve, Path dir) {
        List<String> keys = serve.signatures().stream().map(SignatureInfo::key).toList();
        if (cmd.signature != null) {
            if (!keys.contains(cmd.signature)) {
                throw new IllegalArgumentException("--signature: '" + cmd.signature + "' is not in SavedModel " + dir
                        + "; available: " + String.join(", ", keys));
            }
            return cmd.signature;
        }
        if (keys.contains("serving_default")) {
            return "serving_default";
        }
        if (keys.size() == 1) {
            return keys.get(0);
        }
        throw new IllegalArgumentException("--signature: SavedModel " + dir + " has no 'serving_default' signature;"
                + " name one of: " + (keys.isEmpty() ? "(none)" : String.join(", ", keys)));
    }

    /**
     * The session configuration for the loaded graph, whose ops carry no device: on the CPU, GPUs are hidden
     * ({@code device_count {GPU: 0}}); on a GPU, TensorFlow's placer puts the graph on the first one.
     */
    static ConfigProto sessionConfig(SessionConfigs configs, DeviceRequest device) {
        ConfigProto config = configs.toConfigProto();
        if (!device.isGpu()) {
            return config.toBuilder().putDeviceCount("GPU", 0).build();
        }
        if (device.index() != 0) {
            throw new UsageException(
                    "--device " + device + ": a SavedModel's graph is placed by TensorFlow, on the first"
                            + " GPU; allowed with --saved-model: cpu, gpu, gpu:0");
        }
        return config;
    }

    private static void checkMemory(MemoryEstimate m, EnvironmentInfo env, int batch) {
        long available = env.memoryAvailableBytes();
        if (available > 0 && m.estimateBytes() > available) {
            throw new RunFailure(String.format(
                    Locale.ROOT,
                    "--batch-size %d: one step needs at least %.1f GiB (largest activation %.1f GiB) but %.1f GiB of memory"
                            + " is available; use a smaller --batch-size or --image-size",
                    batch,
                    m.estimateBytes() / 1073741824.0,
                    m.largestTensorBytes() / 1073741824.0,
                    available / 1073741824.0));
        }
    }

    /** The state of one run, shared with the Ctrl-C hook. */
    private final class Run {
        final SavedModelBenchmark bench;
        final SavedModelBenchmark.GraphFacts facts;
        final DeviceRequest requested;
        final DeviceRequest device;
        final SessionConfigs configs;
        final EnvironmentInfo env;
        final LocalDateTime startedAt;
        final PrintWriter report;
        final Shape input;
        final TimedSteps steps = new TimedSteps(cmd.warmup, cmd.numBatches);
        final AtomicBoolean claimed = new AtomicBoolean();

        Run(
                SavedModelBenchmark bench,
                SavedModelBenchmark.GraphFacts facts,
                DeviceRequest requested,
                DeviceRequest device,
                SessionConfigs configs,
                EnvironmentInfo env,
                LocalDateTime startedAt,
                PrintWriter report) {
            this.bench = bench;
            this.facts = facts;
            this.requested = requested;
            this.device = device;
            this.configs = configs;
            this.env = env;
            this.startedAt = startedAt;
            this.report = report;
            this.input = bench.fed().values().iterator().next();
        }

        int finish(StepTrace trace, boolean interrupted) {
            if (!claimed.compareAndSet(false, true)) {
                return ForwardCommand.EXIT_INTERRUPTED;
            }
            BenchmarkResult result = result(steps.warmupSeconds(), steps.stepSeconds(), trace, interrupted);
            List<String> summary = Reports.forwardSummary(result, LocalDateTime.now());
            summary.forEach(report::println);
            report.flush();
            List<String> text = new ArrayList<>(steps.stepLines());
            text.addAll(summary);
            try {
                cmd.writeDocuments(result, text);
            } catch (IOException e) {
                cmd.err().println(cmd.spec.qualifiedName() + ": error: cannot write results: " + e.getMessage());
                cmd.err().flush();
                return 1;
            }
            return interrupted ? ForwardCommand.EXIT_INTERRUPTED : 0;
        }

        private BenchmarkResult result(double[] warm, double[] timed, StepTrace trace, boolean interrupted) {
            int batch = (int) input.get(0);
            boolean image = input.numDimensions() == 4;
            long macs = facts.multiplyAddsPerImage().orElse(-1);
            double first = warm.length > 0 ? warm[0] : timed.length > 0 ? timed[0] : Double.NaN;
            double gflopPerBatch = macs < 0 ? Double.NaN : 2.0 * macs * batch / 1e9;
            LatencyStats stats = timed.length == 0 ? null : LatencyStats.of(timed);
            BenchmarkResult.Throughput throughput = stats == null
                    ? null
                    : new BenchmarkResult.Throughput(batch / stats.mean(), gflopPerBatch / stats.mean());
            return new BenchmarkResult(
                    BenchmarkResult.SCHEMA_VERSION,
                    startedAt.toString(),
                    new BenchmarkResult.Config(
                            facts.scope(),
                            batch,
                            image ? (int) input.get(1) : 0,
                            image ? (int) input.get(2) : 0,
                            facts.numClasses(),
                            null,
                            null,
                            Precision.FP32.label(),
                            facts.batchNormsFolded(),
                            cmd.modelOptions.seed,
                            "fixed",
                            cmd.warmup,
                            cmd.numBatches,
                            requested.toString(),
                            device.toString(),
                            configs.intraOpThreads(),
                            configs.interOpThreads(),
                            configs.xla(),
                            bench.dir().toString(),
                            bench.key()),
                    env,
                    new BenchmarkResult.ModelInfo(facts.scope(), facts.parameters(), -1, macs, gflopPerBatch),
                    new BenchmarkResult.Timings(0, bench.loadSeconds(), first, boxed(warm), boxed(timed), interrupted),
                    stats,
                    throughput,
                    trace,
                    null);
        }
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return List.copyOf(out);
    }
}
