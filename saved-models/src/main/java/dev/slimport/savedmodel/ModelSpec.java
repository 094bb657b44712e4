/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Objects;

/**
 * The inference model to build: a {@link Network}, its class count, its input size and its initialization seed.
 *
 * <p>The graph's input is {@code images}, float32 NHWC {@code [-1, imageSize, imageSize, 3]}, or {@code [-1, -1,
 * -1, 3]} with {@code dynamicSize}; the batch is always dynamic. {@code imageSize} is also the size the export's
 * reload check runs at.
 *
 * @param network which ResNet v2
 * @param numClasses the logits' width, 0 for a feature extractor without logits and predictions (slim's 1001 for
 *     the official ImageNet checkpoints: label 0 is background)
 * @param imageSize the height and width of the input (and of the verification batch with {@code dynamicSize})
 * @param dynamicSize whether height and width are left unknown in the graph
 * @param seed the model seed: the same seed gives byte-identical initial variables
 */
public record ModelSpec(Network network, int numClasses, int imageSize, boolean dynamicSize, long seed) {

    /** slim's ImageNet class count (label 0 = background). */
    public static final int IMAGENET_CLASSES = 1001;

    /** The validated spec. */
    public ModelSpec {
        if (network == null) {
            throw new IllegalArgumentException("model: a network is required");
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("num-classes: must be >= 0 (0 for features only), got " + numClasses);
        }
        if (imageSize < 1 || imageSize > 8192) {
            throw new IllegalArgumentException("image-size: must be in 1..8192, got " + imageSize);
        }
    }

    /** {@code network} with 1001 classes at 224×224, static size, seed 0. */
    public static ModelSpec of(Network network) {
        return new ModelSpec(Objects.requireNonNull(network, "network"), IMAGENET_CLASSES, 224, false, 0);
    }

    /** A copy with {@code n} classes. */
    public ModelSpec withNumClasses(int n) {
        return new ModelSpec(network, n, imageSize, dynamicSize, seed);
    }

    /** A copy with input size {@code size}. */
    public ModelSpec withImageSize(int size) {
        return new ModelSpec(network, numClasses, size, dynamicSize, seed);
    }

    /** A copy with dynamic height and width (or static). */
    public ModelSpec withDynamicSize(boolean dynamic) {
        return new ModelSpec(network, numClasses, imageSize, dynamic, seed);
    }

    /** A copy with model seed {@code s}. */
    public ModelSpec withSeed(long s) {
        return new ModelSpec(network, numClasses, imageSize, dynamicSize, s);
    }

    /** The height and width the graph's input declares: {@code imageSize}, or -1 with {@code dynamicSize}. */
    public long declaredSize() {
        return dynamicSize ? -1 : imageSize;
    }
}
