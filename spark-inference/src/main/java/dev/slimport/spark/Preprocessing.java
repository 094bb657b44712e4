/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import java.io.Serializable;

/**
 * What the executors do to each image before the model, sent to them with the job: slim's Inception evaluation
 * preprocessing to the model's input size, built as graph ops by the library ({@link
 * InceptionPreprocessing#forEval(org.tensorflow.op.Ops, org.tensorflow.Operand, int, int, double)} on {@link
 * InceptionPreprocessing#decode}) and run by each executor JVM's one {@link ImagePreprocessor} for these values
 * ({@link ExecutorModels#preprocess}). Plain values, no native resources.
 *
 * @param height the output height (the model's input height)
 * @param width the output width
 * @param centralFraction the fraction of each side kept by the central crop, in (0, 1]; 1 keeps the whole image
 */
public record Preprocessing(int height, int width, double centralFraction) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The validated values.
     *
     * @throws IllegalArgumentException naming {@code image-size} or {@code central-crop}
     */
    public Preprocessing {
        if (height < 1
                || height > InceptionPreprocessing.MAX_SIZE
                || width < 1
                || width > InceptionPreprocessing.MAX_SIZE) {
            throw new IllegalArgumentException("image-size: height and width must be in 1.."
                    + InceptionPreprocessing.MAX_SIZE + ", got " + height + "x" + width);
        }
        if (!(centralFraction > 0 && centralFraction <= 1)) {
            throw new IllegalArgumentException("central-crop: must be in (0, 1], got " + centralFraction);
        }
    }

    /** slim's evaluation preprocessing to {@code size}×{@code size}: central crop 0.875. */
    public static Preprocessing inception(int size) {
        return new Preprocessing(size, size, InceptionPreprocessing.CENTRAL_FRACTION);
    }

    /** The number of floats one preprocessed image has: {@code height * width * 3}. */
    public int floatsPerImage() {
        return height * width * 3;
    }
}
