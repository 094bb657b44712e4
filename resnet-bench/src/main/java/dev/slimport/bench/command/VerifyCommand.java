/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.engine.RunFailure;
import dev.slimport.savedmodel.Dtypes;
import dev.slimport.savedmodel.SavedModels;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.VerifyResult;
import dev.slimport.savedmodel.VerifySpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code resnet-bench verify DIR}: a thin command over {@link SavedModels#verify} — loads any SavedModel (tag {@code
 * serve}), lists its signatures and runs one batch of one of them on synthetic float32 input, printing a summary of
 * each output. Exit 1 when an output holds NaN or infinite values.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Load a SavedModel (DIR, or DIR/<version>: the highest version is used), list its signatures and run one"
                    + " batch of uniform [-1,1] float32 input through one of them.",
            "Exit 1 if it cannot be loaded or run, or an output holds NaN or infinite values."
        })
public final class VerifyCommand extends BenchCommand {

    private static final Map<String, String> OPTION_NAMES = Map.of(
            "saved-model", "DIR", "signature", "--signature", "batch", "--batch-size", "image-size", "--image-size");

    @Parameters(index = "0", paramLabel = "DIR", description = "The SavedModel directory or its base directory.")
    Path dir;

    @Option(
            names = "--signature",
            paramLabel = "KEY",
            description = "The signature to run (default: serving_default, or the only one).")
    String signature;

    @Mixin
    SharedOptions.BatchSize batchSize = new SharedOptions.BatchSize(1);

    @Mixin
    SharedOptions.ImageSize imageSize = new SharedOptions.ImageSize();

    @Mixin
    SharedOptions.Seed seed = new SharedOptions.Seed();

    @Override
    protected int run() throws Exception {
        VerifyResult r;
        try {
            VerifySpec request = new VerifySpec(dir, signature, batchSize.value, imageSize.value, seed.value);
            try (Progress progress = Progress.create(err(), Progress.interactive())) {
                progress.phase("loading and running " + dir);
                r = SavedModels.verify(request);
            }
        } catch (IllegalArgumentException e) {
            throw optionNamed(e, OPTION_NAMES::get);
        }
        var w = out();
        w.printf(Locale.ROOT, "SavedModel %s, tags %s, loaded in %.2f s%n", r.dir(), r.tags(), r.loadMillis() / 1e3);
        for (SignatureInfo s : r.signatures()) {
            w.print(s.describe());
        }
        w.printf(
                Locale.ROOT,
                r.fedEncodedImages()
                        ? "ran '%s' once in %.2f s on %s generated PNG/JPEG files of about %d×%<d pixels, seed %d%n"
                        : "ran '%s' once in %.2f s on %s (uniform in [-1, 1], seed %d)%n",
                r.signatureKey(),
                r.runMillis() / 1e3,
                r.fed().entrySet().stream()
                        .map(e -> e.getKey()
                                + (r.fedEncodedImages()
                                        ? ": " + e.getValue().get(0)
                                        : " float32 " + Dtypes.shape(e.getValue())))
                        .collect(Collectors.joining(", ")),
                r.fedEncodedImages() ? imageSize.value : seed.value,
                seed.value);
        r.outputs().forEach(o -> w.println("  " + o));
        w.flush();
        if (!r.allFinite()) {
            throw new RunFailure(
                    "signature '" + r.signatureKey() + "' of " + r.dir() + " returned NaN or infinite values: "
                            + r.outputs().stream()
                                    .filter(o -> o.nonFinite() > 0)
                                    .map(o -> o.name() + " " + o.nonFinite())
                                    .collect(Collectors.joining(", ")));
        }
        return 0;
    }
}
