/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

/**
 * One of an image's top-k classes.
 *
 * @param rank 1 for the most probable class, 2 for the next, ...
 * @param index the class index (a row of the logits; 0 is {@code background} in slim's ImageNet models)
 * @param label the class's label ({@link Labels#get})
 * @param probability the softmax of the logits at {@code index} (slim's {@code predictions} end point)
 */
public record Prediction(int rank, int index, String label, float probability) {}
