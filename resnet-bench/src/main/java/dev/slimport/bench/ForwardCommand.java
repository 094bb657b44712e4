/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.bench.host.CpuInfo;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.train.TrainingGraph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench forward}: the seed notebook's benchmark. Builds {@code resnet_v2_<N>} once with the inference
 * arg scope, runs {@code --warmup} burn-in steps and {@code --num-batches} timed steps, prints the seed's lines and a
 * summary (median, p90, images/s, achieved GFLOP/s, build/init/first-step times, a traced step's graph time versus
 * wall time and the kernel time per op type, and for bf16/fp16 the logits' difference from fp32).
 *
 * <p>{@code --mode forward-backward} and {@code --mode train} time, on slim's training-mode graph, the computation of
 * every gradient and a full momentum step instead (see {@link StepMode}); the output is the same.
 */
@Command(
        name = "forward",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The seed notebook's forward benchmark (the default command).",
            "Prints '<time>: step N, duration = D' every 10 steps, '<time>: forward across N steps, M +/- S sec / batch'"
                    + " and a summary. Ctrl-C prints the summary of the steps done so far.",
            "--mode forward-backward / train time all gradients / a momentum step on slim's training-mode graph."
        })
public final class ForwardCommand extends BenchCommand {

    /** The exit code after Ctrl-C (128 + SIGINT), once the partial summary is printed. */
    static final int EXIT_INTERRUPTED = 130;

    /** The batch of the {@code --with-ceiling} convolution, {@code resnet-bench ceiling}'s default. */
    static final int CEILING_BATCH = 32;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    RuntimeOptions runtimeOptions = new RuntimeOptions();

    @Mixin
    OutputOptions outputOptions = new OutputOptions();

    @Option(
            names = "--mode",
            defaultValue = "inference",
            description =
                    "inference: the inference graph's forward pass (the seed's); forward-backward: every gradient of"
                            + " the loss (softmax cross-entropy + L2) on slim's training-mode graph, nothing updated; train: one"
                            + " momentum step on it, with the batch-norm update ops (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--learning-rate", description = "With --mode train: the learning rate (default: slim's 0.01).")
    Double learningRate;

    @Option(names = "--momentum", description = "With --mode train: the momentum, in [0, 1) (default: slim's 0.9).")
    Double momentum;

