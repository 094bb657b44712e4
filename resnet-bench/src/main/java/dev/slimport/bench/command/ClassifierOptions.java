/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.classify.ImageClassifier;
import dev.slimport.classify.Labels;
import dev.slimport.classify.MovingAverages;
import dev.slimport.classify.SlimCheckpoints;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The model options of {@code classify} (and {@code eval}): {@code --saved-model DIR}, or {@code --checkpoint PREFIX
 * --model M [--num-classes N]}, with {@code --image-size}, {@code --labels} and {@code --batch-size}. {@link #open}
 * validates them and opens the {@link ImageClassifier}; a bad combination is a usage error naming the option.
 *
 * <p>A checkpoint with a {@link NetworkDescriptor} beside it ({@code PREFIX.network.json}, written by {@code
 * train-demo} and {@code train}) names its own network, classes and image size: {@code --model} is refused then, and
 * {@code --num-classes}/{@code --image-size} override the descriptor's only when given.
 */
public final class ClassifierOptions {

    private static final Map<String, String> OPTION_NAMES = Map.of(
            "saved-model", "--saved-model",
            "checkpoint", "--checkpoint",
            "labels", "--labels",
            "image_size", "--image-size",
            "batch_size", "--batch-size",
            "num_classes", "--num-classes",
            "top_k", "--top-k",
            "moving_average_decay", "--moving-average-decay");

    @Option(
            names = "--saved-model",
            paramLabel = "DIR",
            description = "A SavedModel (DIR or DIR/<version>, the highest version): its serving_bytes signature"
                    + " when it has one (preprocessing in the graph), else serving_default fed by this tool's"
                    + " preprocessing.")
    Path savedModel;

    @Option(
            names = "--checkpoint",
            paramLabel = "PREFIX",
            description = "A slim checkpoint (V2 PREFIX.index + .data-*, or a V1 file such as resnet_v2_50.ckpt), or a"
                    + " training folder: the latest checkpoint its 'checkpoint' file names,"
                    + " restored by variable name into --model's inference graph.")
    Path checkpoint;

    @Option(
            names = "--model",
            completionCandidates = Converters.ModelNames.class,
            description = "With --checkpoint: ${COMPLETION-CANDIDATES} (or the depth alone: 50 ...).")
    Depth model;

    @Option(
            names = "--num-classes",
            paramLabel = "N",
            description = "With --checkpoint: the logits' width (default: 1001, slim's ImageNet checkpoints, label 0"
                    + " = background).")
    Integer numClasses;

    @Option(
            names = "--image-size",
            paramLabel = "SIZE",
            description = "Height and width images are preprocessed to: with --checkpoint (default 224, slim's"
                    + " resnet_v2 default) or a SavedModel exported with --dynamic-size; a fixed-size SavedModel uses"
                    + " its own.")
    Integer imageSize;

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "Class labels, one per line (line n+1 = class n), UTF-8 (default: slim's ImageNet labels,"
                    + " 1001 with background, or the 1000 without it for a 1000-class model).")
    Path labels;

    @Option(
            names = "--moving-average-decay",
            paramLabel = "D",
            description = "With --checkpoint: restore every model variable from its exponential moving average"
                    + " <var>/ExponentialMovingAverage (slim's eval --moving_average_decay; train"
                    + " --moving-average-decay writes them). D in (0, 1) is checked, as slim builds its average"
                    + " object from it, but names no key.")
    Double movingAverageDecay;

    @Option(
            names = {"--batch-size", "-b"},
            paramLabel = "N",
            defaultValue = "16",
            description = "Images per network run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /**
     * Opens the classifier these options describe.
     *
     * @throws IllegalArgumentException (a usage error) naming the option for a missing, conflicting or bad option,
     *     a missing model or checkpoint, or labels that do not match the model's classes
     */
    public ImageClassifier open() {
        return open(null);
    }

    /**
     * {@link #open()} with {@code fallback} as the labels when {@code --labels} is not given (null: slim's ImageNet
     * labels for the class count); {@code eval} passes its class folders' names.
     */
    ImageClassifier open(Labels fallback) {
        if ((savedModel == null) == (checkpoint == null)) {
            throw new IllegalArgumentException(
                    savedModel == null
                            ? "--saved-model or --checkpoint: give a model, --saved-model DIR or --checkpoint PREFIX --model M"
                            : "--saved-model: not with --checkpoint; give one of them");
        }
        try {
            ImageClassifier.Options options = ImageClassifier.Options.DEFAULTS
                    .withBatchSize(batchSize)
                    .withLabels(labels == null ? fallback : Labels.read(labels));
            if (savedModel != null) {
                for (var o : Map.of(
                                "--model",
                                model != null,
                                "--num-classes",
                                numClasses != null,
                                "--moving-average-decay",
                                movingAverageDecay != null)
                        .entrySet()) {
                    if (o.getValue()) {
                        throw new IllegalArgumentException(o.getKey() + ": only with --checkpoint; a SavedModel"
                                + " has its own network and classes");
                    }
                }
                return ImageClassifier.open(savedModel, imageSize == null ? options : options.withImageSize(imageSize));
            }
            if (movingAverageDecay != null) {
                MovingAverages.checkDecay("--moving-average-decay", movingAverageDecay);
            }
            return ImageClassifier.fromCheckpoint(checkpoint(), network(), options, movingAverageDecay != null);
        } catch (IllegalArgumentException e) {
            throw BenchCommand.optionNamed(e, OPTION_NAMES::get);
        }
    }

    /**
     * What these options asked for that {@code classifier} does not do: {@code --image-size} with a SavedModel whose
     * input size is fixed, or whose {@code serving_bytes} graph preprocesses to its own size. Empty otherwise.
     */
    public Optional<String> ignoredImageSize(ImageClassifier classifier) {
        if (savedModel == null || imageSize == null) {
            return Optional.empty();
        }
        Optional<int[]> size = classifier.preprocessingSize();
        if (size.isEmpty()) {
            return Optional.of("--image-size " + imageSize + " ignored: the SavedModel's serving_bytes"
                    + " signature preprocesses to its own size");
        }
        int[] hw = size.get();
        return hw[0] == imageSize && hw[1] == imageSize
                ? Optional.empty()
                : Optional.of(
                        "--image-size " + imageSize + " ignored: the SavedModel's input is " + hw[0] + "x" + hw[1]);
    }

    /**
     * {@code --checkpoint}: a training folder gives the latest checkpoint its {@code checkpoint} state file names (as
     * {@code tf.train.latest_checkpoint}); a prefix is itself.
     */
    Path checkpoint() {
        return Files.isDirectory(checkpoint)
                ? SlimCheckpoints.latest(checkpoint)
                        .orElseThrow(() -> new IllegalArgumentException("--checkpoint: " + checkpoint
                                + " is a folder without a '" + SlimCheckpoints.STATE_FILE
                                + "' file naming an existing checkpoint; give a checkpoint prefix"))
                : checkpoint;
    }

    /** The checkpoint's network: its descriptor's, or {@code --model}'s with {@code --num-classes}, {@code --image-size}. */
    NetworkSpec network() {
        Path checkpoint = checkpoint();
        NetworkDescriptor descriptor = NetworkDescriptor.readFor(checkpoint).orElse(null);
        NetworkSpec network;
        if (descriptor != null) {
            if (model != null) {
                throw new IllegalArgumentException("--model: not with this checkpoint: "
                        + NetworkDescriptor.fileFor(checkpoint) + " names its network (" + descriptor.describe()
                        + "); omit --model");
            }
            network = descriptor.network();
        } else {
            if (model == null) {
                throw new IllegalArgumentException("--model: required with --checkpoint (which network the"
                        + " checkpoint holds); allowed: "
                        + Arrays.stream(Depth.values()).map(Depth::scopeName).collect(Collectors.joining(", ")));
            }
            network = NetworkSpec.of(model).withNumClasses(NetworkSpec.IMAGENET_CLASSES);
        }
        if (numClasses != null) {
            if (numClasses < 1) {
                throw new IllegalArgumentException(
                        "--num-classes: must be >= 1 (a classifier needs logits), got " + numClasses);
            }
            network = network.withNumClasses(numClasses);
        }
        if (imageSize != null) {
            if (imageSize < 32 || imageSize > 8192) {
                throw new IllegalArgumentException("--image-size: must be in 32..8192, got " + imageSize);
            }
            network = network.withImageSize(imageSize);
        }
        return network;
    }

    /** The first line {@code classify} and {@code eval} print: {@code model: <model>; labels: <labels>}. */
    static String headerLine(ImageClassifier classifier) {
        return "model: " + classifier.describe() + "; labels: " + classifier.labels();
    }

    /**
     * The same facts as JSON fields, first in the documents of {@code classify} and {@code eval}: {@code model},
     * {@code signature} (null for a checkpoint), {@code labels} (their source), {@code num_classes}.
     */
    static Map<String, Object> header(ImageClassifier classifier) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("model", classifier.describe());
        h.put("signature", classifier.signature().orElse(null));
        h.put("labels", classifier.labels().source());
        h.put("num_classes", classifier.numClasses());
        return h;
    }
}
