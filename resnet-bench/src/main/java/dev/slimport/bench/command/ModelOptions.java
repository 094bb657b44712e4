/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ModelSpec;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.StridePlan;
import dev.slimport.resnet.slim.DataFormat;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The network options shared by {@code forward} and {@code describe}; {@link #toSpec()} validates them. */
public final class ModelOptions {

    @Mixin
    SharedOptions.Model model = new SharedOptions.Model();

    @Mixin
    SharedOptions.BatchSize batchSize = new SharedOptions.BatchSize(32);

    @Mixin
    SharedOptions.ImageSize imageSize = new SharedOptions.ImageSize();

    @Option(names = "--height", description = "Image height (overrides --image-size).")
    Integer height;

    @Option(names = "--width", description = "Image width (overrides --image-size).")
    Integer width;

    @Option(
            names = "--num-classes",
            defaultValue = "1000",
            description = "Logits per image; 0 builds no logits (default: ${DEFAULT-VALUE}).")
    int numClasses;

    @Option(
            names = "--output-stride",
            description = "Input/output resolution ratio via atrous convolution: 4, 8, 16 or 32 (default: none = 32).")
    Integer outputStride;

    @Option(
            names = "--data-format",
            defaultValue = "NHWC",
            converter = Converters.Layout.class,
            description =
                    "${COMPLETION-CANDIDATES}: NHWC is slim's, NCHW cuDNN's (GPU only) (default: ${DEFAULT-VALUE}).")
    DataFormat dataFormat;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            converter = Converters.PrecisionLabel.class,
            completionCandidates = Converters.PrecisionLabel.class,
            description = "${COMPLETION-CANDIDATES}: bf16 for CPUs with AVX512-BF16/AMX, fp16 for GPUs (default:"
                    + " ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(
            names = "--optimize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Fold the batch norms into the convolutions (inference-optimized graph, same numbers up to"
                    + " rounding); --no-optimize runs slim's graph verbatim (default: optimized).")
    boolean optimize;

    @Mixin
    SharedOptions.Seed seed = new SharedOptions.Seed();

    /** {@code --height}, else {@code --image-size}. */
    int height() {
        return height != null ? height : imageSize.value;
    }

    /** {@code --width}, else {@code --image-size}. */
    int width() {
        return width != null ? width : imageSize.value;
    }

    /** The validated options. */
    public ModelSpec toSpec() {
        int batch = batchSize.checked();
        if (numClasses < 0) {
            throw new IllegalArgumentException("--num-classes: must be >= 0 (0 for no logits), got " + numClasses);
        }
        NetworkSpec network = NetworkSpec.of(model.value)
                .withNumClasses(numClasses)
                .withOutputStride(outputStride)
                .withDataFormat(dataFormat)
                .withPrecision(precision);
        StridePlan plan;
        try {
            plan = network.builder().stridePlan();
        } catch (IllegalArgumentException e) {
            String slim = e.getMessage().replaceFirst("^output_stride=\\d+: ", "");
            throw new IllegalArgumentException(
                    "--output-stride: " + outputStride + ": " + slim + " Allowed: 4, 8, 16, 32 (or none)");
        }
        int stride = plan.outputStride() * 4;
        int h = height();
        int w = width();
        if (h < stride || w < stride) {
            throw new IllegalArgumentException((height != null || width != null ? "--height/--width" : "--image-size")
                    + ": must be >= " + stride + " for " + network.scope() + " (its output stride"
                    + (outputStride == null ? "" : " with --output-stride " + outputStride)
                    + "; smaller images leave no pixel per output position), got " + h + "x" + w);
        }
        return new ModelSpec(network, batch, h, w, seed.value, optimize);
    }
}
