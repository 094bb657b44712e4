/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.classify.LabelledImages;
import dev.slimport.classify.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The labelled-data options of {@code eval} and {@code train}, declared once: {@code --data} (an image-folder tree,
 * TFRecord files, or a directory of them) and {@code --labels-offset}. {@link #read} indexes the set with one label
 * rule for both commands ({@link LabelledImages}: folders by sorted position, slim's background offset, ImageNet
 * synsets or by name through a labels file; TFRecord labels minus the offset).
 */
public final class DataOptions {

    private static final Map<String, String> OPTION_NAMES =
            Map.of("data", "--data", "labels", "--labels", "labelsOffset", "--labels-offset");

    @Option(
            names = "--data",
            required = true,
            arity = "1..*",
            paramLabel = "DIR|FILE",
            description = "An image-folder tree DIR/<class>/<image> (JPEG, PNG, GIF, BMP; sorted class folders ->"
                    + " labels, or mapped by name through --labels), slim's TFRecord files (image/encoded,"
                    + " image/class/label), or a directory of them.")
    List<Path> data;

    @Option(
            names = "--labels-offset",
            paramLabel = "N",
            defaultValue = "0",
            description = "slim's --labels_offset: subtracted from each TFRecord label (1 for a 1000-class model on"
                    + " ImageNet records labelled 1..1000) (default: ${DEFAULT-VALUE}).")
    int labelsOffset;

    /**
     * The set for a model of {@code classes} classes: folders mapped through the labels file {@code labels} when
     * given (it must have one line per class), else through {@code defaults} (the model's own labels; null: none).
     *
     * @throws IllegalArgumentException (a usage error) naming {@code --data}, {@code --labels} or {@code
     *     --labels-offset}
     */
    LabelledImages read(int classes, Path labels, List<String> defaults) throws IOException {
        try {
            LabelledImages.Builder b = LabelledImages.builder(classes).labelsOffset(labelsOffset);
            if (labels != null) {
                b.labels(Labels.read(labels).checkCount(classes).names());
            } else {
                b.defaultLabels(defaults);
            }
            return b.build(data);
        } catch (IllegalArgumentException e) {
            throw BenchCommand.optionNamed(e, OPTION_NAMES::get);
        }
    }

    /** {@link Labels#read} with its errors naming {@code --labels}. */
    static Labels readLabels(Path labels) throws IOException {
        try {
            return Labels.read(labels);
        } catch (IllegalArgumentException e) {
            throw BenchCommand.optionNamed(e, OPTION_NAMES::get);
        }
    }
}
