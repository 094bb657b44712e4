/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

/**
 * The loss and top-1 accuracy of one batch, as a train step or an evaluation reports them.
 *
 * @param loss the total loss (cross-entropy plus regularization)
 * @param accuracy the fraction of the batch classified correctly, in [0, 1]
 */
public record StepMetrics(float loss, float accuracy) {}
