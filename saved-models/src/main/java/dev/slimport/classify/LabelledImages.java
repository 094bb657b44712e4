/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * A labelled image set read as a stream with bounded memory — one image's bytes at a time, whatever the set's size:
 * either an image-folder tree or TFRecord files in slim's ImageNet format. What slim's {@code
 * eval_image_classifier.py} gets from its {@code dataset_factory} dataset: (encoded image, label) pairs.
 *
 * <p><b>Image-folder tree</b> {@code DIR/<class>/<image>}: the class folders are DIR's subfolders (hidden ones
 * skipped) in sorted order; images are the files under each (subfolders included, sorted) whose extension is one of
 * {@link #IMAGE_EXTENSIONS} (case-insensitive), what TF's {@code decode_image} reads. Other files are skipped and
 * named in {@link #warnings()}; an empty class folder keeps its label and is named there too. A folder's label is,
 * in this order:
 * <ol>
 *   <li>with {@code labels} (a labels file, one per line, line n = class n): the label whose text equals the folder
 *       name, or whose first comma-separated name does (slim's {@code "tench, Tinca tinca"}), ignoring case and
 *       reading {@code _} as a space; a synset-named folder ({@code n01440764}) that no line names maps through
 *       {@link #imagenetSynsets()} when the labels are ImageNet's 1000 or 1001;
 *   <li>without labels, when every folder is one of the 1000 ILSVRC-2012 synsets and the model has 1000 or 1001
 *       classes: slim's index — the synset's position in the sorted list ({@link #imagenetSynsets()}), plus 1 for a
 *       1001-class model, whose index 0 is slim's background class ({@code datasets/imagenet.py}, {@code
 *       create_readable_names_for_imagenet_labels}; {@code build_imagenet_data.py} leaves label 0 to the
 *       background). The folders may be any subset of the 1000;
 *   <li>otherwise the sorted position of the folder: 0-based when the model has as many classes as there are
 *       folders, 1-based when it has one more — slim's background offset: index 0 is the background class, which has
 *       no folder (the layout of a model trained with slim's {@code labels_offset} 0 on a data set with a background
 *       class);
 *   <li>otherwise, with {@code defaultLabels} (the model's own, such as slim's ImageNet labels), by name as in 1;
 *       failing that, an error that asks for {@code labels}.
 * </ol>
 *
 * <p><b>TFRecord files</b> as slim's {@code download_and_convert_*} scripts and {@code build_imagenet_data.py} write
 * them (read by {@code datasets/imagenet.py}'s {@code TFExampleDecoder}): each record a {@code tf.train.Example}
 * with {@code image/encoded} (bytes), {@code image/format} (optional; {@code raw} pixel records are refused) and
 * {@code image/class/label} (int64; ImageNet's are 1..1000 with 0 the background, matching 1001-class models).
 * {@code labelsOffset} is subtracted from each label, as slim's {@code --labels_offset} does for models without the
 * background class ({@code eval_image_classifier.py}: {@code label -= FLAGS.labels_offset}). {@code
 * image/filename} and {@code image/class/text}, when present, name the record and its class. Records are read by
 * {@link TFRecordReader} (both CRCs checked).
 *
 * <p>Problems of one example (a file that cannot be read, a corrupt record, a label out of range) come out of the
 * stream as {@linkplain LabelledImage#unreadable unreadable} examples and the rest is still read; a set with no
 * example at all, or an argument that cannot work, is an {@link IllegalArgumentException} naming the argument
 * ({@code data:}, {@code labels:}, {@code labelsOffset:}).
 */
public final class LabelledImages {

    /** The extensions of the files an image-folder tree's class folders contribute (TF's decode_image formats). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

    /** A file larger than this is reported unreadable instead of being read into memory. */
    public static final long MAX_IMAGE_BYTES = 64L << 20;

    private static final Pattern SYNSET = Pattern.compile("n[0-9]{8}");
    private static final int MAX_NAMED = 5;

    /** What the set was read from. */
    public enum Kind {
        /** {@code DIR/<class>/<image>}. */
        IMAGE_FOLDERS,
        /** TFRecord files of {@code tf.train.Example}s. */
        TFRECORDS
    }

    private final Kind kind;
    private final int numClasses;
    private final List<Path> files;
    private final int[] fileLabels;
    private final long size;
    private final int labelsOffset;
    private final String mapping;
    private final List<String> warnings;
    private final String[] classNames;
    private final Map<String, Integer> classFolders;

    private LabelledImages(
            Kind kind,
            int numClasses,
            List<Path> files,
            int[] fileLabels,
            long size,
            int labelsOffset,
            String mapping,
            List<String> warnings,
            String[] classNames,
            Map<String, Integer> classFolders) {
        this.kind = kind;
        this.numClasses = numClasses;
        this.files = files;
        this.fileLabels = fileLabels;
        this.size = size;
        this.labelsOffset = labelsOffset;
        this.mapping = mapping;
        this.warnings = List.copyOf(warnings);
        this.classNames = classNames;
        this.classFolders = classFolders;
    }

    /** A builder for a model with {@code numClasses} outputs (the label indices must fall in 0..numClasses-1). */
    public static Builder builder(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses: must be >= 1 (a model with logits), got " + numClasses);
        }
        return new Builder(numClasses);
    }

    /** The options of a {@link LabelledImages} set. */
    public static final class Builder {
        private final int numClasses;
        private List<String> labels;
        private List<String> defaultLabels;
        private int labelsOffset;

        private Builder(int numClasses) {
            this.numClasses = numClasses;
        }

        /**
         * The model's labels (line n = class n; for example {@code Labels.read(path)}): image folders are mapped to
         * indices by name (see the class comment) and classes are named by them. Must have one per class.
         */
        public Builder labels(List<String> value) {
            if (value != null && value.size() != numClasses) {
                throw new IllegalArgumentException("labels: " + value.size() + " labels for a model with " + numClasses
                        + " classes; the labels file needs one line per class");
            }
            labels = value == null ? null : List.copyOf(value);
            return this;
        }

        /**
         * The model's own labels when none were given (for example slim's ImageNet labels for a 1001-class model):
         * they name the classes, and map image folders by name only when neither synset ids nor the sorted order
         * fit the model's class count.
         */
        public Builder defaultLabels(List<String> value) {
            defaultLabels = value == null || value.size() != numClasses ? null : List.copyOf(value);
            return this;
        }

        /** slim's {@code labels_offset}: subtracted from every TFRecord label (default 0). */
        public Builder labelsOffset(int value) {
            labelsOffset = value;
            return this;
        }

        /**
         * Reads the set's index: {@code data} is one directory (an image-folder tree) or one or more TFRecord files.
         * Only the file list (and, for TFRecords, the record headers) is read here.
         */
        public LabelledImages build(List<Path> data) throws IOException {
            Objects.requireNonNull(data, "data");
            if (data.isEmpty()) {
                throw new IllegalArgumentException("data: give a directory DIR/<class>/<image> or TFRecord files");
            }
            for (Path p : data) {
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("data: " + p + " does not exist");
                }
            }
            if (Files.isDirectory(data.get(0))) {
                if (data.size() > 1) {
                    throw new IllegalArgumentException("data: one directory (DIR/<class>/<image>) or TFRecord files,"
                            + " got " + data.size() + " paths starting with the directory " + data.get(0));
                }
                boolean classFolders;
                try (Stream<Path> s = Files.list(data.get(0))) {
                    classFolders = s.anyMatch(p -> !hidden(p) && Files.isDirectory(p));
                }
                if (labelsOffset != 0 && classFolders) {
                    throw new IllegalArgumentException(
                            "labelsOffset: applies to TFRecord labels only; an image-folder tree's labels come from"
                                    + " its folders");
                }
                return folders(data.get(0));
            }
            for (Path p : data) {
                if (Files.isDirectory(p)) {
                    throw new IllegalArgumentException(
                            "data: " + p + " is a directory; give one directory alone, or TFRecord files");
                }
            }
            return tfRecords(data);
        }

        private LabelledImages folders(Path dir) throws IOException {
            List<Path> classDirs = new ArrayList<>();
            List<Path> loose = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    if (hidden(p)) {
                        continue;
                    }
                    (Files.isDirectory(p) ? classDirs : loose).add(p);
                }
            }
            List<String> warnings = new ArrayList<>();
            if (classDirs.isEmpty()) {
                List<Path> records =
                        loose.stream().filter(LabelledImages::looksLikeTFRecord).toList();
                if (!records.isEmpty()) {
                    LabelledImages set = tfRecords(records);
                    List<Path> others =
                            loose.stream().filter(p -> !records.contains(p)).toList();
                    if (others.isEmpty()) {
                        return set;
                    }
                    List<String> w = new ArrayList<>(set.warnings);
                    w.add(others.size() + " files in " + dir + " that are not TFRecord files ignored: "
                            + names(others, dir));
                    return new LabelledImages(
                            set.kind,
                            set.numClasses,
                            set.files,
                            null,
                            set.size,
                            set.labelsOffset,
                            set.mapping + " in " + dir,
                            w,
                            set.classNames,
                            set.classFolders);
                }
                throw new IllegalArgumentException("data: " + dir + " has no class folders (expected DIR/<class>/"
                        + "<image>" + (loose.isEmpty() ? "; it is empty" : "; it holds " + loose.size() + " files")
                        + ")");
            }
            if (!loose.isEmpty()) {
                warnings.add(loose.size() + " files directly in " + dir + " ignored (not in a class folder): "
                        + names(loose, dir));
            }
            Map<String, List<Path>> images = new LinkedHashMap<>();
            List<Path> skipped = new ArrayList<>();
            for (Path c : classDirs) {
                List<Path> found = new ArrayList<>();
                try (Stream<Path> s = Files.walk(c)) {
                    for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                        if (hiddenUnder(c, p)) {
                            continue;
                        }
                        (IMAGE_EXTENSIONS.contains(extension(p)) ? found : skipped).add(p);
                    }
                }
                images.put(c.getFileName().toString(), found);
            }
            if (!skipped.isEmpty()) {
                warnings.add(skipped.size() + " files without an image extension (" + extensions() + ") skipped: "
                        + names(skipped, dir));
            }
            List<String> empty = images.entrySet().stream()
                    .filter(e -> e.getValue().isEmpty())
                    .map(Map.Entry::getKey)
                    .toList();
            int total = images.values().stream().mapToInt(List::size).sum();
            if (total == 0) {
                throw new IllegalArgumentException("data: no images in " + dir + " (" + classDirs.size()
                        + " class folders, none with a file named *." + String.join(", *.", sortedExtensions())
                        + (skipped.isEmpty() ? "" : "; " + skipped.size() + " other files") + ")");
            }
            for (String e : empty) {
                warnings.add("class folder '" + e + "' has no images");
            }
            String[] names = new String[numClasses];
            Map<String, Integer> folderLabels = new LinkedHashMap<>();
            String mapping = mapFolders(new ArrayList<>(images.keySet()), folderLabels, names, dir);
            List<Path> files = new ArrayList<>(total);
            int[] labelsOfFiles = new int[total];
            for (Map.Entry<String, List<Path>> e : images.entrySet()) {
                int label = folderLabels.get(e.getKey());
                for (Path p : e.getValue()) {
                    labelsOfFiles[files.size()] = label;
                    files.add(p);
                }
            }
            return new LabelledImages(
                    Kind.IMAGE_FOLDERS,
                    numClasses,
                    List.copyOf(files),
                    labelsOfFiles,
                    total,
                    0,
                    mapping,
                    warnings,
                    names,
                    Collections.unmodifiableMap(folderLabels));
        }

        /** Fills {@code out} (folder -> label) and {@code names}; returns the one-line description of the mapping. */
        private String mapFolders(List<String> folders, Map<String, Integer> out, String[] names, Path dir) {
            int k = folders.size();
            List<String> synsets = imagenetSynsets();
            Map<String, Integer> synsetIndex = new HashMap<>();
            for (int i = 0; i < synsets.size(); i++) {
                synsetIndex.put(synsets.get(i), i);
            }
            if (labels != null) {
                return mapByLabels(folders, labels, out, names, synsetIndex, synsets);
            }
            boolean allSynsets = folders.stream().allMatch(synsetIndex::containsKey);
            if (allSynsets && (numClasses == 1000 || numClasses == 1001)) {
                int offset = numClasses - 1000;
                for (String f : folders) {
                    out.put(f, synsetIndex.get(f) + offset);
                    int index = synsetIndex.get(f) + offset;
                    names[index] = defaultLabels != null ? defaultLabels.get(index) : f;
                }
                return k + " synset folders mapped to slim's ImageNet indices (sorted synsets"
                        + (offset == 1 ? ", 1..1000; 0 is the background class)" : ", 0..999)");
            }
            int offset;
            if (numClasses == k) {
                offset = 0;
            } else if (numClasses == k + 1) {
                offset = 1;
            } else if (defaultLabels != null) {
                try {
                    return mapByLabels(folders, defaultLabels, out, names, synsetIndex, synsets)
                            .replace("through the labels", "through the model's labels");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("data: " + dir + " has " + k + " class folders but the model"
                            + " has " + numClasses + " classes, and the folder names are not its labels ("
                            + e.getMessage().replaceFirst("^labels: ", "") + "); map the folders with labels");
                }
            } else {
                throw new IllegalArgumentException("data: " + dir + " has " + k + " class folders but the model has "
                        + numClasses + " classes (sorted folders need " + k + ", or " + (k + 1)
                        + " with slim's background class 0); map the folders to the model's classes with labels");
            }
            for (int i = 0; i < k; i++) {
                out.put(folders.get(i), i + offset);
                names[i + offset] = folders.get(i);
            }
            if (offset == 1) {
                names[0] = "background";
            }
            return k + " class folders in sorted order -> labels " + offset + ".." + (k - 1 + offset)
                    + (offset == 1 ? " (label 0 is slim's background class, which has no folder)" : "");
        }

        /** Maps {@code folders} by name through {@code labels} (see the class comment). */
        private String mapByLabels(
                List<String> folders,
                List<String> labels,
                Map<String, Integer> out,
                String[] names,
                Map<String, Integer> synsetIndex,
                List<String> synsets) {
            int k = folders.size();
            Map<String, List<Integer>> byName = new HashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                String full = normalize(labels.get(i));
                byName.computeIfAbsent(full, x -> new ArrayList<>()).add(i);
                int comma = full.indexOf(',');
                if (comma > 0) {
                    String first = full.substring(0, comma).trim();
                    if (!first.equals(full)) {
                        byName.computeIfAbsent(first, x -> new ArrayList<>()).add(i);
                    }
                }
            }
            int synsetOffset = labels.size() - synsets.size();
            List<String> unmatched = new ArrayList<>();
            int bySynset = 0;
            for (String f : folders) {
                List<Integer> hits = byName.getOrDefault(normalize(f), List.of());
                hits = hits.stream().distinct().toList();
                if (hits.size() > 1) {
                    throw new IllegalArgumentException("labels: class folder '" + f + "' matches "
                            + hits.size() + " labels (indices " + hits + "); rename the folder to one label's"
                            + " full text");
                }
                if (hits.size() == 1) {
                    out.put(f, hits.get(0));
                } else if (synsetIndex.containsKey(f) && (synsetOffset == 0 || synsetOffset == 1)) {
                    out.put(f, synsetIndex.get(f) + synsetOffset);
                    bySynset++;
                } else {
                    unmatched.add(f);
                }
            }
            if (!unmatched.isEmpty()) {
                throw new IllegalArgumentException("labels: " + unmatched.size() + " of " + k
                        + " class folders match no label: " + String.join(", ", first(unmatched))
                        + " (a folder is named by a label's text, its first comma-separated name, or an"
                        + " ImageNet synset id)");
            }
            checkDistinct(out);
            for (Map.Entry<String, Integer> e : out.entrySet()) {
                names[e.getValue()] = labels.get(e.getValue());
            }
            return k + " class folders mapped by name through the labels"
                    + (bySynset > 0
                            ? " (" + bySynset + " by ImageNet synset id, slim's sorted order"
                                    + (synsetOffset == 1 ? " after background 0" : "") + ")"
                            : "");
        }

        private LabelledImages tfRecords(List<Path> data) throws IOException {
            long total = 0;
            List<String> warnings = new ArrayList<>();
            String firstProblem = null;
            for (Path p : data) {
                long[] n = new long[1];
                String problem = countRecords(p, n);
                total += n[0];
                if (problem != null) {
                    firstProblem = firstProblem == null ? problem : firstProblem;
                }
            }
            if (total == 0) {
                throw new IllegalArgumentException("data: no TFRecord records in " + names(data, null)
                        + (firstProblem == null ? "" : " (" + firstProblem + ")"));
            }
            String[] names = new String[numClasses];
            if (labels != null || defaultLabels != null) {
                (labels != null ? labels : defaultLabels).toArray(names);
            }
            return new LabelledImages(
                    Kind.TFRECORDS,
                    numClasses,
                    List.copyOf(data),
                    null,
                    total,
                    labelsOffset,
                    data.size() + " TFRecord files, image/class/label"
                            + (labelsOffset == 0 ? " as the label" : " - " + labelsOffset + " (labels offset)"),
                    warnings,
                    names,
                    Map.of());
        }

        private void checkDistinct(Map<String, Integer> out) {
            Map<Integer, String> seen = new TreeMap<>();
            for (Map.Entry<String, Integer> e : out.entrySet()) {
                String other = seen.put(e.getValue(), e.getKey());
                if (other != null) {
                    throw new IllegalArgumentException("labels: class folders '" + other + "' and '" + e.getKey()
                            + "' both map to label " + e.getValue());
                }
            }
        }
    }

    /** Counts {@code p}'s good records into {@code n[0]}; returns the problem that ended the count, or null. */
    private static String countRecords(Path p, long[] n) {
        try (TFRecordReader r = TFRecordReader.open(p)) {
            // Count by headers only where the framing is sound; a broken file is counted up to its break.
            try {
                n[0] = TFRecordReader.count(p);
                return null;
            } catch (IOException broken) {
                long good = 0;
                try {
                    while (r.next() != null) {
                        good++;
                    }
                } catch (TFRecordReader.Corrupt c) {
                    // counted up to the break
                }
                n[0] = good;
                return broken.getMessage();
            }
        } catch (IOException e) {
            n[0] = 0;
            return e.getMessage();
        }
    }

    /**
     * The 1000 ILSVRC-2012 synset ids in sorted order ({@code imagenet_synsets.txt}, with its provenance file beside
     * it): position i is slim's label i+1 in a 1001-class model, the order of slim's {@code
     * imagenet_lsvrc_2015_synsets.txt}.
     */
    public static List<String> imagenetSynsets() {
        return Synsets.LIST;
    }

    private static final class Synsets {
        static final List<String> LIST = load();

        private static List<String> load() {
            try (InputStream in = LabelledImages.class.getResourceAsStream("imagenet_synsets.txt")) {
                if (in == null) {
                    throw new IllegalStateException("resource imagenet_synsets.txt missing from the class path");
                }
                List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
                if (lines.size() != 1000) {
                    throw new IllegalStateException("imagenet_synsets.txt has " + lines.size() + " lines, not 1000");
                }
                return lines;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What the set was read from. */
    public Kind kind() {
        return kind;
    }

    /** The model's class count the labels were checked against. */
    public int numClasses() {
        return numClasses;
    }

    /** The number of examples: image files, or TFRecord records (up to a file's first broken record). */
    public long size() {
        return size;
    }

    /** How labels were assigned, in one line (for reports). */
    public String mapping() {
        return mapping;
    }

    /** What was skipped or looks wrong but did not stop the set: files ignored, empty class folders. */
    public List<String> warnings() {
        return warnings;
    }

    /** An image-folder tree's class folders and their labels, in sorted folder order (empty for TFRecords). */
    public Map<String, Integer> classFolders() {
        return classFolders;
    }

    /**
     * The name of class {@code label}: its folder or label text; for TFRecords the labels given, else the {@code
     * image/class/text} of the records read so far; null when unknown.
     */
    public String className(int label) {
        return label >= 0 && label < classNames.length ? classNames[label] : null;
    }

    /**
     * An image-folder tree's image files, in the order of {@link #reader()} (empty for TFRecords); {@link
     * #imageLabels()} gives their labels. What an in-graph input pipeline reads ({@link ImageTraining}).
     */
    public List<Path> imageFiles() {
        return kind == Kind.IMAGE_FOLDERS ? List.copyOf(files) : List.of();
    }

    /** The TFRecord files of the set, in reading order (empty for an image-folder tree). */
    public List<Path> recordFiles() {
        return kind == Kind.TFRECORDS ? files : List.of();
    }

    /** slim's {@code labels_offset} subtracted from every TFRecord label (0 for image folders). */
    public int labelsOffset() {
        return labelsOffset;
    }

    /** The labels of {@link #imageFiles()}, index by index (a copy). */
    public int[] imageLabels() {
        return kind == Kind.IMAGE_FOLDERS ? fileLabels.clone() : new int[0];
    }

    /** A new pass over the examples, in order (folders: sorted; TFRecords: file by file, record by record). */
    public Reader reader() {
        return kind == Kind.IMAGE_FOLDERS ? new FolderReader() : new RecordReader();
    }

    /** One pass over the examples; close it to release the open file. Not thread-safe. */
    public abstract static class Reader implements Iterator<LabelledImage>, AutoCloseable {
        private LabelledImage next;

        Reader() {}

        /** The next example, or null at the end. */
        abstract LabelledImage read();

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = read();
            }
            return next != null;
        }

        @Override
        public LabelledImage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            LabelledImage n = next;
            next = null;
            return n;
        }

        @Override
        public void close() {}
    }

    private final class FolderReader extends Reader {
        private int i;

        @Override
        LabelledImage read() {
            if (i >= files.size()) {
                return null;
            }
            Path p = files.get(i);
            int label = fileLabels[i++];
            String source = p.toString();
            try {
                long bytes = Files.size(p);
                if (bytes > MAX_IMAGE_BYTES) {
                    return LabelledImage.unreadable(
                            source, label, bytes + " bytes, more than the " + (MAX_IMAGE_BYTES >> 20) + " MiB allowed");
                }
                if (bytes == 0) {
                    return LabelledImage.unreadable(source, label, "empty file");
                }
                return LabelledImage.of(source, label, Files.readAllBytes(p));
            } catch (IOException e) {
                return LabelledImage.unreadable(source, label, "cannot read: " + e.getMessage());
            }
        }
    }

    private final class RecordReader extends Reader {
        private int file = -1;
        private TFRecordReader current;

        @Override
        LabelledImage read() {
            while (true) {
                if (current == null) {
                    if (++file >= files.size()) {
                        return null;
                    }
                    try {
                        current = TFRecordReader.open(files.get(file));
                    } catch (IOException e) {
                        current = null;
                        return LabelledImage.unreadable(files.get(file).toString(), -1, e.getMessage());
                    }
                }
                long index = current.index();
                String source = files.get(file) + "#" + index;
                byte[] data;
                try {
                    data = current.next();
                } catch (TFRecordReader.Corrupt c) {
                    if (!c.framingIntact()) {
                        closeCurrent();
                        return LabelledImage.unreadable(source, -1, c.getMessage() + "; rest of the file skipped");
                    }
                    return LabelledImage.unreadable(source, -1, c.getMessage());
                } catch (IOException e) {
                    closeCurrent();
                    return LabelledImage.unreadable(source, -1, e.getMessage() + "; rest of the file skipped");
                }
                if (data == null) {
                    closeCurrent();
                    continue;
                }
                return example(source, data);
            }
        }

        private LabelledImage example(String source, byte[] data) {
            Example ex;
            try {
                ex = Example.parseFrom(data);
            } catch (InvalidProtocolBufferException e) {
                return LabelledImage.unreadable(source, -1, "not a tf.train.Example: " + e.getMessage());
            }
            Map<String, Feature> f = ex.getFeatures().getFeatureMap();
            Feature name = f.get("image/filename");
            if (name != null && name.getBytesList().getValueCount() > 0) {
                source += " (" + name.getBytesList().getValue(0).toStringUtf8() + ")";
            }
            Feature label = f.get("image/class/label");
            if (label == null || label.getInt64List().getValueCount() == 0) {
                return LabelledImage.unreadable(source, -1, "no image/class/label (int64) feature");
            }
            long raw = label.getInt64List().getValue(0);
            long index = raw - labelsOffset;
            if (index < 0 || index >= numClasses) {
                return LabelledImage.unreadable(
                        source,
                        -1,
                        "image/class/label " + raw + (labelsOffset == 0 ? "" : " - labels offset " + labelsOffset)
                                + " is outside the model's classes 0.." + (numClasses - 1));
            }
            int li = (int) index;
            Feature text = f.get("image/class/text");
            if (classNames[li] == null && text != null && text.getBytesList().getValueCount() > 0) {
                classNames[li] = text.getBytesList().getValue(0).toStringUtf8();
            }
            Feature format = f.get("image/format");
            if (format != null && format.getBytesList().getValueCount() > 0) {
                String fmt = format.getBytesList().getValue(0).toStringUtf8().toLowerCase(Locale.ROOT);
                if (fmt.equals("raw")) {
                    return LabelledImage.unreadable(
                            source, li, "image/format 'raw' (undecoded pixels); only encoded images are read");
                }
            }
            Feature encoded = f.get("image/encoded");
            if (encoded == null || encoded.getBytesList().getValueCount() == 0) {
                return LabelledImage.unreadable(source, li, "no image/encoded (bytes) feature");
            }
            byte[] bytes = encoded.getBytesList().getValue(0).toByteArray();
            if (bytes.length == 0) {
                return LabelledImage.unreadable(source, li, "image/encoded is empty");
            }
            return LabelledImage.of(source, li, bytes);
        }

        private void closeCurrent() {
            try {
                if (current != null) {
                    current.close();
                }
            } catch (IOException e) {
                // read-only file: nothing to lose
            }
            current = null;
        }

        @Override
        public void close() {
            closeCurrent();
            file = files.size();
        }
    }

    static boolean looksLikeTFRecord(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(12);
            if (h.length < 12) {
                return false;
            }
            int crc = java.nio.ByteBuffer.wrap(h)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt(8);
            return TFRecordReader.maskedCrc32c(h, 0, 8) == crc;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean hiddenUnder(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static List<String> sortedExtensions() {
        return IMAGE_EXTENSIONS.stream().sorted().toList();
    }

    private static String extensions() {
        return sortedExtensions().stream().map(e -> "." + e).collect(Collectors.joining(" "));
    }

    private static String normalize(String s) {
        return s.replace('_', ' ').trim().toLowerCase(Locale.ROOT);
    }

    private static List<String> first(List<String> all) {
        if (all.size() <= MAX_NAMED) {
            return all;
        }
        List<String> out = new ArrayList<>(all.subList(0, MAX_NAMED));
        out.add("... (" + (all.size() - MAX_NAMED) + " more)");
        return out;
    }

    private static String names(List<Path> paths, Path base) {
        return String.join(
                ", ",
                first(paths.stream()
                        .map(p ->
                                base == null ? p.toString() : base.relativize(p).toString())
                        .toList()));
    }
}
