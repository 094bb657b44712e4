/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ForwardBenchmark;
import dev.slimport.bench.engine.Int8Support;
import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.classify.MovingAverages;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.savedmodel.ExportCancellation;
import dev.slimport.savedmodel.ExportInterruptedException;
import dev.slimport.savedmodel.ExportResult;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.RestoreResult;
import dev.slimport.savedmodel.SavedModels;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench export}: a thin command over {@link SavedModels#export} — the inference graph of {@code
 * resnet_v2_<N>} as a verified SavedModel in TF Serving's {@code DIR/<version>/} layout, seeded or restored from a
 * slim checkpoint, optionally with its batch norms folded ({@code --optimize}). Prints what was written: paths,
 * sizes, the signature, the reload check and the timings. Ctrl-C (or an interrupt of the thread) stops the export
 * with nothing installed and no temporary files left, exit status 130, whichever step it is in. {@code
 * --progress-lines} prints a plain line on stderr when the export starts (building the graph), for logs.
 *
 * <p>{@code --precision int8} ({@link ExportSpec#withInt8}) exports the folded graph quantized to int8, calibrated on
 * {@code --calibration DIR|synthetic} ({@link SharedOptions.Calibration}); it prints the quantization, the int8
 * error against fp32 on the check batch and the exact reload check.
 *
 * <p>A checkpoint with a {@link NetworkDescriptor} next to it ({@code PREFIX.network.json}, written by {@code
 * train-demo}) names its own network: the export builds that one, with the descriptor's classes and image size
 * unless {@code --num-classes} or {@code --image-size} are given, and refuses {@code --model}.
 */
@Command(
        name = "export",
        sortOptions = false,
        description = {
            "Export the inference graph of resnet_v2_<N> as a SavedModel (tag serve, signature serving_default) in"
                    + " DIR/<version>/, reloaded and checked before it is moved into place.",
            "Inputs: images float32 [-1,S,S,3] (values in [-1,1]); outputs: logits and predictions [-1,C], features"
                    + " [-1,2048].",
            "--precision int8 exports the folded graph calibrated and quantized to oneDNN's int8 convolutions (no"
                    + " variables, same signatures)."
        })
public final class ExportCommand extends BenchCommand {

    /** How long Ctrl-C waits for the export to remove its temporary directory before removing it itself. */
    private static final Duration CTRL_C_WAIT = Duration.ofSeconds(60);

    // No standard -V/--version here: --version is the SavedModel version.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Mixin
    SharedOptions.Model model = new SharedOptions.Model();

    @Option(
            names = "--num-classes",
            defaultValue = "1001",
            description = "Logits per image: 1001 for slim's ImageNet checkpoints (label 0 = background); 0 exports"
                    + " features only (default: ${DEFAULT-VALUE}).")
    int numClasses;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Base directory; the model goes to"
                    + " DIR/<version>/ (give DIR to TF Serving as --model_base_path).")
    Path out;

    @Option(
            names = "--checkpoint",
            paramLabel = "PREFIX",
            description =
                    "Restore the weights from this checkpoint by slim name (V2 PREFIX.index + .data-*, or a V1 file"
                            + " such as resnet_v2_50.ckpt); default: seeded initialization. A PREFIX.network.json next to it"
                            + " (train-demo writes one) gives the network, its classes and image size: no --model then.")
    Path checkpoint;

    @Option(
            names = "--exclude",
            paramLabel = "SCOPE",
            split = ",",
            description = "With --checkpoint: keep the seeded values of every variable whose name starts with SCOPE"
                    + " (slim's --checkpoint_exclude_scopes); repeatable or comma-separated.")
    List<String> excludes = new ArrayList<>();

    @Option(
            names = "--moving-average-decay",
            paramLabel = "D",
            description = "With --checkpoint: export the moving averages instead of the trained values, each variable"
                    + " read from <var>/ExponentialMovingAverage (slim's eval --moving_average_decay; train"
                    + " --moving-average-decay writes them). D in (0, 1) is checked but names no key.")
    Double movingAverageDecay;

    @Mixin
    SharedOptions.Seed seed = new SharedOptions.Seed();

    @Mixin
    SharedOptions.ImageSize imageSizeOption = new SharedOptions.ImageSize();

    @Option(names = "--dynamic-size", description = "Leave the input's height and width unknown: any size is served.")
    boolean dynamicSize;

    @Option(
            names = "--version",
            defaultValue = "1",
            description = "Version subdirectory, a TF Serving version number (default: ${DEFAULT-VALUE}).")
    long version;

    @Option(names = "--force", description = "Replace an existing DIR/<version>.")
    boolean force;

    @Option(
            names = "--optimize",
            description =
                    "Export the inference-optimized graph: every batch norm that follows a convolution folded into"
                            + " it; checked against the unfolded model within 1e-4 of each output's scale.")
    boolean optimize;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            completionCandidates = ExportPrecisions.class,
            description = "${COMPLETION-CANDIDATES}: int8 exports the folded graph (implies --optimize) calibrated on"
                    + " --calibration and quantized to oneDNN's int8 convolutions, weights frozen as constants; its"
                    + " reload must reproduce its own outputs exactly (default: ${DEFAULT-VALUE}).")
    String precision;

    @Mixin
    SharedOptions.Calibration calibration = new SharedOptions.Calibration();

    @Option(
            names = "--progress-lines",
            description = "Also print the export's progress as plain lines on stderr (for logs; a terminal shows an"
                    + " updating status line without it).")
    boolean progressLines;

    @Override
    protected int run() throws Exception {
        NetworkDescriptor descriptor = checkpoint == null
                ? null
                : NetworkDescriptor.readFor(checkpoint).orElse(null);
        String name = descriptor == null ? model.value.scopeName() : descriptor.describe();
        int size = imageSizeOption.value;
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (descriptor != null) {
            if (parsed.hasMatchedOption("--model")) {
                throw new IllegalArgumentException("--model: not with this checkpoint: "
                        + NetworkDescriptor.fileFor(checkpoint) + " names its network (" + name + "); omit --model");
            }
            size = parsed.hasMatchedOption("--image-size")
                    ? size
                    : descriptor.network().imageSize();
        }
        if (size < 32 || size > 8192) {
            throw new IllegalArgumentException(
                    "--image-size: must be in 32..8192 (" + name + "'s output stride is 32), got " + size);
        }
        RunPrecision asked = RunPrecision.parse("--precision", precision);
        if (asked != RunPrecision.FP32 && asked != RunPrecision.INT8) {
            throw new IllegalArgumentException("--precision " + asked.label() + ": export writes the fp32 graph or"
                    + " its int8 quantization; allowed: fp32, int8");
        }
        boolean int8 = asked.int8();
        calibration.check(int8, asked.label());
        if (int8) {
            Int8Support.requireOps(calibration.int8Root);
        }
        NetworkSpec network = descriptor == null ? NetworkSpec.of(model.value) : descriptor.network();
        boolean ownClasses = descriptor == null || parsed.hasMatchedOption("--num-classes");
        ExportSpec request;
        try {
            request = ExportSpec.of(
                            network.withNumClasses(ownClasses ? numClasses : network.numClasses())
                                    .withImageSize(size),
                            out)
                    .withDynamicSize(dynamicSize)
                    .withSeed(seed.value)
                    .withVersion(version)
                    .withCheckpoint(checkpoint, excludes)
                    .withForce(force)
                    .withOptimize(optimize)
                    .withInt8(int8, calibration.folder(), calibration.count())
                    .withInt8Root(calibration.int8Root)
                    .withMovingAverages(movingAverageDecay != null);
            if (movingAverageDecay != null) {
                MovingAverages.checkDecay("--moving-average-decay", movingAverageDecay);
            }
            if (int8) {
                request.calibrationSet(); // lists the folder now: a missing one is refused before anything is built
            }
        } catch (IllegalArgumentException e) {
            throw renamed(e);
        }
        // Ctrl-C: the hook cancels the export, which stops at its next step and removes its temporary directory; the
        // hook waits for that, then keeps the JVM alive until the command has said so.
        ExportCancellation cancellation = new ExportCancellation();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    cancellation.cancelAndAwait(CTRL_C_WAIT);
                    awaitQuietly(finished);
                },
                "resnet-bench-export-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ExportResult r;
            try (Progress progress = Progress.create(err(), Progress.interactive())) {
                String phase = "exporting " + name + (int8 ? " (int8)" : optimize ? " (optimized)" : "") + " to "
                        + request.target();
                if (progressLines && !progress.enabled()) {
                    err().println(spec.qualifiedName() + ": " + phase + ": building the graph and "
                            + (checkpoint == null ? "initializing" : "restoring") + " the variables");
                    err().flush();
                }
                progress.phase(phase);
                r = SavedModels.export(request, cancellation);
            } catch (IllegalArgumentException e) {
                throw renamed(e);
            } catch (ExportInterruptedException e) {
                return report(spec.commandLine(), e); // before the finally below lets the JVM exit
            }
            print(out(), r, name, request, descriptor == null ? null : NetworkDescriptor.fileFor(checkpoint));
            out().flush();
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and returns now
            }
        }
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code --precision} values of {@code export}. */
    static final class ExportPrecisions implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of(RunPrecision.FP32.label(), RunPrecision.INT8.label()).iterator();
        }
    }

    /** {@code e} with the library's argument name as this command's option ({@code num_classes} is {@code --num-classes}). */
    private IllegalArgumentException renamed(IllegalArgumentException e) {
        return optionNamed(e, name -> {
            String option = "--" + name.replace('_', '-');
            return spec.findOption(option) != null ? option : null;
        });
    }

    static void print(PrintWriter w, ExportResult r, String name, ExportSpec spec, Path networkFile) {
        NetworkSpec m = spec.network();
        w.println("exported " + name + " to " + r.target()
                + (r.replacedExisting() ? " (replaced the previous version " + spec.version() + ")" : ""));
        w.printf(
                Locale.ROOT,
                "  network        %s, %s, input [-1,%s,%s,3], %s%n",
                name,
                m.numClasses() == 0 ? "no logits (features only)" : m.numClasses() + " classes",
                spec.dynamicSize() ? "-1" : m.imageSize(),
                spec.dynamicSize() ? "-1" : m.imageSize(),
                r.folding()
                        .map(f -> "inference-optimized: " + f.batchNorms() + " batch norms folded"
                                + (r.quantization().isPresent() ? ", quantized to int8" : ""))
                        .orElse("inference graph (slim's, moving statistics)"));
        if (networkFile != null) {
            w.println("  network from   " + networkFile);
        }
        w.println("  weights        "
                + r.restore()
                        .map(x -> restored(x) + (spec.movingAverages() ? " (moving averages)" : ""))
                        .orElse("seeded initialization, seed " + spec.seed()));
        r.quantization().ifPresent(q -> printInt8(w, q));
        if (r.quantization().isPresent()) {
            w.printf(
                    Locale.ROOT,
                    "  variables      none: %,d parameters frozen as constants (int8 filters, float biases)%n",
                    r.parameterCount());
        } else {
            w.printf(
                    Locale.ROOT,
                    "  variables      %d variables, %,d parameters%s%n",
                    r.variableCount(),
                    r.parameterCount(),
                    r.folding()
                            .map(f -> String.format(
                                    Locale.ROOT,
                                    " (unfolded: %d variables, %,d parameters)",
                                    f.sourceVariableCount(),
                                    f.sourceParameterCount()))
                            .orElse(""));
        }
        w.printf(
                Locale.ROOT,
                "  files          saved_model.pb %,d bytes (%.2f MB), variables/ %,d bytes (%.1f MB),"
                        + " total %.1f MB%n",
                r.savedModelBytes(),
                r.savedModelBytes() / 1e6,
                r.variablesBytes(),
                r.variablesBytes() / 1e6,
                r.totalBytes() / 1e6);
        for (String line : (r.signature().describe() + r.bytesSignature().describe()).split("\n")) {
            w.println("  " + line);
        }
        w.println("  reload check   max |Δ| "
                + (r.quantization().isPresent()
                        ? "vs the in-memory int8 model: "
                        : r.folding().isPresent() ? "vs the unfolded model: " : "vs the exporting session: ")
                + r.maxAbsDiff().entrySet().stream()
                        .map(e -> e.getKey() + " " + number(e.getValue()) + " (bound "
                                + number(r.tolerance().get(e.getKey())) + ")")
                        .collect(Collectors.joining(", ")));
        ExportResult.Timings t = r.timings();
        w.printf(
                Locale.ROOT,
                "  timings        build %.1f s, %s %.1f s, check batch %.1f s,%s%s write %.1f s,"
                        + " reload + compare %.1f s; total %.1f s%n",
                t.build() / 1e3,
                r.restore().isPresent() ? "restore" : "initialize",
                t.variables() / 1e3,
                t.reference() / 1e3,
                r.folding().isPresent() ? String.format(Locale.ROOT, " fold %.1f s,", t.optimize() / 1e3) : "",
                r.quantization().isPresent()
                        ? String.format(Locale.ROOT, " calibrate + quantize %.1f s,", t.quantize() / 1e3)
                        : "",
                t.write() / 1e3,
                t.verify() / 1e3,
                t.total() / 1e3);
    }

    private static void printInt8(PrintWriter w, ExportResult.Quantization q) {
        w.printf(
                Locale.ROOT,
                "  int8           %d of %d convolutions int8 (%s of the multiply-adds), calibrated on %s, %s ranges%n",
                q.quantized(),
                q.convolutions(),
                Double.isNaN(q.int8Fraction())
                        ? "share unknown with a dynamic size"
                        : ForwardBenchmark.percent(q.int8Fraction()),
                q.calibration(),
                q.rangeMethod());
        if (!q.leftFloat().isEmpty()) {
            w.println("  left float     " + String.join("; ", q.leftFloat()));
        }
        w.println("  int8 vs fp32   on the check batch, max |Δ| "
                + q.fp32MaxAbsDiff().entrySet().stream()
                        .map(e -> e.getKey() + " " + number(e.getValue()) + " (of max |fp32| "
                                + number(q.fp32Scale().get(e.getKey())) + ")")
                        .collect(Collectors.joining(", "))
                + (q.top1Agreement() < 0
                        ? ""
                        : "; top-1 agrees on " + q.top1Agreement() + "/" + q.checkImages() + " images"));
    }

    private static String number(double d) {
        return d == 0 ? "0" : String.format(Locale.ROOT, "%.3g", d);
    }

    private static String restored(RestoreResult r) {
        StringBuilder sb = new StringBuilder(
                "restored from " + r.checkpoint() + ": " + r.restored().size() + " variables");
        if (!r.excluded().isEmpty()) {
            sb.append(", ").append(r.excluded().size()).append(" excluded (kept their seeded values)");
        }
        if (!r.unusedKeys().isEmpty()) {
            sb.append(", ").append(r.unusedKeys().size()).append(" checkpoint keys unused");
        }
        return sb.toString();
    }
}
