/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import picocli.CommandLine.Option;

/**
 * The training options {@code train} and {@code train-demo} share, declared once: a picocli mixin whose defaults each
 * command passes to the constructor ({@code train}: slim's {@code train_image_classifier.py} flags; {@code
 * train-demo}: values that settle on its small synthetic set). {@link #validate} checks the optimizer's values; the
 * ranges of the batch and image sizes are each command's.
 */
public final class TrainingOptions {

    @Option(
            names = {"--batch-size", "-b"},
            paramLabel = "N",
            description = "Images per step, >= 2: batch statistics (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--image-size",
            paramLabel = "SIZE",
            description = "Training image height and width (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(
            names = "--learning-rate",
            description = "The learning rate, > 0 (train: where its decay schedule starts; slim's: 0.01) (default:"
                    + " ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--momentum",
            description = "The momentum optimizer's momentum, in [0, 1) (default: slim's ${DEFAULT-VALUE}).")
    double momentum = 0.9;

    @Option(
            names = "--weight-decay",
            description = "L2 weight decay (slim's train_image_classifier.py: 0.00004, resnet_arg_scope's: 0.0001)"
                    + " (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--batch-norm-decay",
            description = "Batch-norm moving-average decay, in (0, 1) (resnet_arg_scope's: 0.997; 0.9 settles within"
                    + " a few hundred steps) (default: ${DEFAULT-VALUE}).")
    double batchNormDecay;

    @Option(names = "--force", description = "Replace an existing checkpoint at the prefix written.")
    boolean force;

    /** The options with these defaults (momentum 0.9, slim's). */
    public TrainingOptions(
            int batchSize, int imageSize, double learningRate, double weightDecay, double batchNormDecay) {
        this.batchSize = batchSize;
        this.imageSize = imageSize;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.batchNormDecay = batchNormDecay;
    }

    /** {@code --batch-size}. */
    public int batchSize() {
        return batchSize;
    }

    /** {@code --image-size}. */
    public int imageSize() {
        return imageSize;
    }

    /** {@code --learning-rate}. */
    public double learningRate() {
        return learningRate;
    }

    /** {@code --momentum}. */
    public double momentum() {
        return momentum;
    }

    /** {@code --weight-decay}. */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@code --batch-norm-decay}. */
    public double batchNormDecay() {
        return batchNormDecay;
    }

    /** {@code --force}. */
    public boolean force() {
        return force;
    }

    /**
     * Checks the learning rate, momentum, weight decay and batch-norm decay.
     *
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public void validate() {
        require(
                learningRate > 0 && Double.isFinite(learningRate),
                "--learning-rate",
                "a finite number > 0",
                learningRate);
        require(momentum >= 0 && momentum < 1, "--momentum", "in [0, 1)", momentum);
        require(batchNormDecay > 0 && batchNormDecay < 1, "--batch-norm-decay", "in (0, 1)", batchNormDecay);
        require(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "--weight-decay",
                "a finite number >= 0",
                weightDecay);
    }

    static void require(boolean ok, String name, String allowed, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": must be " + allowed + ", got " + value);
        }
    }
}
