/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
/**
 * Training ResNet v2 graphs as slim's {@code train_image_classifier.py} does: {@link
 * dev.slimport.resnet.train.TrainingGraph} (loss, registry gradients, a gated momentum step, global step and
 * batch-norm update ops, plus the forward-backward fetches), its {@link dev.slimport.resnet.train.StepMetrics}, and
 * {@link dev.slimport.resnet.train.Checkpoints} (TF1 checkpoints of every variable, training state included).
 */
package dev.slimport.resnet.train;
