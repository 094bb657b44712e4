/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.util.Optional;

/**
 * One image's class probabilities, or why there are none: what {@link ImageClassifier#probabilities} returns per
 * image, for evaluation.
 *
 * @param probabilities the softmax of the logits, one per class (null on error); owned by this record, do not change
 * @param error why the image was not classified, or null
 */
public record ImageScores(float[] probabilities, String error) {

    /** The value: exactly one of the two is set. */
    public ImageScores {
        if ((probabilities == null) == (error == null)) {
            throw new IllegalArgumentException("image scores have either probabilities or an error");
        }
    }

    /** The probabilities of a classified image. */
    public static ImageScores of(float[] probabilities) {
        return new ImageScores(probabilities, null);
    }

    /** An image that could not be classified. */
    public static ImageScores failed(String error) {
        return new ImageScores(null, error);
    }

    /** Whether the image was classified. */
    public boolean ok() {
        return error == null;
    }

    /** The error, if the image was not classified. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    /** The index of the highest probability (the lowest such index on ties); -1 on error. */
    public int argmax() {
        if (probabilities == null) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Whether class {@code label} is among the {@code k} most probable, as {@code tf.nn.in_top_k} decides it (slim's
     * {@code eval_image_classifier.py} counts {@code Recall_5} with {@code streaming_recall_at_k}, which uses it):
     * fewer than {@code k} classes have a strictly higher probability, so classes tied across the boundary are all
     * in. False on error or for a label outside the classes.
     */
    public boolean inTopK(int label, int k) {
        if (probabilities == null || label < 0 || label >= probabilities.length) {
            return false;
        }
        float p = probabilities[label];
        int higher = 0;
        for (float q : probabilities) {
            if (q > p) {
                higher++;
            }
        }
        return higher < k;
    }
}
