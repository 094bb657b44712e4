/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.LayerContext;
import java.util.List;

/**
 * Which ResNet v2, the one description the library, the exporter, the CLI and the checkpoint descriptor share: an
 * official depth ({@code resnet_v2_50/101/152/200}) or a custom block table (slim's {@code resnet_v2(inputs, blocks,
 * ...)}), with its classes, input size, output stride, layout and precision. Build it with {@link #builder()}.
 *
 * @param scope the variable scope every variable name starts with (the checkpoint's naming)
 * @param blocks the block table
 * @param numClasses the logits' width, 0 for none (slim's {@code num_classes=None})
 * @param imageSize the height and width of the input, e.g. for placeholders and exports built from the spec
 * @param outputStride the requested output stride ({@code output_stride}), or null for the nominal one
 * @param dataFormat the internal layout (images are fed NHWC either way)
 * @param precision the compute precision; variables, logits and predictions stay float32
 */
public record NetworkSpec(
        String scope,
        List<BlockSpec> blocks,
        int numClasses,
        int imageSize,
        Integer outputStride,
        DataFormat dataFormat,
        Precision precision) {

    /** slim's ImageNet class count (label 0 = background), as in the official checkpoints. */
    public static final int IMAGENET_CLASSES = 1001;

    /** slim's {@code resnet_v2.default_image_size}. */
    public static final int DEFAULT_IMAGE_SIZE = 224;

    /** The validated spec; {@code blocks} is copied. */
    public NetworkSpec {
        LayerContext.checkName("scope", scope);
        if (blocks == null || blocks.isEmpty()) {
            throw new IllegalArgumentException("blocks: at least one block is required");
        }
        blocks = List.copyOf(blocks);
        if (numClasses < 0) {
            throw new IllegalArgumentException("num_classes: must be >= 0 (0 for no logits), got " + numClasses);
        }
        if (imageSize < 1 || imageSize > 8192) {
            throw new IllegalArgumentException("image_size: must be in 1..8192, got " + imageSize);
        }
        if (dataFormat == null) {
            throw new IllegalArgumentException("data_format: must be NHWC or NCHW, got null");
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision: must be one of fp32, bf16, fp16, got null");
        }
    }

    /** {@code resnet_v2_<N>}: slim's block table and scope, no logits, 224×224, NHWC, float32. */
    public static NetworkSpec of(Depth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth: must be one of D50, D101, D152, D200, got null");
        }
        return custom(depth.scopeName(), depth.blocks());
    }

    /** Custom blocks in scope {@code scope} (slim's default is {@link ResNetV2#DEFAULT_SCOPE}), otherwise as {@link #of}. */
    public static NetworkSpec custom(String scope, List<BlockSpec> blocks) {
        return new NetworkSpec(scope, blocks, 0, DEFAULT_IMAGE_SIZE, null, DataFormat.NHWC, Precision.FP32);
    }

    /** A copy in variable scope {@code s}. */
    public NetworkSpec withScope(String s) {
        return new NetworkSpec(s, blocks, numClasses, imageSize, outputStride, dataFormat, precision);
    }

    /** A copy with {@code n} classes. */
    public NetworkSpec withNumClasses(int n) {
        return new NetworkSpec(scope, blocks, n, imageSize, outputStride, dataFormat, precision);
    }

    /** A copy with input size {@code size}. */
    public NetworkSpec withImageSize(int size) {
        return new NetworkSpec(scope, blocks, numClasses, size, outputStride, dataFormat, precision);
    }

    /** A copy with output stride {@code stride} (null for none). */
    public NetworkSpec withOutputStride(Integer stride) {
        return new NetworkSpec(scope, blocks, numClasses, imageSize, stride, dataFormat, precision);
    }

    /** A copy in layout {@code format}. */
    public NetworkSpec withDataFormat(DataFormat format) {
        return new NetworkSpec(scope, blocks, numClasses, imageSize, outputStride, format, precision);
    }

    /** A copy in precision {@code p}. */
    public NetworkSpec withPrecision(Precision p) {
        return new NetworkSpec(scope, blocks, numClasses, imageSize, outputStride, dataFormat, p);
    }

    /** A builder of this network with slim's other defaults ({@link ResNetV2#builder(NetworkSpec)}). */
    public ResNetV2.Builder builder() {
        return ResNetV2.builder(this);
    }
}
