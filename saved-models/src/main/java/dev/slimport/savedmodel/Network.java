/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.LayerContext;
import java.util.List;

/**
 * Which ResNet v2 to build: an official depth ({@code resnet_v2_50/101/152/200}) or a custom block table (slim's
 * {@code resnet_v2(inputs, blocks, ...)}, e.g. the tiny nets of slim's tests).
 *
 * @param name a display name, e.g. {@code resnet_v2_50}
 * @param scope the variable scope every variable name starts with (the checkpoint's naming)
 * @param blocks the block table
 */
public record Network(String name, String scope, List<BlockSpec> blocks) {

    /** The validated network; {@code blocks} is copied. */
    public Network {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model: a name is required");
        }
        LayerContext.checkName("scope", scope);
        if (blocks == null || blocks.isEmpty()) {
            throw new IllegalArgumentException("blocks: at least one block is required");
        }
        blocks = List.copyOf(blocks);
    }

    /** {@code resnet_v2_<N>}: slim's block table and scope. */
    public static Network of(Depth depth) {
        if (depth == null) {
            throw new IllegalArgumentException(
                    "model: must be one of resnet_v2_50, resnet_v2_101, resnet_v2_152," + " resnet_v2_200, got null");
        }
        return new Network(depth.scopeName(), depth.scopeName(), depth.blocks());
    }

    /**
     * Parses {@code resnet_v2_50}, {@code 50}, ... (the {@code --model} option).
     *
     * @throws IllegalArgumentException naming {@code argument} and the allowed values
     */
    public static Network parse(String argument, String value) {
        return of(Depth.parse(argument, value));
    }

    /** A custom block table in scope {@code scope} (slim's {@code resnet_v2} default scope is {@code resnet_v2}). */
    public static Network custom(String scope, List<BlockSpec> blocks) {
        return new Network(scope, scope, blocks);
    }

    /** A fresh builder for this network (slim's defaults; the caller sets classes, training mode, seed). */
    public ResNetV2.Builder builder() {
        return ResNetV2.builder(blocks).scope(scope);
    }
}
