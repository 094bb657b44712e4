/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.train.EpochProgress;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.bench.train.TrainDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench train-demo}: {@link TrainDemo#run} from the command line — trains a small ResNet v2
 * (resnet_v2_50's block table at a reduced base depth) on synthetic gratings it generates itself, prints the loss and
 * accuracy of every epoch, and saves a checkpoint with a {@link NetworkDescriptor} next to it, so that {@code
 * export --checkpoint PREFIX} turns it into a SavedModel without further options.
 */
@Command(
        name = "train-demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a small ResNet v2 on synthetic images it generates; save a checkpoint for 'export'.",
            "The network is resnet_v2_50's blocks at base depth --base-depth (scope resnet_v2); the data are oriented"
                    + " gratings generated from --seed (no downloads); training is slim's train_image_classifier.py:"
                    + " training-mode batch norm, momentum, weight decay, update ops.",
            "Prints one line per epoch (mean loss and accuracy of its steps, held-out accuracy of the inference graph),"
                    + " then saves PREFIX.index/.data-* and PREFIX.network.json; 'export --checkpoint PREFIX --out DIR'"
                    + " exports it."
        })
public final class TrainDemoCommand extends BenchCommand {

    @Option(
            names = "--epochs",
            defaultValue = "5",
            description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Mixin
    SharedOptions.BatchSize batchSize = new SharedOptions.BatchSize(16);

    @Mixin
    SharedOptions.ImageSize imageSize = new SharedOptions.ImageSize(64);

    @Option(
            names = "--checkpoint",
            paramLabel = "PREFIX",
            defaultValue = "train-demo/model.ckpt",
            description =
                    "Where to save: PREFIX.index, PREFIX.data-00000-of-00001 and PREFIX.network.json; its folder is"
                            + " created (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--force", description = "Replace an existing checkpoint at PREFIX.")
    boolean force;

    @Mixin
    SharedOptions.Seed seed = new SharedOptions.Seed();

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

    @Option(
            names = "--learning-rate",
            defaultValue = "0.05",
            description = "The momentum optimizer's learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--momentum",
            defaultValue = "0.9",
            description = "The momentum, in [0, 1) (default: slim's ${DEFAULT-VALUE}).")
    double momentum;

    @Option(
            names = "--batch-norm-decay",
            defaultValue = "0.9",
            description =
                    "Moving-average decay; slim's 0.997 needs far more steps to settle (default: ${DEFAULT-VALUE}).")
    double batchNormDecay;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.0001",
            description = "L2 weight decay (default: slim's ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = {"--quiet", "-q"},
            description = "Only the epoch lines and the result: no progress on stderr.")
    boolean quiet;

    /** The options as {@link TrainDemo.Options}, validated with the options' names. */
    TrainDemo.Options options() {
        return new TrainDemo.Options(
                imageSize.value,
                batchSize.value,
                epochs,
                trainExamples,
                evalExamples,
                numClasses,
                baseDepth,
                learningRate,
                momentum,
                batchNormDecay,
                weightDecay,
                seed.value,
                checkpoint);
    }

    @Override
    protected int run() throws Exception {
        TrainDemo.Options options = options();
        checkCheckpoint(checkpoint, force);
        NetworkDescriptor descriptor = NetworkDescriptor.of(TrainDemo.network(options), "resnet-bench train-demo");

        out().printf(
                        Locale.ROOT,
                        "training %s on %d synthetic %dx%d gratings (%d classes, %d held out), batch %d,"
                                + " %d steps per epoch, %d epochs, learning rate %s, momentum %s%n",
                        descriptor.describe(),
                        trainExamples,
                        imageSize.value,
                        imageSize.value,
                        numClasses,
                        evalExamples,
                        batchSize.value,
                        options.stepsPerEpoch(),
                        epochs,
                        learningRate,
                        momentum);
        out().flush();
        EpochProgress.Style style = quiet
                ? EpochProgress.Style.NONE
                : Progress.interactive() ? EpochProgress.Style.BAR : EpochProgress.Style.LINES;
        EpochProgress progress = new EpochProgress(out(), err(), style, epochs);
        progress.starting("building the training and evaluation graphs, initializing");
        List<TrainDemo.EpochResult> epochs;
        try {
            epochs = TrainDemo.run(options, progress);
        } finally {
            progress.clear();
        }
        descriptor.writeFor(checkpoint);
        Path prefix = checkpoint.toAbsolutePath();
        String name = prefix.getFileName().toString();
        out().println("saved checkpoint " + prefix + " at global step "
                + epochs.get(epochs.size() - 1).globalStep() + ": " + name + ".index, "
                + name + ".data-00000-of-00001, "
                + NetworkDescriptor.fileFor(prefix).getFileName());
        out().println("export it: resnet-bench export --checkpoint " + checkpoint + " --out DIR");
        out().flush();
        return 0;
    }

    /**
     * Checks, before training, that the checkpoint can be saved: the prefix names a file in a folder that exists or
     * can be created, and holds no checkpoint unless {@code force}.
     */
    static void checkCheckpoint(Path prefix, boolean force) {
        Path abs = prefix.toAbsolutePath();
        if (prefix.getFileName() == null || Files.isDirectory(abs)) {
            throw new IllegalArgumentException("--checkpoint: '" + prefix + "' is a directory; give a prefix such as "
                    + prefix.resolve("model.ckpt"));
        }
        Path index = Path.of(abs + ".index");
        if (Files.exists(index) && !force) {
            throw new IllegalArgumentException(
                    "--checkpoint: a checkpoint exists at " + prefix + " (" + index + "); use --force to replace it");
        }
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--checkpoint: cannot create the folder of '" + prefix + "' ("
                    + (dir == null ? "no existing parent" : dir + " is not a folder") + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("--checkpoint: cannot write in '" + dir + "'");
        }
    }
}
