/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ConvCeiling;
import dev.slimport.bench.engine.Int8Support;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench ceiling}: the GFLOP/s of a plain TensorFlow Conv2D 3×3 256→256 on 56×56×batch, in fp32 and
 * bf16 (fp16, and int8 through oneDNN's quantized convolution: see {@link ConvCeiling}) — the rate a convolution
 * network can hope for on this machine, to compare {@code forward}'s achieved GFLOP/s with.
 */
@Command(
        name = "ceiling",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "TensorFlow's Conv2D ceiling: 3x3, 256->256 channels, 56x56, batch 32, NHWC, in GFLOP/s.")
public final class CeilingCommand extends BenchCommand {

    @Mixin
    SharedOptions.Session runtimeOptions = new SharedOptions.Session();

    @Option(
            names = "--precision",
            split = ",",
            defaultValue = "fp32,bf16",
            completionCandidates = Converters.RunPrecisionLabels.class,
            description =
                    "Precisions to measure, comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})."
                            + " int8: QuantizeV2 of the float input + QuantizedConv2DWithBiasAndReluAndRequantize (oneDNN),"
                            + " the filter a qint8 constant.")
    List<RunPrecision> precisions;

    @Mixin
    SharedOptions.BatchSize batch = new SharedOptions.BatchSize(32);

    @Mixin
    SharedOptions.Steps steps = new SharedOptions.Steps(3, 10);

    @Mixin
    SharedOptions.Seed seed = new SharedOptions.Seed();

    @Mixin
    SharedOptions.TextOrJson format = new SharedOptions.TextOrJson();

    @Mixin
    SharedOptions.Destination destination = new SharedOptions.Destination();

    /**
     * The {@code ceiling} result.
     *
     * @param schemaVersion 1
     * @param device the device used
     * @param intraOpThreads 0 = TensorFlow's choice
     * @param interOpThreads 0 = TensorFlow's choice
     * @param environment where it ran
     * @param measurements one per precision
     */
    public record CeilingResult(
            int schemaVersion,
            String device,
            int intraOpThreads,
            int interOpThreads,
            EnvironmentInfo environment,
            List<ConvCeiling.Measurement> measurements) {}

    @Override
    protected int run() throws Exception {
        Set<RunPrecision> wanted = new LinkedHashSet<>(precisions);
        int batchSize = batch.checked();
        steps.check();
        boolean json = format.json();
        Path output = destination.output;
        ResultWriter.checkWritable("--output", output);
        SessionConfigs configs = runtimeOptions.sessionConfigs();

        List<Devices.Device> devices = Devices.list(configs.toConfigProto());
        Devices.Resolution resolution = runtimeOptions.resolve(devices, this::warn);
        EnvironmentInfo env = EnvironmentInfo.detect(devices);
        if (wanted.contains(RunPrecision.INT8)) {
            ForwardCommand.checkInt8Device(resolution.used());
            Int8Support.requireOps();
            Int8Support.speedWarning(env).ifPresent(this::warn);
        }
        checkMemory(env, batchSize, "the convolution", ConvCeiling.bytesNeeded(batchSize), "", "--batch-size");
        List<ConvCeiling.Measurement> results = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        boolean textToStdout = !json || output != null;
        Consumer<String> print = line -> {
            lines.add(line);
            if (textToStdout) {
                out().println(line);
                out().flush();
            }
        };
        print.accept(String.format(
                Locale.ROOT,
                "Conv2D ceiling: %dx%d kernel, %d->%d channels, %dx%d, batch %d, NHWC,"
                        + " SAME, on %s (%.1f GFLOP per step; %d warm-up + %d timed steps)",
                ConvCeiling.KERNEL,
                ConvCeiling.KERNEL,
                ConvCeiling.CHANNELS,
                ConvCeiling.CHANNELS,
                ConvCeiling.SIZE,
                ConvCeiling.SIZE,
                batchSize,
                resolution.used(),
                ConvCeiling.flopPerStep(batchSize) / 1e9,
                steps.warmup,
                steps.numBatches));
        for (RunPrecision p : wanted) {
            if (!destination.quiet && !textToStdout) {
                err().println("measuring " + p.label() + " ...");
                err().flush();
            }
            ConvCeiling.Measurement m = ConvCeiling.measure(
                    p,
                    batchSize,
                    steps.warmup,
                    steps.numBatches,
                    seed.value,
                    resolution.used(),
                    configs.toConfigProto());
            results.add(m);
            print.accept(String.format(
                    Locale.ROOT,
                    "  %-5s %8.1f GFLOP/s (best step %.1f)   mean %.4f +/- %.4f s, median %.4f s  (%s)",
                    p.label(),
                    m.gflopsPerSecond(),
                    m.bestGflopsPerSecond(),
                    m.summary().mean(),
                    m.summary().stddev(),
                    m.summary().median(),
                    m.kernel()));
        }
        CeilingResult result = new CeilingResult(
                1,
                resolution.used().toString(),
                configs.intraOpThreads(),
                configs.interOpThreads(),
                env,
                List.copyOf(results));
        String document =
                json ? ResultWriter.json(result) : String.join(System.lineSeparator(), lines) + System.lineSeparator();
        if (output != null) {
            ResultWriter.writeAtomically(output, document);
        } else if (json) {
            out().print(document);
            out().flush();
        }
        return 0;
    }
}
