/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.net.StridePlan;
import dev.slimport.resnet.slim.DataFormat;
import picocli.CommandLine.Option;

/** The network options shared by {@code forward} and {@code describe}; {@link #toSpec()} validates them. */
public final class ModelOptions {

    @Option(
            names = "--model",
            defaultValue = "resnet_v2_152",
            description = "resnet_v2_50, resnet_v2_101, resnet_v2_152 or resnet_v2_200 (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = {"--batch-size", "-b"},
            defaultValue = "32",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--image-size",
            defaultValue = "224",
            description = "Height and width of the images (default: ${DEFAULT-VALUE}).")
    int imageSize;

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
            description = "NHWC (slim's) or NCHW (cuDNN's, GPU only) (default: ${DEFAULT-VALUE}).")
    String dataFormat;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            description = "fp32, bf16 (CPUs with AVX512-BF16/AMX) or fp16 (GPUs) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(
            names = "--optimize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Fold the batch norms into the convolutions (inference-optimized graph, same numbers up to"
                    + " rounding); --no-optimize runs slim's graph verbatim (default: optimized).")
    boolean optimize;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the variables' initializers and the input (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The validated options. */
    public ModelSpec toSpec() {
        Depth depth = Depth.parse("--model", model);
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size: must be >= 1, got " + batchSize);
        }
        int h = height != null ? height : imageSize;
        int w = width != null ? width : imageSize;
        if (numClasses < 0) {
            throw new IllegalArgumentException("--num-classes: must be >= 0 (0 for no logits), got " + numClasses);
        }
        DataFormat format = DataFormat.parse("--data-format", dataFormat);
        Precision p = Precision.parse("--precision", precision);
        ResNetV2.Builder builder = ResNetV2.builder(depth).outputStride(outputStride);
        StridePlan plan;
        try {
            plan = builder.stridePlan();
        } catch (IllegalArgumentException e) {
            String slim = e.getMessage().replaceFirst("^output_stride=\\d+: ", "");
            throw new IllegalArgumentException(
                    "--output-stride: " + outputStride + ": " + slim + " Allowed: 4, 8, 16, 32 (or none)");
        }
        int stride = plan.outputStride() * 4;
        String dims = height != null || width != null ? "--height/--width" : "--image-size";
        if (h < stride || w < stride) {
            throw new IllegalArgumentException(
                    dims + ": must be >= " + stride + " for " + depth.scopeName() + " (its output stride"
                            + (outputStride == null ? "" : " with --output-stride " + outputStride)
                            + "; smaller images leave no pixel per output position), got " + h + "x" + w);
        }
        return new ModelSpec(depth, batchSize, h, w, numClasses, outputStride, format, p, seed, optimize);
    }
}
