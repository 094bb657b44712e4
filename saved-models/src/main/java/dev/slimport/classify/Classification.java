/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.util.List;
import java.util.Optional;

/**
 * What {@link ImageClassifier#classify} found for one image: its top-k classes, or why it could not be classified.
 *
 * @param image the image's name: the file as given, or {@code image <i>} for bytes
 * @param top the top-k classes by decreasing probability (ties: lower index first); empty on error
 * @param error why the image was not classified (unreadable, not an image, too large, cannot be decoded), or null
 */
public record Classification(String image, List<Prediction> top, String error) {

    /** The value; {@code top} is copied. */
    public Classification {
        top = List.copyOf(top);
        if ((error == null) == top.isEmpty()) {
            throw new IllegalArgumentException("a classification has either predictions or an error");
        }
    }

    /** A classified image. */
    public static Classification of(String image, List<Prediction> top) {
        return new Classification(image, top, null);
    }

    /** An image that could not be classified. */
    public static Classification failed(String image, String error) {
        return new Classification(image, List.of(), error);
    }

    /** Whether the image was classified. */
    public boolean ok() {
        return error == null;
    }

    /** The error, if the image was not classified. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }
}