    @Option(
            names = "--warmup",
            defaultValue = "10",
            description = "Burn-in steps, not timed (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--num-batches", defaultValue = "100", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int numBatches;

    @Option(
            names = "--input",
            defaultValue = "random",
            description = "random: random_uniform generated in the graph each step (the seed's); fixed: one host tensor"
                    + " fed each step (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--plot", description = "Also draw the step durations with their mean to FILE.png or FILE.svg.")
    Path plot;

    @Option(
            names = "--no-trace",
            description =
                    "Skip the two traced steps (graph time vs wall time, time per op type) after the timed steps.")
    boolean noTrace;

    @Option(
            names = "--with-ceiling",
            description =
                    "After every warm-up and timed step run one step of the Conv2D ceiling ('resnet-bench ceiling':"
                            + " 3x3, 256->256, 56x56, batch 32, same precision) and report the network's GFLOP/s as a fraction of it,"
                            + " pair by pair: a ratio that a busy or throttled machine changes far less than either number.")
    boolean withCeiling;

    @Option(
            names = "--saved-model",
            paramLabel = "DIR",
            description =
                    "Benchmark this SavedModel's signature (from 'export'; DIR or DIR/<version>) instead of building"
                            + " the graph; its input is a fed host tensor, unknown dimensions from --batch-size and --image-size.")
    Path savedModel;

    @Option(
            names = "--signature",
            paramLabel = "KEY",
            description = "With --saved-model: the signature to run (default: serving_default, or the only one).")
    String signature;

    @Override
    protected int run() throws Exception {
        StepMode stepMode = StepMode.parse("--mode", mode);
        checkTrainOptions(stepMode);
        if (savedModel != null || signature != null) {
            if (stepMode.training()) {
                throw new IllegalArgumentException(
                        "--mode " + stepMode.label() + ": not with --saved-model (an exported"
                                + " SavedModel is an inference graph, without labels, loss or gradients); allowed with --saved-model:"
                                + " inference");
            }
            if (withCeiling) {
                throw new IllegalArgumentException(
                        "--with-ceiling: not with --saved-model (a SavedModel's multiply-adds are"
                                + " not known for every input size); run it on the built graph: --model M");
            }
            return new SavedModelForward(this).run();
        }
        ModelSpec asked = modelOptions.toSpec();
        ForwardBenchmark.Target target = target(stepMode, asked);
        ModelSpec spec = stepMode.training() ? asked.unoptimized() : asked;
        DeviceRequest requested = runtimeOptions.deviceRequest();
        SessionConfigs configs = runtimeOptions.sessionConfigs();
        OutputOptions.Format format = outputOptions.format();
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup: must be >= 0, got " + warmup);
        }
        if (numBatches < 1) {
            throw new IllegalArgumentException("--num-batches: must be >= 1 (timed steps), got " + numBatches);
        }
        ForwardBenchmark.InputMode inputMode = parseInput(input);
        outputOptions.checkOutputWritable();
        Charts.checkPlotFile("--plot", plot);
        checkDataFormat(spec, requested.isGpu());

        boolean quiet = outputOptions.quiet;
        PrintWriter report = format == OutputOptions.Format.TEXT || outputOptions.output != null ? out() : err();
        LocalDateTime startedAt = LocalDateTime.now();
        try (Progress progress = Progress.create(err(), !quiet && Progress.interactive())) {
            progress.phase("listing devices");
            List<Devices.Device> devices = Devices.list(configs.toConfigProto());
            Devices.Resolution resolution = runtimeOptions.resolve(devices, message -> {
                progress.clear();
                warn(message);
            });
            DeviceRequest device = resolution.used();
            if (!device.isGpu()) {
                checkDataFormat(spec, false);
            }
            warnAboutSpeed(spec, device, configs, progress);
            EnvironmentInfo env = EnvironmentInfo.detect(devices);

            progress.phase(
                    "building " + spec.depth().scopeName() + (stepMode.training() ? " training" : "") + " graph");
            try (ForwardBenchmark bench = ForwardBenchmark.build(spec, inputMode, device, target)) {
                checkMemory(bench, env, spec);
                progress.phase("initializing session");
                double initSeconds = bench.initialize(configs.toConfigProto());
                Run run = new Run(
                        spec, requested, device, configs, inputMode, env, bench, initSeconds, startedAt, report);
                Thread hook = new Thread(() -> run.finish(null, null, true), "resnet-bench-interrupt");
                Runtime.getRuntime().addShutdownHook(hook);
                boolean shuttingDown = false;
                try {
                    if (withCeiling) {
                        progress.phase("building the Conv2D ceiling");
                        run.probe = ConvCeiling.Probe.open(
                                spec.precision(), CEILING_BATCH, spec.seed(), device, configs.toConfigProto());
                        run.probe.step();
                    }
                    ConvCeiling.Probe probe = run.probe;
                    run.steps.run(
                            bench::step,
                            i -> {
                                if (probe != null) {
                                    double seconds = probe.step();
                                    if (i >= 0) {
                                        run.ceilingSteps[i] = seconds;
                                    }
                                }
                            },
                            progress,
                            report,
                            quiet);
                } finally {
                    if (run.probe != null) {
                        run.probe.close();
                    }
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        shuttingDown = true;
                    }
                }
                if (shuttingDown) {
                    return EXIT_INTERRUPTED;
                }
                StepTrace trace = null;
                if (!noTrace) {
                    progress.phase("tracing two steps");
                    trace = bench.trace();
                }
                BenchmarkResult.PrecisionCheck check = null;
                if (spec.precision() != Precision.FP32 && stepMode != StepMode.TRAIN) {
                    progress.phase("comparing logits with fp32");
                    check = compareWithFp32(bench, device, configs);
                }
                run.globalStep = bench.globalStep();
                progress.clear();
                return run.finish(trace, check, false);
            }
        }
    }

    /** The state of one run: everything the summary needs, shared with the Ctrl-C hook. */
    private final class Run {
        final ModelSpec spec;
        final DeviceRequest requested;
        final DeviceRequest device;
        final SessionConfigs configs;
        final ForwardBenchmark.InputMode inputMode;
        final EnvironmentInfo env;
        final ResNetModel model;
        final ForwardBenchmark.Target target;
        final int gradients;
        final int updateOps;
        final long multiplyAdds;
        final long stepMultiplyAdds;
        final double buildSeconds;
        final double initSeconds;
        final LocalDateTime startedAt;
        final PrintWriter report;
        final TimedSteps steps = new TimedSteps(warmup, numBatches);
        final double[] ceilingSteps = new double[numBatches];
        ConvCeiling.Probe probe;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile long globalStep = -1;

        Run(
                ModelSpec spec,
                DeviceRequest requested,
                DeviceRequest device,
                SessionConfigs configs,
                ForwardBenchmark.InputMode inputMode,
                EnvironmentInfo env,
                ForwardBenchmark bench,
                double initSeconds,
                LocalDateTime startedAt,
                PrintWriter report) {
            this.spec = spec;
            this.requested = requested;
            this.device = device;
            this.configs = configs;
            this.inputMode = inputMode;
            this.env = env;
            this.model = bench.model();
            this.target = bench.target();
            this.gradients = bench.training().map(t -> t.gradients().size()).orElse(0);
            this.updateOps = model.updateOps().size();
            this.multiplyAdds = model.multiplyAdds().orElse(-1);
            this.stepMultiplyAdds = bench.stepMultiplyAddsPerImage();
            this.buildSeconds = bench.buildSeconds();
            this.initSeconds = initSeconds;
            this.startedAt = startedAt;
            this.report = report;
        }

        /**
         * Prints and writes the result once (the main thread or the Ctrl-C hook, whichever comes first); returns the
         * exit code: 0, {@link #EXIT_INTERRUPTED}, or 1 when a file could not be written.
         */
        int finish(StepTrace trace, BenchmarkResult.PrecisionCheck check, boolean interrupted) {
            if (!claimed.compareAndSet(false, true)) {
                return EXIT_INTERRUPTED;
            }
            double[] warm = steps.warmupSeconds();
            double[] timed = steps.stepSeconds();
            int w = warm.length;
            int n = timed.length;
            BenchmarkResult result = result(warm, timed, trace, check, interrupted);
            List<String> summary = new ArrayList<>(Reports.forwardSummary(result, LocalDateTime.now()));
            summary.addAll(modeLines(w, n));
            summary.forEach(report::println);
            report.flush();
            List<String> text = new ArrayList<>(steps.stepLines());
            text.addAll(summary);
            try {
                writeDocuments(result, text);
            } catch (IOException e) {
                err().println(ForwardCommand.this.spec.qualifiedName() + ": error: cannot write results: "
                        + e.getMessage());
                err().flush();
                return 1;
            }
            return interrupted ? EXIT_INTERRUPTED : 0;
        }

        private BenchmarkResult result(
                double[] warm,
                double[] timed,
                StepTrace trace,
                BenchmarkResult.PrecisionCheck check,
                boolean interrupted) {
            double first = warm.length > 0 ? warm[0] : timed.length > 0 ? timed[0] : Double.NaN;
            double gflopPerBatch = stepMultiplyAdds < 0 ? Double.NaN : 2.0 * stepMultiplyAdds * spec.batchSize() / 1e9;
            LatencyStats stats = timed.length == 0 ? null : LatencyStats.of(timed);
            BenchmarkResult.Throughput throughput = stats == null
                    ? null
                    : new BenchmarkResult.Throughput(spec.batchSize() / stats.mean(), gflopPerBatch / stats.mean());
            return new BenchmarkResult(
                    BenchmarkResult.SCHEMA_VERSION,
                    startedAt.toString(),
                    new BenchmarkResult.Config(
                            spec.depth().scopeName(),
                            spec.batchSize(),
                            spec.height(),
                            spec.width(),
                            spec.numClasses(),
                            spec.outputStride(),
                            spec.dataFormat().name(),
                            spec.precision().label(),
                            spec.optimize(),
                            spec.seed(),
                            inputMode.name().toLowerCase(Locale.ROOT),
                            ForwardCommand.this.warmup,
                            numBatches,
                            requested.toString(),
                            device.toString(),
                            configs.intraOpThreads(),
                            configs.interOpThreads(),
                            configs.xla(),
                            null,
                            null,
                            target.mode().label(),
                            target.mode() == StepMode.TRAIN ? target.learningRate() : null,
                            target.mode() == StepMode.TRAIN ? target.momentum() : null),
                    env,
                    new BenchmarkResult.ModelInfo(
                            model.scope(),
                            model.parameterCount(),
                            model.trainableParameterCount(),
                            multiplyAdds,
                            gflopPerBatch),
                    new BenchmarkResult.Timings(
                            buildSeconds, initSeconds, first, boxed(warm), boxed(timed), interrupted),
                    stats,
                    throughput,
                    trace,
                    check,
                    ceiling(timed, gflopPerBatch));
        }

        /** The side-by-side ceiling of the {@code timed.length} pairs done; null without {@code --with-ceiling}. */
        private BenchmarkResult.Ceiling ceiling(double[] timed, double gflopPerBatch) {
            if (!withCeiling || timed.length == 0 || Double.isNaN(gflopPerBatch)) {
                return null;
            }
            return BenchmarkResult.Ceiling.of(
                    spec.precision().label(),
                    CEILING_BATCH,
                    ConvCeiling.flopPerStep(CEILING_BATCH),
                    gflopPerBatch,
                    timed,
                    ceilingSteps,
                    timed.length);
        }

        /** What the training modes add to the summary: the gradients fetched, or the updates and the global step. */
        private List<String> modeLines(int warmupSteps, int timedSteps) {
            return switch (target.mode()) {
                case INFERENCE -> List.of();
                case FORWARD_BACKWARD ->
                    List.of(String.format(
                            Locale.ROOT,
                            "  gradients      %d fetched per step (every trainable variable's), nothing updated; labels: %d seeded"
                                    + " class indices fed each step",
                            gradients,
                            spec.batchSize()));
                case TRAIN -> {
                    List<String> lines = new ArrayList<>();
                    lines.add(String.format(
                            Locale.ROOT,
                            "  train step     momentum %s, learning rate %s: %d variables updated (gated on all gradients),"
                                    + " %d batch-norm update ops, global_step += 1",
                            number(target.momentum()),
                            number(target.learningRate()),
                            gradients,
                            updateOps));
                    if (globalStep >= 0) {
                        lines.add(String.format(
                                Locale.ROOT,
                                "  global step    %d after the run (%d warm-up + %d timed + %d traced steps)",
                                globalStep,
                                warmupSteps,
                                timedSteps,
                                noTrace ? 0 : 2));
                    }
                    yield lines;
                }
            };
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** {@code --learning-rate} and {@code --momentum} belong to {@code --mode train}. */
    private void checkTrainOptions(StepMode stepMode) {
        if (stepMode != StepMode.TRAIN) {
            if (learningRate != null) {
                throw new IllegalArgumentException(
                        "--learning-rate: only with --mode train (it sets the momentum step's"
                                + " learning rate), got --mode " + stepMode.label());
            }
            if (momentum != null) {
                throw new IllegalArgumentException("--momentum: only with --mode train (it sets the momentum step's"
                        + " coefficient), got --mode " + stepMode.label());
            }
        }
    }

    /**
     * The step for {@code stepMode}, after refusing what makes no sense with it: {@code --optimize} given explicitly
     * (folding needs fixed statistics; a training graph normalizes with the batch's), no logits, a learning rate or
     * momentum out of range.
     */
    private ForwardBenchmark.Target target(StepMode stepMode, ModelSpec asked) {
        if (!stepMode.training()) {
            return ForwardBenchmark.Target.INFERENCE;
        }
        if (modelOptions.optimize && spec.commandLine().getParseResult().hasMatchedOption("--optimize")) {
            throw new IllegalArgumentException(
                    "--optimize: not with --mode " + stepMode.label() + " (folding batch norms"
                            + " needs fixed statistics, and slim's training graph normalizes with the batch's); the training modes"
                            + " always run slim's graph verbatim");
        }
        if (asked.numClasses() < 1) {
            throw new IllegalArgumentException("--num-classes " + asked.numClasses() + ": --mode " + stepMode.label()
                    + " needs logits for its loss (softmax cross-entropy); allowed: >= 1");
        }
        double lr = learningRate == null ? TrainingGraph.DEFAULT_LEARNING_RATE : learningRate;
        double m = momentum == null ? TrainingGraph.DEFAULT_MOMENTUM : momentum;
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--learning-rate: must be a finite number >= 0, got " + learningRate);
        }
        if (!(m >= 0 && m < 1)) {
            throw new IllegalArgumentException("--momentum: must be in [0, 1), got " + momentum);
        }
        return new ForwardBenchmark.Target(stepMode, lr, m);
    }

    void writeDocuments(BenchmarkResult result, List<String> text) throws IOException {
        OutputOptions.Format format = outputOptions.format();
        String document = switch (format) {
            case JSON -> ResultWriter.json(result);
            case CSV -> ResultWriter.csv(result);
            case TEXT -> String.join(System.lineSeparator(), text) + System.lineSeparator();
        };
        if (outputOptions.output != null) {
            ResultWriter.writeAtomically(outputOptions.output, document);
        } else if (format != OutputOptions.Format.TEXT) {
            out().print(document);
            out().flush();
        }
        if (plot != null && !result.timings().stepSeconds().isEmpty()) {
            Charts.save(Charts.stepChart(result), plot);
        }
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static ForwardBenchmark.InputMode parseInput(String value) {
        for (ForwardBenchmark.InputMode m : ForwardBenchmark.InputMode.values()) {
            if (m.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("--input: unknown input '" + value + "'; allowed: random, fixed");
    }

    /**
     * NCHW is refused on a CPU: TensorFlow's own CPU convolutions are NHWC-only, and through oneDNN the NCHW graph ran
     * 15x slower than NHWC on this project's reference CPU (resnet_v2_50, batch 8: 12.2 s vs 0.81 s per batch; see
     * docs/benchmarks.md), so a CPU number for NCHW would only mislead. GPUs take both.
     */
    static void checkDataFormat(ModelSpec spec, boolean onGpu) {
        if (spec.dataFormat() == DataFormat.NCHW && !onGpu) {
            throw new UsageException(
                    "--data-format NCHW: not on a CPU (NHWC-only CPU kernels; through oneDNN NCHW measured 15x slower);"
                            + " allowed on a CPU: NHWC; NCHW is for --device gpu");
        }
    }

    private void warnAboutSpeed(ModelSpec spec, DeviceRequest device, SessionConfigs configs, Progress progress) {
        List<String> warnings = new ArrayList<>();
        if (!device.isGpu()) {
            CpuInfo cpu = CpuInfo.detect();
            if (spec.precision() == Precision.BF16 && !cpu.hasNativeBf16()) {
                warnings.add("--precision bf16: this CPU has no AVX512-BF16/AMX-BF16, so bfloat16 is emulated and"
                        + " usually slower than fp32");
            }
            if (spec.precision() == Precision.FP16) {
                warnings.add("--precision fp16 targets GPUs; on a CPU float16 kernels are slow"
                        + (cpu.hasNativeFp16() ? "" : " (this CPU has no AVX512-FP16/AMX-FP16)"));
            }
            if (configs.xla() && !SessionConfigs.xlaCpuJitEnabled()) {
                warnings.add("--xla on a CPU needs TF_XLA_FLAGS=" + SessionConfigs.XLA_CPU_FLAGS
                        + " set before the JVM starts (bin/resnet-bench does it); running without XLA");
            }
        }
        if (!warnings.isEmpty() && !outputOptions.quiet) {
            progress.clear();
            warnings.forEach(this::warn);
        }
    }

    private void checkMemory(ForwardBenchmark bench, EnvironmentInfo env, ModelSpec spec) {
        MemoryEstimate m = MemoryEstimate.of(bench.graph());
        long available = env.memoryAvailableBytes();
        if (available > 0 && m.estimateBytes() > available) {
            throw new RunFailure(String.format(
                    Locale.ROOT,
                    "--batch-size %d: one step needs at least %.1f GiB (largest activation %.1f GiB) but %.1f GiB of memory"
                            + " is available; use a smaller --batch-size or --image-size",
                    spec.batchSize(),
                    m.estimateBytes() / 1073741824.0,
                    m.largestTensorBytes() / 1073741824.0,
                    available / 1073741824.0));
        }
    }

    /**
     * Runs the benchmark graph and an fp32 twin (same seed, so the same weights) on the same host images and compares
     * their float32 logits.
     */
    private BenchmarkResult.PrecisionCheck compareWithFp32(
            ForwardBenchmark bench, DeviceRequest device, SessionConfigs configs) {
        ModelSpec spec = bench.spec();
        try (TFloat32 images = ForwardBenchmark.uniformImages(spec, spec.batchSize());
                ForwardBenchmark reference = ForwardBenchmark.build(
                        spec.withPrecision(Precision.FP32),
                        ForwardBenchmark.InputMode.RANDOM,
                        device,
                        bench.target())) {
            reference.initialize(configs.toConfigProto());
            float[] low = bench.outputs(images);
            float[] ref = reference.outputs(images);
            return compare(low, ref, spec.batchSize());
        }
    }

    /** The comparison of {@code low} with {@code ref}, both {@code [batch, classes]} row-major. */
    static BenchmarkResult.PrecisionCheck compare(float[] low, float[] ref, int batch) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) low[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs((double) ref[i]));
        }
        int classes = ref.length / batch;
        int matches = 0;
        for (int b = 0; b < batch; b++) {
            if (argMax(low, b * classes, classes) == argMax(ref, b * classes, classes)) {
                matches++;
            }
        }
        return new BenchmarkResult.PrecisionCheck(
                "fp32", batch, maxDiff, maxRef, maxRef > 0 ? maxDiff / maxRef : maxDiff, matches);
    }

    private static int argMax(float[] v, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[offset + i] > v[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
