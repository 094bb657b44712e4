/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The optimizers of slim's {@code train_image_classifier.py --optimizer} that {@link TrainingGraph} builds, each as
 * TensorFlow's fused training op with TF1's slot names (so checkpoints match slim's):
 *
 * <ul>
 *   <li>{@link #MOMENTUM}: {@code tf.train.MomentumOptimizer(lr, momentum)}, op {@code ApplyMomentum}, slot {@code
 *       <var>/Momentum} (zeros);
 *   <li>{@link #RMSPROP}: {@code tf.train.RMSPropOptimizer(lr, decay=rmsprop_decay, momentum=rmsprop_momentum,
 *       epsilon=opt_epsilon)}, op {@code ApplyRMSProp} ({@code ms = decay·ms + (1−decay)·g²; mom = momentum·mom +
 *       lr·g/√(ms+ε); var −= mom}), slots {@code <var>/RMSProp} (TF1 initializes it to ones) and {@code
 *       <var>/RMSProp_1} (zeros);
 *   <li>{@link #ADAM}: {@code tf.train.AdamOptimizer(lr, beta1=adam_beta1, beta2=adam_beta2, epsilon=opt_epsilon)},
 *       op {@code ApplyAdam} ({@code lr_t = lr·√(1−β2^t)/(1−β1^t); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; var −=
 *       lr_t·m/(√v+ε)}), slots {@code <var>/Adam}, {@code <var>/Adam_1} (zeros) and the variables {@code
 *       beta1_power}, {@code beta2_power} (β1, β2 initially, multiplied by β after every step).
 * </ul>
 *
 * slim's flag defaults: {@code --momentum 0.9}, {@code --rmsprop_momentum 0.9}, {@code --rmsprop_decay 0.9}, {@code
 * --opt_epsilon 1.0}, {@code --adam_beta1 0.9}, {@code --adam_beta2 0.999}.
 */
public enum Optimizer {
    /** {@code tf.train.MomentumOptimizer}. */
    MOMENTUM("Momentum"),
    /** {@code tf.train.RMSPropOptimizer}. */
    RMSPROP("RMSProp"),
    /** {@code tf.train.AdamOptimizer}. */
    ADAM("Adam");

    /** slim's {@code --rmsprop_decay} default. */
    public static final double RMSPROP_DECAY = 0.9;
    /** slim's {@code --rmsprop_momentum} default. */
    public static final double RMSPROP_MOMENTUM = 0.9;
    /** slim's {@code --opt_epsilon} default. */
    public static final double OPT_EPSILON = 1.0;
    /** slim's {@code --adam_beta1} default. */
    public static final double ADAM_BETA1 = 0.9;
    /** slim's {@code --adam_beta2} default. */
    public static final double ADAM_BETA2 = 0.999;

    private final String slotName;

    Optimizer(String slotName) {
        this.slotName = slotName;
    }

    /** TF1's optimizer name, the slot suffix: {@code Momentum}, {@code RMSProp}, {@code Adam}. */
    public String slotName() {
        return slotName;
    }

    /** slim's flag value: {@code momentum}, {@code rmsprop}, {@code adam}. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The optimizer named {@code value} (case-insensitive).
     *
     * @throws IllegalArgumentException naming {@code option} and the allowed values
     */
    public static Optimizer parse(String option, String value) {
        for (Optimizer o : values()) {
            if (o.flagName().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return o;
            }
        }
        throw new IllegalArgumentException(option + ": must be one of "
                + Arrays.stream(values()).map(Optimizer::flagName).collect(Collectors.joining(", ")) + ", got '"
                + value + "'");
    }
}
