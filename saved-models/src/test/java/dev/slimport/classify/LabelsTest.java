/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped ImageNet labels against the Debian package's own file: {@code _meta.py} (a byte-identical copy in the
 * test resources, its SHA-256 the one PROVENANCE records for the .deb's file) is parsed here with a parser of this
 * test, and slim's list must be {@code background} followed by exactly those 1000 names. Plus {@link Labels#read}'s
 * format and its errors.
 */
class LabelsTest {
    private static final Path DEB_META =
            Path.of("/work/data14/x/usr/lib/python3/dist-packages/torchvision/models/_meta.py");

    @Test
    void imagenet_labels_are_background_then_the_debian_packages_1000_names() throws Exception {
        byte[] meta = resource("torchvision/_meta.py");
        String provenance = new String(resource("PROVENANCE"), StandardCharsets.UTF_8);
        assertThat(provenance).contains("sha256 " + sha256(meta));
        if (Files.isRegularFile(DEB_META)) { // where the .deb is unpacked, the copy must be the package's file
            assertThat(Files.readAllBytes(DEB_META)).isEqualTo(meta);
        }
        List<String> torchvision = imagenetCategories(new String(meta, StandardCharsets.UTF_8));
        assertThat(torchvision).hasSize(1000);

        Labels labels = Labels.imagenet();
        assertThat(labels.size()).isEqualTo(1001).isEqualTo(Labels.IMAGENET_SIZE);
        assertThat(labels.get(0)).isEqualTo("background");
        assertThat(labels.get(1)).isEqualTo("tench");
        assertThat(labels.get(1000)).isEqualTo("toilet tissue");
        assertThat(labels.names().subList(1, 1001)).containsExactlyElementsOf(torchvision);
        assertThat(labels.names()).doesNotHaveDuplicates();

        byte[] shipped = resource(Labels.IMAGENET_RESOURCE);
        assertThat(provenance).contains("sha256 " + sha256(shipped));
        assertThat(new String(shipped, StandardCharsets.UTF_8))
                .isEqualTo("background\n" + String.join("\n", torchvision) + "\n");
    }

    @Test
    void a_1000_class_model_gets_the_list_without_background_as_slims_labels_offset_1() {
        Labels l = Labels.imagenetFor(1000);
        assertThat(l.size()).isEqualTo(1000);
        assertThat(l.get(0)).isEqualTo("tench");
        assertThat(l.get(999)).isEqualTo("toilet tissue");
        assertThat(Labels.imagenetFor(1001)).isSameAs(Labels.imagenet());
        assertThatThrownBy(() -> Labels.imagenetFor(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("labels: ")
                .hasMessageContaining("1001 labels, but the model has 4 classes")
                .hasMessageContaining("--labels FILE");
    }

    @Test
    void read_takes_one_label_per_line(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("labels.txt");
        Files.writeString(f, "\uFEFFcat\r\n  dog \nsea lion\n", StandardCharsets.UTF_8);
        Labels l = Labels.read(f);
        assertThat(l.names()).containsExactly("cat", "dog", "sea lion");
        assertThat(l.source()).isEqualTo(f.toString());
        assertThat(l.checkCount(3)).isSameAs(l);
        assertThatThrownBy(() -> l.checkCount(1001))
                .hasMessage("labels: " + f + " has 3 labels, but the model has 1001 classes; give a labels file"
                        + " (--labels FILE) with 1001 lines, one label per class in class-index order");
    }

    @Test
    void bad_label_files_are_refused_naming_the_file_and_line(@TempDir Path dir) throws Exception {
        Path blank = Files.writeString(dir.resolve("blank.txt"), "cat\n\ndog\n");
        assertThatThrownBy(() -> Labels.read(blank)).hasMessageStartingWith("labels: line 2 of " + blank + " is empty");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> Labels.read(empty)).hasMessageContaining("is empty; it needs one label per line");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> Labels.read(latin1)).hasMessage("labels: " + latin1 + " is not UTF-8 text");
        assertThatThrownBy(() -> Labels.read(dir.resolve("missing.txt"))).hasMessageEndingWith("does not exist");
        assertThatThrownBy(() -> Labels.read(dir)).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> Labels.of(List.of("a", " "), "test")).hasMessageContaining("label 1 of test");
    }

    /** The strings of the Python list {@code _IMAGENET_CATEGORIES = [ "a", "b", ... ]}, parsed here. */
    private static List<String> imagenetCategories(String python) {
        int start = python.indexOf("_IMAGENET_CATEGORIES = [");
        assertThat(start).isNotNegative();
        int end = python.indexOf("\n]", start);
        String body = python.substring(python.indexOf('[', start) + 1, end);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,").matcher(body);
        int consumed = 0;
        while (m.find()) {
            assertThat(body.substring(consumed, m.start()).strip())
                    .as("between items")
                    .isEmpty();
            assertThat(m.group(1)).as("no escapes expected").doesNotContain("\\");
            out.add(m.group(1));
            consumed = m.end();
        }
        assertThat(body.substring(consumed).strip()).as("after the last item").isEmpty();
        return out;
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = Labels.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
