/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetArgScope;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.resnet.train.StepMetrics;
import dev.slimport.resnet.train.TrainingGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a small ResNet v2 on {@link SyntheticDataset} gratings it generates itself, the way slim's {@code
 * train_image_classifier.py} trains a net: training-mode batch norm, momentum, weight decay, update ops. After each
 * epoch it reports the mean training loss and accuracy and the accuracy on held-out examples through an
 * inference-mode graph built with {@code reuse(true)} on the same variables (moving statistics); at the end it saves
 * a checkpoint.
 *
 * <p>The network is resnet_v2_50's block table at reduced width ({@link #network}: {@code Depth.D50.blocks(baseDepth)},
 * scope {@code resnet_v2}); {@link #modelBuilder(Options)} rebuilds it, e.g. with {@code isTraining(false)} to restore the
 * checkpoint for export. The batch-norm decay defaults to 0.9 instead of slim's 0.997 so the moving statistics
 * settle within a few hundred steps.
 *
 * <p>{@code resnet-bench train-demo} ({@code TrainDemoCommand}) runs it.
 */
public final class TrainDemo {
    private TrainDemo() {}

    /**
     * What to train and how: {@code train-demo}'s options, declared once. Each field is a picocli option (name,
     * default, help) of {@code TrainDemoCommand}, which mixes them in; a program gives the same words to {@link
     * #parse}. {@link #validate} names the options in its errors.
     */
    public static final class Options {
        @Option(
                names = "--epochs",
                defaultValue = "5",
                description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Mixin
        TrainingOptions training = new TrainingOptions(16, 64, 0.05, 0.0001, 0.9);

        @Option(
                names = "--checkpoint",
                paramLabel = "PREFIX",
                defaultValue = "train-demo/model.ckpt",
                description =
                        "Where to save: PREFIX.index, PREFIX.data-00000-of-00001 and PREFIX.network.json; its folder is"
                                + " created (default: ${DEFAULT-VALUE}).")
        Path checkpoint;

        @Option(
                names = "--seed",
                paramLabel = "SEED",
                defaultValue = "0",
                description = "Seeds the data set and the initial weights (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--train-examples",
                defaultValue = "512",
                description = "Training examples; a last partial batch is dropped (default: ${DEFAULT-VALUE}).")
        int trainExamples;

        @Option(
                names = "--eval-examples",
                defaultValue = "128",
                description = "Held-out examples (default: ${DEFAULT-VALUE}).")
        int evalExamples;

        @Option(
                names = "--num-classes",
                defaultValue = "4",
                description = "Grating orientations = classes (default: ${DEFAULT-VALUE}).")
        int numClasses;

        @Option(
                names = "--base-depth",
                defaultValue = "4",
                description = "The first block's bottleneck depth (resnet_v2_50 uses 64) (default: ${DEFAULT-VALUE}).")
        int baseDepth;

        /**
         * The options of a {@code train-demo} command line (the defaults for none), parsed as the command parses them
         * and validated.
         *
         * @throws IllegalArgumentException naming the option and the allowed values
         */
        public static Options parse(String... args) {
            Options o = new Options();
            try {
                new CommandLine(o).setOverwrittenOptionsAllowed(true).parseArgs(args);
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return o.validate();
        }

        /**
         * Checks the ranges, then that the checkpoint can be saved: the prefix names a file in a folder that exists or
         * can be created, and holds no checkpoint unless {@code --force}.
         *
         * @return this
         * @throws IllegalArgumentException naming the option and the allowed values
         */
        public Options validate() {
            require(epochs >= 1, "--epochs", ">= 1", epochs);
            int batchSize = training.batchSize;
            require(batchSize >= 2 && batchSize <= 1024, "--batch-size", "in [2, 1024]", batchSize);
            require(
                    training.imageSize >= 32 && training.imageSize <= 1024,
                    "--image-size",
                    "in [32, 1024]",
                    training.imageSize);
            require(
                    trainExamples >= batchSize,
                    "--train-examples",
                    ">= --batch-size (" + batchSize + ")",
                    trainExamples);
            require(evalExamples >= 1, "--eval-examples", ">= 1", evalExamples);
            require(numClasses >= 2 && numClasses <= 1000, "--num-classes", "in [2, 1000]", numClasses);
            require(baseDepth >= 1 && baseDepth <= 64, "--base-depth", "in [1, 64]", baseDepth);
            training.validate();
            checkCheckpoint();
            return this;
        }

        private void checkCheckpoint() {
            Path abs = checkpoint.toAbsolutePath();
            if (checkpoint.getFileName() == null || Files.isDirectory(abs)) {
                throw new IllegalArgumentException("--checkpoint: '" + checkpoint + "' is a directory; give a prefix"
                        + " such as " + checkpoint.resolve("model.ckpt"));
            }
            Path index = Path.of(abs + ".index");
            if (Files.exists(index) && !training.force) {
                throw new IllegalArgumentException("--checkpoint: a checkpoint exists at " + checkpoint + " (" + index
                        + "); use --force to replace it");
            }
            Path dir = abs.getParent();
            while (dir != null && !Files.exists(dir)) {
                dir = dir.getParent();
            }
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--checkpoint: cannot create the folder of '" + checkpoint + "' ("
                        + (dir == null ? "no existing parent" : dir + " is not a folder") + ")");
            }
            if (!Files.isWritable(dir)) {
                throw new IllegalArgumentException("--checkpoint: cannot write in '" + dir + "'");
            }
        }

        private static void require(boolean ok, String name, String allowed, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": must be " + allowed + ", got " + value);
            }
        }

        /** The checkpoint prefix the demo saves to. */
        public Path checkpoint() {
            return checkpoint;
        }

        /** Passes over the training examples. */
        public int epochs() {
            return epochs;
        }

        /** Training steps per epoch. */
        public int stepsPerEpoch() {
            return trainExamples / training.batchSize;
        }

        /**
         * {@code training <network> on 512 synthetic 64x64 gratings (4 classes, 128 held out), batch 16, 32 steps per
         * epoch, 5 epochs, learning rate 0.05, momentum 0.9}.
         */
        public String plan(String network) {
            return String.format(
                    Locale.ROOT,
                    "training %s on %d synthetic %dx%d gratings (%d classes, %d held out), batch %d,"
                            + " %d steps per epoch, %d epochs, learning rate %s, momentum %s",
                    network,
                    trainExamples,
                    training.imageSize,
                    training.imageSize,
                    numClasses,
                    evalExamples,
                    training.batchSize,
                    stepsPerEpoch(),
                    epochs,
                    training.learningRate,
                    training.momentum);
        }
    }

    /** Receives progress; called on the training thread. */
    public interface Listener {
        /** A listener that ignores everything. */
        Listener NONE = new Listener() {};

        /**
         * After each step (1-based {@code epoch} and {@code step}) with the mean loss and accuracy of the epoch's steps
         * so far; after its last step they are the epoch's {@link EpochResult#loss} and {@link EpochResult#accuracy}.
         */
        default void onStep(int epoch, int step, int stepsPerEpoch, StepMetrics metrics) {}

        /** After each epoch's evaluation. */
        default void onEpoch(EpochResult result) {}
    }

    /**
     * One epoch's figures.
     *
     * @param epoch 1-based
     * @param epochs the number of epochs
     * @param loss mean total loss of the epoch's steps (each measured before its update)
     * @param accuracy mean training accuracy of the epoch's steps
     * @param evalAccuracy held-out accuracy of the inference-mode graph after the epoch
     * @param globalStep the global step after the epoch
     * @param seconds wall time of the epoch's steps and evaluation
     */
    public record EpochResult(
            int epoch, int epochs, double loss, double accuracy, double evalAccuracy, long globalStep, double seconds) {

        /** {@code epoch 2/5  loss 0.812  accuracy 71.9%  eval accuracy 80.5%  (3.1 s)}. */
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "epoch %d/%d  loss %.3f  accuracy %.1f%%  eval accuracy %.1f%%  (%.1f s)",
                    epoch,
                    epochs,
                    loss,
                    100 * accuracy,
                    100 * evalAccuracy,
                    seconds);
        }
    }

    /** The demo's network: resnet_v2_50's blocks at base depth {@code baseDepth} in scope {@code resnet_v2}. */
    public static NetworkSpec network(Options o) {
        return NetworkSpec.custom(ResNetV2.DEFAULT_SCOPE, Depth.D50.blocks(o.baseDepth))
                .withNumClasses(o.numClasses)
                .withImageSize(o.training.imageSize);
    }

    /**
     * A builder of {@link #network}: slim's arg scope with the options' weight decay and batch-norm decay, seeded by
     * the options' seed. Set {@code isTraining}.
     */
    public static ResNetV2.Builder modelBuilder(Options o) {
        return network(o)
                .builder()
                .argScope(ResNetArgScope.resnetArgScope(
                        o.training.weightDecay,
                        o.training.batchNormDecay,
                        ResNetArgScope.BATCH_NORM_EPSILON,
                        true,
                        Activation.RELU,
                        true))
                .seed(o.seed);
    }

    /**
     * Builds the training and evaluation graphs, trains, evaluates after every epoch and saves the checkpoint; returns
     * one result per epoch (the last one's global step is the checkpoint's).
     *
     * @throws IllegalArgumentException for null arguments
     */
    public static List<EpochResult> run(Options o, Listener listener) {
        if (o == null || listener == null) {
            throw new IllegalArgumentException("options and listener: must not be null");
        }
        SyntheticDataset train =
                new SyntheticDataset(o.trainExamples, o.training.imageSize, o.training.imageSize, o.numClasses, o.seed);
        SyntheticDataset heldOut = new SyntheticDataset(
                o.evalExamples, o.training.imageSize, o.training.imageSize, o.numClasses, o.seed ^ 0x5EEDL);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel model = modelBuilder(o)
                    .isTraining(true)
                    .build(
                            tf,
                            ResNetV2.imagesPlaceholder(
                                    tf, o.training.batchSize, o.training.imageSize, o.training.imageSize));
            TrainingGraph training = TrainingGraph.builder(model)
                    .learningRate(o.training.learningRate)
                    .momentum(o.training.momentum)
                    .build(tf);
            Placeholder<TFloat32> evalImages = tf.withName("eval_images")
                    .placeholder(
                            TFloat32.class,
                            Placeholder.shape(Shape.of(-1, o.training.imageSize, o.training.imageSize, 3)));
            ResNetModel inference =
                    modelBuilder(o).isTraining(false).reuse(true).build(tf, evalImages);
            s.initialize();

            List<EpochResult> epochs = new ArrayList<>();
            int steps = o.stepsPerEpoch();
            for (int epoch = 1; epoch <= o.epochs; epoch++) {
                long start = System.nanoTime();
                int[] order = train.shuffled(epoch);
                double loss = 0;
                double accuracy = 0;
                for (int step = 1; step <= steps; step++) {
                    try (SyntheticDataset.Batch b = train.batch(Arrays.copyOfRange(
                            order, (step - 1) * o.training.batchSize, step * o.training.batchSize))) {
                        StepMetrics m = training.trainStep(s, b.images(), b.labels());
                        loss += m.loss();
                        accuracy += m.accuracy();
                    }
                    listener.onStep(epoch, step, steps, new StepMetrics((float) loss / step, (float) accuracy / step));
                }
                double evalAccuracy = accuracy(s, inference, heldOut, o.training.batchSize);
                EpochResult r = new EpochResult(
                        epoch,
                        o.epochs,
                        loss / steps,
                        accuracy / steps,
                        evalAccuracy,
                        training.globalStepValue(s),
                        (System.nanoTime() - start) / 1e9);
                epochs.add(r);
                listener.onEpoch(r);
            }
            if (o.checkpoint != null) {
                Checkpoints.save(s, o.checkpoint);
            }
            return List.copyOf(epochs);
        }
    }

    /** Top-1 accuracy of the inference-mode model over the data set, in batches. */
    static double accuracy(Session s, ResNetModel inference, SyntheticDataset d, int batchSize) {
        int correct = 0;
        for (int from = 0; from < d.size(); from += batchSize) {
            int n = Math.min(batchSize, d.size() - from);
            try (SyntheticDataset.Batch b = d.batch(from, n);
                    Result r = s.runner()
                            .feed(inference.images(), b.images())
                            .fetch(inference.logits().orElseThrow())
                            .run()) {
                TFloat32 logits = (TFloat32) r.get(0);
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int k = 1; k < d.numClasses(); k++) {
                        best = logits.getFloat(i, k) > logits.getFloat(i, best) ? k : best;
                    }
                    correct += best == b.labels().getInt(i) ? 1 : 0;
                }
            }
        }
        return (double) correct / d.size();
    }
}
