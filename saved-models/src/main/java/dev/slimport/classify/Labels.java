/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of a model's classes, by class index: slim's 1001-way ImageNet list ({@link #imagenet()}) or a file with
 * one label per line ({@link #read}).
 *
 * <p>{@link #imagenet()} is the resource {@code imagenet_slim_labels.txt} beside this class: index 0 {@code
 * background}, then the 1000 ILSVRC-2012 classes in sorted-synset order, the index order of slim's ImageNet
 * checkpoints — slim's {@code datasets/imagenet.py:create_readable_names_for_imagenet_labels} ({@code labels_to_names
 * = {0: 'background'}}, then label {@code i + 1} for the {@code i}-th synset). The names are torchvision's
 * {@code _IMAGENET_CATEGORIES} from Debian's {@code python3-torchvision} 0.14.1-2 (BSD-3-Clause); the file {@code
 * PROVENANCE} beside it says how it was generated.
 *
 * <p>A model's class count must equal the number of labels ({@link #checkCount}); the ImageNet list also serves
 * 1000-class models by dropping {@code background}, as slim's {@code eval_image_classifier.py --labels_offset=1}
 * does ({@link #imagenetFor}).
 */
public final class Labels {

    /** The resource name of slim's ImageNet labels, beside this class. */
    public static final String IMAGENET_RESOURCE = "imagenet_slim_labels.txt";

    /** The number of labels in slim's ImageNet list: background + 1000 classes. */
    public static final int IMAGENET_SIZE = 1001;

    private static final Labels IMAGENET = loadImagenet();

    private final List<String> names;
    private final String source;

    private Labels(List<String> names, String source) {
        this.names = List.copyOf(names);
        this.source = source;
    }

    /**
     * Labels from a list.
     *
     * @param names the label of class 0, 1, ...; none blank, none spanning lines
     * @param source what they are, for messages (e.g. a file name)
     * @throws IllegalArgumentException if the list is empty or a label is blank or contains a line break
     */
    public static Labels of(List<String> names, String source) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("labels: at least one label is required");
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || n.isBlank() || n.indexOf('\n') >= 0 || n.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("labels: label " + i + " of " + source
                        + " must be one non-blank line, got " + (n == null ? "null" : "'" + n + "'"));
            }
        }
        return new Labels(names, source);
    }

    /** slim's 1001-way ImageNet labels: index 0 {@code background}, 1 {@code tench}, ..., 1000 {@code toilet tissue}. */
    public static Labels imagenet() {
        return IMAGENET;
    }

    /**
     * The ImageNet labels for a model with {@code numClasses} classes: all 1001 for slim's checkpoints, the 1000
     * without {@code background} for a 1000-class model (slim's {@code --labels_offset=1}, used for "ResNet
     * architectures which do not use a background class").
     *
     * @throws IllegalArgumentException naming {@code labels} for any other count
     */
    public static Labels imagenetFor(int numClasses) {
        if (numClasses == IMAGENET_SIZE) {
            return IMAGENET;
        }
        if (numClasses == IMAGENET_SIZE - 1) {
            return new Labels(IMAGENET.names.subList(1, IMAGENET_SIZE), IMAGENET.source + " without background");
        }
        return IMAGENET.checkCount(numClasses);
    }

    /**
     * Reads a labels file: UTF-8, one label per line, line {@code n + 1} naming class {@code n}; surrounding
     * whitespace is stripped, a byte-order mark and a final line break are ignored, {@code \r\n} line ends are
     * accepted.
     *
     * @throws IllegalArgumentException naming {@code labels} and the line if the file does not exist, is not
     *     UTF-8, is empty, or has an empty line
     * @throws UncheckedIOException if it cannot be read
     */
    public static Labels read(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("labels: a file is required");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("labels: " + file + " does not exist");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(
                        "labels: " + file + " is a directory; give a file with one label" + " per line");
            }
            throw new UncheckedIOException("cannot read labels file " + file, e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses {@link #read}'s format from {@code bytes}. */
    static Labels parse(byte[] bytes, String source) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("labels: " + source + " is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("labels: " + source + " is empty; it needs one label per line");
        }
        List<String> names = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String n = lines.get(i).strip();
            if (n.isEmpty()) {
                throw new IllegalArgumentException("labels: line " + (i + 1) + " of " + source
                        + " is empty; every line names one class (line n+1 = class n)");
            }
            names.add(n);
        }
        return new Labels(names, source);
    }

    /** The number of labels. */
    public int size() {
        return names.size();
    }

    /**
     * The label of class {@code index}.
     *
     * @throws IndexOutOfBoundsException outside {@code 0 .. size() - 1}
     */
    public String get(int index) {
        return names.get(index);
    }

    /** All labels, by class index (unmodifiable). */
    public List<String> names() {
        return names;
    }

    /** Where the labels come from: a file name, or the resource. */
    public String source() {
        return source;
    }

    /**
     * This object if it has exactly {@code numClasses} labels.
     *
     * @throws IllegalArgumentException starting {@code labels:}, giving both counts and the way out, otherwise
     */
    public Labels checkCount(int numClasses) {
        if (numClasses == names.size()) {
            return this;
        }
        throw new IllegalArgumentException("labels: " + source + " has " + names.size() + " labels, but the model has "
                + numClasses + " classes; give a labels file (--labels FILE) with " + numClasses
                + " lines, one label per class in class-index order");
    }

    @Override
    public String toString() {
        return names.size() + " labels from " + source;
    }

    private static Labels loadImagenet() {
        try (InputStream in = Labels.class.getResourceAsStream(IMAGENET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + IMAGENET_RESOURCE + " is missing beside "
                        + Labels.class.getName() + "; the jar is incomplete");
            }
            Labels l = parse(in.readAllBytes(), "slim's ImageNet labels (" + IMAGENET_RESOURCE + ")");
            if (l.size() != IMAGENET_SIZE || !l.get(0).equals("background")) {
                throw new IllegalStateException("resource " + IMAGENET_RESOURCE + " is damaged: " + l.size()
                        + " labels, first '" + l.get(0) + "'");
            }
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + IMAGENET_RESOURCE, e);
        }
    }
}
