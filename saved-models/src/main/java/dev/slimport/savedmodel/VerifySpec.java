/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Path;

/**
 * The options of {@code verify DIR [--signature KEY] [--batch N] [--image-size S] [--seed N]}.
 *
 * @param dir the SavedModel directory, or a base directory of numeric versions (the highest is used)
 * @param signatureKey the signature to run, or null for {@code serving_default} (or the only one)
 * @param batch the size of an unknown first dimension
 * @param imageSize the size of any other unknown dimension (height and width of a dynamic-size model)
 * @param seed the seed of the synthetic input values (uniform in [-1, 1])
 */
public record VerifySpec(Path dir, String signatureKey, int batch, int imageSize, long seed) {

    /**
     * The validated spec.
     *
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public VerifySpec {
        if (signatureKey != null && signatureKey.isBlank()) {
            throw new IllegalArgumentException("signature: must not be blank");
        }
        if (batch < 1 || batch > 1024) {
            throw new IllegalArgumentException("batch: must be in 1..1024, got " + batch);
        }
        if (imageSize < 1 || imageSize > 8192) {
            throw new IllegalArgumentException("image-size: must be in 1..8192, got " + imageSize);
        }
    }

    /** {@code dir} with the default signature, batch 1, size 224 for unknown dimensions, seed 0. */
    public static VerifySpec of(Path dir) {
        return new VerifySpec(dir, null, 1, NetworkSpec.DEFAULT_IMAGE_SIZE, 0);
    }
}
