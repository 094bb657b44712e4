/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledImagesTest {

    @TempDir
    Path tmp;

    /** Writes {@code DIR/<class>/<name>} with content {@code class/name} so each example identifies itself. */
    private Path file(Path dir, String cls, String name) throws IOException {
        Path p = dir.resolve(cls).resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, cls + "/" + name);
        return p;
    }

    private static List<LabelledImage> all(LabelledImages set) {
        List<LabelledImage> out = new ArrayList<>();
        try (LabelledImages.Reader r = set.reader()) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    private static String content(LabelledImage i) {
        return new String(i.encoded(), StandardCharsets.UTF_8);
    }

    @Test
    void sortedClassFoldersAreZeroBasedLabelsWithAsManyClasses() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "zebra", "1.jpg");
        file(d, "ant", "b.PNG");
        file(d, "ant", "a.jpeg");
        file(d, "moth", "sub/deep.gif");
        file(d, "moth", "x.bmp");
        LabelledImages set = LabelledImages.builder(3).build(List.of(d));
        assertThat(set.kind()).isEqualTo(LabelledImages.Kind.IMAGE_FOLDERS);
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.classFolders())
                .containsExactly(Map.entry("ant", 0), Map.entry("moth", 1), Map.entry("zebra", 2));
        List<LabelledImage> read = all(set);
        assertThat(read)
                .extracting(LabelledImagesTest::content)
                .containsExactly("ant/a.jpeg", "ant/b.PNG", "moth/sub/deep.gif", "moth/x.bmp", "zebra/1.jpg");
        assertThat(read).extracting(LabelledImage::label).containsExactly(0, 0, 1, 1, 2);
        assertThat(read.get(0).source()).isEqualTo(d.resolve("ant/a.jpeg").toString());
        assertThat(set.className(1)).isEqualTo("moth");
        assertThat(set.warnings()).isEmpty();
    }

    @Test
    void oneClassMoreThanFoldersIsSlimsBackgroundOffset() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "b", "1.jpg");
        file(d, "a", "1.jpg");
        LabelledImages set = LabelledImages.builder(3).build(List.of(d));
        assertThat(set.classFolders()).containsExactly(Map.entry("a", 1), Map.entry("b", 2));
        assertThat(set.className(0)).isEqualTo("background");
        assertThat(set.mapping()).contains("label 0 is slim's background class");
        assertThatThrownBy(() -> LabelledImages.builder(5).build(List.of(d)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data: ")
                .hasMessageContaining("has 2 class folders but the model has 5 classes");
    }

    @Test
    void emptyClassFoldersKeepTheirLabelAndNonImagesAreSkippedWithAWarning() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "a", "1.jpg");
        Files.createDirectories(d.resolve("b"));
        file(d, "c", "notes.txt");
        file(d, "c", "2.png");
        file(d, "c", ".DS_Store");
        Files.writeString(d.resolve("README"), "loose");
        LabelledImages set = LabelledImages.builder(3).build(List.of(d));
        assertThat(all(set)).extracting(LabelledImage::label).containsExactly(0, 2);
        assertThat(set.warnings())
                .anySatisfy(w -> assertThat(w).contains("class folder 'b' has no images"))
                .anySatisfy(w -> assertThat(w)
                        .contains("1 files without an image extension")
                        .contains("c/notes.txt"))
                .anySatisfy(w -> assertThat(w).contains("1 files directly in").contains("README"));
    }

    @Test
    void clearErrorsForADirectoryWithoutImages() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> LabelledImages.builder(2).build(List.of(empty)))
                .hasMessageStartingWith("data: ")
                .hasMessageContaining("has no class folders")
                .hasMessageContaining("it is empty");
        Path flat = tmp.resolve("flat");
        file(flat, ".", "1.jpg");
        assertThatThrownBy(() -> LabelledImages.builder(2).build(List.of(flat)))
                .hasMessageContaining("has no class folders (expected DIR/<class>/<image>; it holds 1 files)");
        Path noImages = tmp.resolve("noimages");
        file(noImages, "a", "x.txt");
        Files.createDirectories(noImages.resolve("b"));
        assertThatThrownBy(() -> LabelledImages.builder(2).build(List.of(noImages)))
                .hasMessageContaining("no images in " + noImages + " (2 class folders")
                .hasMessageContaining("*.jpg")
                .hasMessageContaining("1 other files");
        assertThatThrownBy(() -> LabelledImages.builder(2).build(List.of(tmp.resolve("missing"))))
                .hasMessageContaining("does not exist");
        Path records = Files.createDirectories(tmp.resolve("records"));
        TestRecords.write(records.resolve("validation-00000-of-00001"), List.of(new byte[3]));
        TestRecords.write(records.resolve("validation-00001-of-00002"), List.of(new byte[4], new byte[5]));
        Files.writeString(records.resolve("README"), "not a record file");
        // a directory of TFRecord files is the set of those files, in sorted order, the other files named
        LabelledImages set = LabelledImages.builder(2).labelsOffset(1).build(List.of(records));
        assertThat(set.kind()).isEqualTo(LabelledImages.Kind.TFRECORDS);
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.labelsOffset()).isEqualTo(1);
        assertThat(set.recordFiles())
                .containsExactly(
                        records.resolve("validation-00000-of-00001"), records.resolve("validation-00001-of-00002"));
        assertThat(set.warnings()).singleElement().asString().contains("README");
        assertThat(set.imageFiles()).isEmpty();
    }

    @Test
    void unreadableAndEmptyFilesComeOutOfTheStreamAndTheRestIsRead() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "a", "1.jpg");
        Path empty = d.resolve("a/2.jpg");
        Files.write(empty, new byte[0]);
        file(d, "b", "3.jpg");
        LabelledImages set = LabelledImages.builder(2).build(List.of(d));
        Files.delete(d.resolve("b/3.jpg")); // gone between listing and reading
        List<LabelledImage> read = all(set);
        assertThat(read).extracting(LabelledImage::readable).containsExactly(true, false, false);
        assertThat(read.get(1).problem()).isEqualTo("empty file");
        assertThat(read.get(2).problem()).startsWith("cannot read");
        assertThat(read.get(2).label()).isEqualTo(1);
    }

    @Test
    void synsetFoldersMapToSlimsImageNetIndices() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "n15075141", "1.jpg"); // last synset: toilet tissue
        file(d, "n01440764", "1.jpg"); // first synset: tench
        file(d, "n02012849", "1.jpg"); // slim index 135, "crane bird"
        LabelledImages set = LabelledImages.builder(1001).build(List.of(d));
        assertThat(set.classFolders())
                .containsExactly(Map.entry("n01440764", 1), Map.entry("n02012849", 135), Map.entry("n15075141", 1000));
        assertThat(LabelledImages.builder(1000).build(List.of(d)).classFolders())
                .containsExactly(Map.entry("n01440764", 0), Map.entry("n02012849", 134), Map.entry("n15075141", 999));
        // a model of another class count trained on these folders: sorted order
        assertThat(LabelledImages.builder(3).build(List.of(d)).classFolders())
                .containsExactly(Map.entry("n01440764", 0), Map.entry("n02012849", 1), Map.entry("n15075141", 2));
    }

    @Test
    void foldersMapThroughALabelsFileByNameFirstNameOrSynset() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "Great_White_Shark", "1.jpg");
        file(d, "tench", "1.jpg");
        file(d, "n01443537", "1.jpg"); // goldfish, slim index 2
        List<String> labels = new ArrayList<>();
        labels.add("background");
        labels.add("tench, Tinca tinca");
        labels.add("goldfish, Carassius auratus");
        labels.add("great white shark");
        for (int i = 4; i < 1001; i++) {
            labels.add("class " + i);
        }
        LabelledImages set = LabelledImages.builder(1001).labels(labels).build(List.of(d));
        assertThat(set.classFolders())
                .containsExactly(Map.entry("Great_White_Shark", 3), Map.entry("n01443537", 2), Map.entry("tench", 1));
        assertThat(set.className(2)).isEqualTo("goldfish, Carassius auratus");
        assertThat(set.mapping()).contains("1 by ImageNet synset id");

        file(d, "nothing", "1.jpg");
        assertThatThrownBy(() -> LabelledImages.builder(1001).labels(labels).build(List.of(d)))
                .hasMessageStartingWith("labels: 1 of 4 class folders match no label: nothing");
        Files.walk(d.resolve("nothing"))
                .sorted((a, b) -> b.compareTo(a))
                .forEach(p -> p.toFile().delete());
        labels.set(5, "tench");
        assertThatThrownBy(() -> LabelledImages.builder(1001).labels(labels).build(List.of(d)))
                .hasMessageContaining("class folder 'tench' matches 2 labels (indices [1, 5])");
        assertThatThrownBy(() -> LabelledImages.builder(1000).labels(labels))
                .hasMessageStartingWith("labels: 1001 labels for a model with 1000 classes");
    }

    @Test
    void foldersNamedByTheModelsOwnLabelsMapWhenTheCountsDoNotFitSortedOrder() throws IOException {
        Path d = tmp.resolve("data");
        file(d, "goldfish", "1.jpg");
        file(d, "tench", "1.jpg");
        List<String> imagenetLike = new ArrayList<>(List.of("background", "tench", "goldfish"));
        for (int i = 3; i < 1001; i++) {
            imagenetLike.add("class " + i);
        }
        LabelledImages set =
                LabelledImages.builder(1001).defaultLabels(imagenetLike).build(List.of(d));
        assertThat(set.classFolders()).containsExactly(Map.entry("goldfish", 2), Map.entry("tench", 1));
        assertThat(set.mapping()).contains("through the model's labels");
        // counts that fit sorted order win over the defaults: a 3-class model trained on sorted folders
        assertThat(LabelledImages.builder(3)
                        .defaultLabels(List.of("background", "tench", "goldfish"))
                        .build(List.of(d))
                        .classFolders())
                .containsExactly(Map.entry("goldfish", 1), Map.entry("tench", 2));
        file(d, "unknown thing", "1.jpg");
        assertThatThrownBy(() ->
                        LabelledImages.builder(1001).defaultLabels(imagenetLike).build(List.of(d)))
                .hasMessageStartingWith("data: ")
                .hasMessageContaining(
                        "the folder names are not its labels (1 of 3 class folders match no label:" + " unknown thing");
    }

    private byte[] jpegLike(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tfRecordsInSlimsFormatWithLabelsOffsetAndBadRecordsCounted() throws IOException {
        Path f1 = TestRecords.write(
                tmp.resolve("flowers_validation_00000-of-00002.tfrecord"),
                List.of(
                        TestRecords.example(jpegLike("img0"), "jpg", 0),
                        TestRecords.example(jpegLike("img1"), "png", 4)));
        List<byte[]> second = new ArrayList<>();
        second.add(TestRecords.example(jpegLike("img2"), "jpg", 5)); // out of range for 5 classes
        second.add("not an Example".getBytes(StandardCharsets.UTF_8));
        second.add(TestRecords.example(new byte[0], "jpg", 1));
        second.add(TestRecords.example(jpegLike("raw pixels"), "raw", 1));
        second.add(TestRecords.imagenetExample(
                jpegLike("img6"), 3, "n01443537", "goldfish, Carassius auratus", "ILSVRC2012_val_00000001.JPEG"));
        Path f2 = TestRecords.write(tmp.resolve("flowers_validation_00001-of-00002.tfrecord"), second);
        LabelledImages set = LabelledImages.builder(5).build(List.of(f1, f2));
        assertThat(set.kind()).isEqualTo(LabelledImages.Kind.TFRECORDS);
        assertThat(set.size()).isEqualTo(7);
        List<LabelledImage> read = all(set);
        assertThat(read).hasSize(7);
        assertThat(read)
                .extracting(LabelledImage::readable)
                .containsExactly(true, true, false, false, false, false, true);
        assertThat(read.get(0).label()).isZero();
        assertThat(content(read.get(1))).isEqualTo("img1");
        assertThat(read.get(1).source()).isEqualTo(f1 + "#1");
        assertThat(read.get(2).problem()).isEqualTo("image/class/label 5 is outside the model's classes 0..4");
        assertThat(read.get(3).problem()).startsWith("not a tf.train.Example");
        assertThat(read.get(4).problem()).isEqualTo("image/encoded is empty");
        assertThat(read.get(5).problem()).contains("image/format 'raw'");
        assertThat(read.get(6).source()).isEqualTo(f2 + "#4 (ILSVRC2012_val_00000001.JPEG)");
        assertThat(read.get(6).label()).isEqualTo(3);
        assertThat(set.className(3)).isEqualTo("goldfish, Carassius auratus");

        // slim's --labels_offset: labels 1..5 of a set with background, for a model without it
        LabelledImages shifted = LabelledImages.builder(5).labelsOffset(1).build(List.of(f2));
        assertThat(all(shifted).get(0).label()).isEqualTo(4);
        assertThat(all(shifted).get(4).label()).isEqualTo(2);
        Path tree = tmp.resolve("tree");
        file(tree, "a", "1.jpg");
        assertThatThrownBy(() -> LabelledImages.builder(5).labelsOffset(1).build(List.of(tree)))
                .hasMessageStartingWith("labelsOffset: ");
    }

    @Test
    void aCorruptRecordIsOneUnreadableExampleAndABrokenFileEndsThere() throws IOException {
        byte[] framed = TestRecords.frame(List.of(
                TestRecords.example(jpegLike("a"), "jpg", 0),
                TestRecords.example(jpegLike("b"), "jpg", 1),
                TestRecords.example(jpegLike("c"), "jpg", 1)));
        int recordLength = framed.length / 3;
        byte[] dataCrc = framed.clone();
        dataCrc[12 + 3] ^= 0x40; // a data byte of record 0
        Path bad = tmp.resolve("bad.tfrecord");
        Files.write(bad, dataCrc);
        List<LabelledImage> read = all(LabelledImages.builder(2).build(List.of(bad)));
        assertThat(read).extracting(LabelledImage::readable).containsExactly(false, true, true);
        assertThat(read.get(0).problem()).contains("data CRC mismatch");

        byte[] truncated = java.util.Arrays.copyOf(framed, 2 * recordLength + 5);
        Path cut = tmp.resolve("cut.tfrecord");
        Files.write(cut, truncated);
        Path good =
                TestRecords.write(tmp.resolve("good.tfrecord"), List.of(TestRecords.example(jpegLike("d"), "jpg", 0)));
        LabelledImages set = LabelledImages.builder(2).build(List.of(cut, good));
        assertThat(set.size()).isEqualTo(3);
        read = all(set);
        assertThat(read).extracting(LabelledImage::readable).containsExactly(true, true, false, true);
        assertThat(read.get(2).problem()).contains("truncated").contains("rest of the file skipped");

        Path text = Files.writeString(tmp.resolve("photo.jpg"), "not a record");
        assertThatThrownBy(() -> LabelledImages.builder(2).build(List.of(text)))
                .hasMessageStartingWith("data: no TFRecord records in " + text)
                .hasMessageContaining("length CRC mismatch");
    }

    @Test
    void theSynsetResourceIsTheGeneratedFile() throws Exception {
        List<String> s = LabelledImages.imagenetSynsets();
        assertThat(s).hasSize(1000).doesNotHaveDuplicates().isSorted();
        assertThat(s).allMatch(x -> Pattern.matches("n[0-9]{8}", x));
        assertThat(s.get(0)).isEqualTo("n01440764");
        assertThat(s.get(999)).isEqualTo("n15075141");
        byte[] bytes;
        try (var in = LabelledImages.class.getResourceAsStream("imagenet_synsets.txt")) {
            bytes = in.readAllBytes();
        }
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String provenance;
        try (var in = LabelledImages.class.getResourceAsStream("imagenet_synsets.PROVENANCE")) {
            provenance = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(provenance).contains("Result: 1000 lines, 10000 bytes, sha256 " + sha);
    }
}
