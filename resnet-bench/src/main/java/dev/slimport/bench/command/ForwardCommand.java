/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ConvCeiling;
import dev.slimport.bench.engine.ForwardBenchmark;
import dev.slimport.bench.engine.Int8Support;
import dev.slimport.bench.engine.MemoryEstimate;
import dev.slimport.bench.engine.ModelSpec;
import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.bench.engine.SavedModelBenchmark;
import dev.slimport.bench.engine.TimedSteps;
import dev.slimport.bench.engine.Workload;
import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.Charts;
import dev.slimport.bench.result.Reports;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.bench.result.StepMode;
import dev.slimport.bench.result.StepTrace;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.train.TrainingGraph;
import dev.slimport.savedmodel.CalibrationSet;
import dev.slimport.savedmodel.SavedModelInfo;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

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
    public static final int EXIT_INTERRUPTED = 130;

    @Mixin
    SharedOptions.Network modelOptions = new SharedOptions.Network();

    @Mixin
    SharedOptions.Calibration calibration = new SharedOptions.Calibration();

    @Mixin
    SharedOptions.Session runtimeOptions = new SharedOptions.Session();

    @Mixin
    SharedOptions.Output outputOptions = new SharedOptions.Output();

    @Option(
            names = "--mode",
            defaultValue = "inference",
            description =
                    "${COMPLETION-CANDIDATES}. inference: the inference graph's forward pass (the seed's); forward-backward: every gradient of"
                            + " the loss (softmax cross-entropy + L2) on slim's training-mode graph, nothing updated; train: one"
                            + " momentum step on it, with the batch-norm update ops (default: ${DEFAULT-VALUE}).")
    StepMode mode;

    @Option(names = "--learning-rate", description = "With --mode train: the learning rate (default: slim's 0.01).")
    Double learningRate;

    @Option(names = "--momentum", description = "With --mode train: the momentum, in [0, 1) (default: slim's 0.9).")
    Double momentum;

    @Mixin
    SharedOptions.Steps loop = new SharedOptions.Steps(10, 100);

    @Option(
            names = "--input",
            defaultValue = "random",
            description =
                    "${COMPLETION-CANDIDATES}. random: random_uniform generated in the graph each step (the seed's); fixed: one host tensor"
                            + " fed each step (default: ${DEFAULT-VALUE}).")
    ForwardBenchmark.InputMode input;

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

    /** Opens the workload once the device is known: builds the graph or loads the SavedModel. */
    private interface Source {
        Workload open(DeviceRequest device, EnvironmentInfo env, Progress progress);
    }

    // The run, set as it starts: everything the summary needs, also when the Ctrl-C hook prints it.
    private final BenchmarkResult.Config.Builder config = new BenchmarkResult.Config.Builder();
    private final AtomicBoolean reported = new AtomicBoolean();
    private EnvironmentInfo env;
    private Workload bench;
    private LocalDateTime startedAt;
    private PrintWriter report;
    private TimedSteps steps;
    private RunPrecision ceiling;

    @Override
    protected int run() throws Exception {
        boolean fromSavedModel = savedModel != null || signature != null;
        checkModeOptions(fromSavedModel);
        loop.check();
        SessionConfigs configs = runtimeOptions.sessionConfigs();
        Source source = fromSavedModel ? savedModelSource(configs) : graphSource(configs);
        ResultWriter.checkWritable("--output", outputOptions.destination.output);
        Charts.checkPlotFile("--plot", plot);

        report = outputOptions.format == SharedOptions.Format.TEXT || outputOptions.destination.output != null
                ? out()
                : err();
        startedAt = LocalDateTime.now();
        try (Progress progress = Progress.create(err(), !outputOptions.destination.quiet && Progress.interactive())) {
            progress.phase("listing devices");
            List<Devices.Device> devices = Devices.list(configs.toConfigProto());
            DeviceRequest device = runtimeOptions
                    .resolve(devices, message -> {
                        progress.clear();
                        warn(message);
                    })
                    .used();
            env = EnvironmentInfo.detect(devices);
            config.seed = modelOptions.seed.value;
            config.warmup = loop.warmup;
            config.numBatches = loop.numBatches;
            config.deviceRequested = runtimeOptions.device.toString();
            config.deviceUsed = device.toString();
            config.intraOpThreads = configs.intraOpThreads();
            config.interOpThreads = configs.interOpThreads();
            config.xla = configs.xla();
            try (Workload opened = source.open(device, env, progress)) {
                bench = opened;
                MemoryEstimate memory = bench.memory();
                checkMemory(
                        env,
                        bench.batchSize(),
                        "one step",
                        memory.estimateBytes(),
                        " (largest activation " + toGib(memory.largestTensorBytes()) + ")",
                        "--batch-size or --image-size");
                progress.phase("initializing session");
                bench.prepare();
                ForwardBenchmark built = bench instanceof ForwardBenchmark b ? b : null;
                steps = new TimedSteps(loop.warmup, loop.numBatches);
                ceiling = withCeiling ? built.runPrecision() : null;
                if (!timeSteps(device, configs, progress)) {
                    return EXIT_INTERRUPTED;
                }
                StepTrace trace = null;
                if (!noTrace) {
                    progress.phase("tracing two steps");
                    trace = bench.trace();
                }
                BenchmarkResult.PrecisionCheck check = null;
                if (built != null && built.runPrecision() != RunPrecision.FP32 && built.mode() != StepMode.TRAIN) {
                    progress.phase("comparing logits with fp32");
                    check = built.compareWithFp32(device);
                }
                long globalStep = built == null ? -1 : built.globalStep();
                progress.clear();
                return finish(trace, check, globalStep, false);
            }
        }
    }

    /**
     * Runs the warm-up and timed steps, each followed by a step of the {@code --with-ceiling} convolution, with a
     * Ctrl-C hook that prints the summary of the steps done; false when the JVM is shutting down (after Ctrl-C).
     */
    private boolean timeSteps(DeviceRequest device, SessionConfigs configs, Progress progress) {
        Thread hook = new Thread(() -> finish(null, null, -1, true), "resnet-bench-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean shuttingDown = false;
        if (ceiling != null) {
            progress.phase("building the Conv2D ceiling");
        }
        try (ConvCeiling.Probe probe = ceiling == null
                ? null
                : ConvCeiling.Probe.open(
                        ceiling, ConvCeiling.BATCH, modelOptions.seed.value, device, configs.toConfigProto())) {
            steps.run(
                    bench::step, probe == null ? null : probe::step, progress, report, outputOptions.destination.quiet);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                shuttingDown = true;
            }
        }
        return !shuttingDown;
    }

    /** The built graph of {@code resnet_v2_<N>} for {@code --mode}, its options validated. */
    private Source graphSource(SessionConfigs configs) {
        ModelSpec asked = modelOptions.toSpec();
        calibration.check(asked.int8(), asked.runPrecision().label());
        if (asked.int8() && mode.training()) {
            throw new IllegalArgumentException("--precision int8: only with --mode inference (int8 quantizes the"
                    + " inference graph; the training modes need float gradients), got --mode " + mode.label()
                    + "; allowed with --mode " + mode.label() + ": fp32, bf16, fp16");
        }
        // Synthetic calibration batches have seeds --seed + 1, + 2, ...: the precision check's batch (seed --seed)
        // is not among them.
        CalibrationSet calibrationSet = asked.int8()
                ? calibration.toSet(asked.batchSize(), asked.height(), asked.width(), asked.seed() + 1, 0f, 1f)
                : null;
        double lr = learningRate == null ? TrainingGraph.DEFAULT_LEARNING_RATE : learningRate;
        double m = momentum == null ? TrainingGraph.DEFAULT_MOMENTUM : momentum;
        if (mode.training()) {
            checkTraining(asked, lr, m);
        }
        ModelSpec built = mode.training() ? asked.unoptimized() : asked;
        return (device, env, progress) -> {
            checkDataFormat(built, device.isGpu());
            if (built.int8()) {
                checkInt8Device(device);
                Int8Support.requireOps(calibration.int8Root);
            }
            warnAboutSpeed(built, device, env, configs, progress);
            progress.phase("building " + built.network().scope() + (mode.training() ? " training" : "")
                    + (built.int8() ? " fp32 folded" : "") + " graph");
            return new ForwardBenchmark(
                    built,
                    input,
                    device,
                    mode,
                    lr,
                    m,
                    configs.toConfigProto(),
                    calibrationSet,
                    calibration.root(),
                    progress::phase);
        };
    }

    /**
     * The SavedModel's signature, after refusing the options the SavedModel fixes ({@code --model}, {@code
     * --num-classes}, {@code --output-stride}, {@code --data-format}, {@code --precision}) and {@code --input random}
     * (its input is fed); unknown input dimensions come from {@code --batch-size} and {@code --image-size}.
     */
    private Source savedModelSource(SessionConfigs configs) {
        ParseResult parsed = spec.commandLine().getParseResult();
        if (savedModel == null) {
            throw new IllegalArgumentException("--signature: only with --saved-model DIR");
        }
        for (String option : List.of(
                "--model",
                "--num-classes",
                "--output-stride",
                "--data-format",
                "--precision",
                "--calibration",
                "--calibration-batches",
                "--int8-root")) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(
                        option + ": not with --saved-model (the SavedModel fixes the network,"
                                + " its classes, layout and precision); allowed with it: --signature, --batch-size, --image-size,"
                                + " --height, --width, --seed and the run and output options");
            }
        }
        if (input != ForwardBenchmark.InputMode.FIXED && parsed.hasMatchedOption("--input")) {
            throw new IllegalArgumentException("--input " + input
                    + ": with --saved-model the signature's input is a fed host tensor; allowed: fixed");
        }
        int height = modelOptions.height();
        int width = modelOptions.width();
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "--image-size/--height/--width: must be >= 1, got " + height + "x" + width);
        }
        Path dir = SavedModelInfo.resolve("--saved-model", savedModel);
        SavedModelInfo info = SavedModelInfo.read(dir);
        SignatureInfo sig = info.signature(info.metaGraph(List.of(ServingSignature.TAG)), "--signature", signature);
        boolean sizeGiven = parsed.hasMatchedOption("--image-size")
                || parsed.hasMatchedOption("--height")
                || parsed.hasMatchedOption("--width");
        Map<String, Shape> fed = SavedModelBenchmark.feedShapes(
                sig,
                modelOptions.batchSize.checked(),
                height,
                width,
                parsed.hasMatchedOption("--batch-size"),
                sizeGiven);
        return (device, env, progress) -> {
            ConfigProto session = SavedModelBenchmark.sessionConfig(configs, device);
            progress.phase("loading SavedModel " + dir);
            return new SavedModelBenchmark(dir, session, sig.key(), fed, modelOptions.seed.value);
        };
    }

    /**
     * Prints and writes the result once (the main thread or the Ctrl-C hook, whichever comes first); returns the exit
     * code: 0, {@link #EXIT_INTERRUPTED}, or 1 when a file could not be written.
     */
    private int finish(StepTrace trace, BenchmarkResult.PrecisionCheck check, long globalStep, boolean interrupted) {
        if (!reported.compareAndSet(false, true)) {
            return EXIT_INTERRUPTED;
        }
        BenchmarkResult result = bench.result(config, env, startedAt, steps, trace, check, ceiling, interrupted);
        List<String> summary = new ArrayList<>(Reports.forwardSummary(result, LocalDateTime.now()));
        if (bench instanceof ForwardBenchmark built) {
            summary.addAll(built.int8Lines());
            summary.addAll(built.modeLines(
                    globalStep,
                    result.timings().warmupSeconds().size(),
                    result.timings().stepSeconds().size(),
                    noTrace ? 0 : 2));
        }
        summary.forEach(report::println);
        report.flush();
        List<String> text = new ArrayList<>(steps.stepLines());
        text.addAll(summary);
        try {
            writeDocuments(result, text);
        } catch (IOException e) {
            err().println(spec.qualifiedName() + ": error: cannot write results: " + e.getMessage());
            err().flush();
            return 1;
        }
        return interrupted ? EXIT_INTERRUPTED : 0;
    }

    /**
     * {@code --learning-rate} and {@code --momentum} belong to {@code --mode train}; a SavedModel runs neither a
     * training mode nor {@code --with-ceiling}.
     */
    private void checkModeOptions(boolean fromSavedModel) {
        if (mode != StepMode.TRAIN && learningRate != null) {
            throw new IllegalArgumentException("--learning-rate: only with --mode train (it sets the momentum step's"
                    + " learning rate), got --mode " + mode.label());
        }
        if (mode != StepMode.TRAIN && momentum != null) {
            throw new IllegalArgumentException("--momentum: only with --mode train (it sets the momentum step's"
                    + " coefficient), got --mode " + mode.label());
        }
        if (fromSavedModel && mode.training()) {
            throw new IllegalArgumentException("--mode " + mode.label() + ": not with --saved-model (an exported"
                    + " SavedModel is an inference graph, without labels, loss or gradients); allowed with --saved-model:"
                    + " inference");
        }
        if (fromSavedModel && withCeiling) {
            throw new IllegalArgumentException(
                    "--with-ceiling: not with --saved-model (a SavedModel's multiply-adds are"
                            + " not known for every input size); run it on the built graph: --model M");
        }
    }

    /**
     * Refuses what makes no sense with a training {@code --mode}: {@code --optimize} given explicitly (folding needs
     * fixed statistics; a training graph normalizes with the batch's), no logits, a learning rate {@code lr} or
     * momentum {@code m} out of range.
     */
    private void checkTraining(ModelSpec asked, double lr, double m) {
        if (modelOptions.optimize && spec.commandLine().getParseResult().hasMatchedOption("--optimize")) {
            throw new IllegalArgumentException("--optimize: not with --mode " + mode.label() + " (folding batch norms"
                    + " needs fixed statistics, and slim's training graph normalizes with the batch's); the training modes"
                    + " always run slim's graph verbatim");
        }
        int classes = asked.network().numClasses();
        if (classes < 1) {
            throw new IllegalArgumentException("--num-classes " + classes + ": --mode " + mode.label()
                    + " needs logits for its loss (softmax cross-entropy); allowed: >= 1");
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--learning-rate: must be a finite number >= 0, got " + learningRate);
        }
        if (!(m >= 0 && m < 1)) {
            throw new IllegalArgumentException("--momentum: must be in [0, 1), got " + momentum);
        }
    }

    private void writeDocuments(BenchmarkResult result, List<String> text) throws IOException {
        SharedOptions.Format format = outputOptions.format;
        String document = switch (format) {
            case JSON -> ResultWriter.json(result);
            case CSV -> ResultWriter.csv(result);
            case TEXT -> String.join(System.lineSeparator(), text) + System.lineSeparator();
        };
        if (outputOptions.destination.output != null) {
            ResultWriter.writeAtomically(outputOptions.destination.output, document);
        } else if (format != SharedOptions.Format.TEXT) {
            out().print(document);
            out().flush();
        }
        if (plot != null && !result.timings().stepSeconds().isEmpty()) {
            Charts.save(Charts.stepChart(result), plot);
        }
    }

    /**
     * NCHW is refused on a CPU: TensorFlow's own CPU convolutions are NHWC-only, and through oneDNN the NCHW graph ran
     * 15x slower than NHWC on this project's reference CPU (resnet_v2_50, batch 8: 12.2 s vs 0.81 s per batch; see
     * docs/benchmarks.md), so a CPU number for NCHW would only mislead. GPUs take both.
     */
    /** int8 runs oneDNN's quantized kernels, which are CPU kernels: refused on a GPU. */
    static void checkInt8Device(DeviceRequest device) {
        if (device.isGpu()) {
            throw new IllegalArgumentException("--precision int8: oneDNN's quantized convolutions run on the CPU only,"
                    + " got --device " + device + "; allowed with a GPU: fp32, bf16, fp16");
        }
    }

    static void checkDataFormat(ModelSpec spec, boolean onGpu) {
        if (spec.network().dataFormat() == DataFormat.NCHW && !onGpu) {
            throw new IllegalArgumentException(
                    "--data-format NCHW: not on a CPU (NHWC-only CPU kernels; through oneDNN NCHW measured 15x slower);"
                            + " allowed on a CPU: NHWC; NCHW is for --device gpu");
        }
    }

    private void warnAboutSpeed(
            ModelSpec spec, DeviceRequest device, EnvironmentInfo cpu, SessionConfigs configs, Progress progress) {
        List<String> warnings = new ArrayList<>();
        if (!device.isGpu()) {
            if (spec.network().precision() == Precision.BF16 && !cpu.hasNativeBf16()) {
                warnings.add("--precision bf16: this CPU has no AVX512-BF16/AMX-BF16, so bfloat16 is emulated and"
                        + " usually slower than fp32");
            }
            if (spec.network().precision() == Precision.FP16) {
                warnings.add("--precision fp16 targets GPUs; on a CPU float16 kernels are slow"
                        + (cpu.hasNativeFp16() ? "" : " (this CPU has no AVX512-FP16/AMX-FP16)"));
            }
            if (spec.int8()) {
                Int8Support.speedWarning(cpu).ifPresent(warnings::add);
            }
            if (configs.xla() && !SessionConfigs.xlaCpuJitEnabled()) {
                warnings.add("--xla on a CPU needs TF_XLA_FLAGS=" + SessionConfigs.XLA_CPU_FLAGS
                        + " set before the JVM starts (bin/resnet-bench does it); running without XLA");
            }
        }
        if (!warnings.isEmpty() && !outputOptions.destination.quiet) {
            progress.clear();
            warnings.forEach(this::warn);
        }
    }
}
