/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.train.EpochProgress;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.bench.train.TrainDemo;
import java.nio.file.Path;
import java.util.List;
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

    @Mixin
    TrainDemo.Options options = new TrainDemo.Options();

    @Option(
            names = {"--quiet", "-q"},
            description = "Only the epoch lines and the result: no progress on stderr.")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        options.validate();
        Path checkpoint = options.checkpoint();
        NetworkDescriptor descriptor = NetworkDescriptor.of(TrainDemo.network(options), "resnet-bench train-demo");
        out().println(options.plan(descriptor.describe()));
        out().flush();
        EpochProgress.Style style = quiet
                ? EpochProgress.Style.NONE
                : Progress.interactive() ? EpochProgress.Style.BAR : EpochProgress.Style.LINES;
        EpochProgress progress = new EpochProgress(out(), err(), style, options.epochs());
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
}
