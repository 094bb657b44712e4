/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.slimport.resnet.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An export either installs a verified SavedModel at {@code out/<version>} or leaves the file system as it was. */
class ExportSafetyTest {
    @TempDir
    Path dir;

    private static ExportSpec tinySpec(Path out, long seed) {
        return ExportSpec.of(TestNets.tinyNet(10), out).withSeed(seed);
    }

    @ParameterizedTest
    @EnumSource(value = SavedModelExporter.Step.class, names = "INSTALL", mode = EnumSource.Mode.EXCLUDE)
    void a_failure_at_any_stage_leaves_no_target_no_temp_dir_and_other_versions_alone(SavedModelExporter.Step stage)
            throws Exception {
        Path out = dir.resolve("models");
        Files.createDirectories(out.resolve("7"));
        Files.writeString(out.resolve("7/keep.txt"), "keep");
        List<Path> temps = new ArrayList<>();
        SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
            if (temp != null) {
                temps.add(temp);
            }
            if (s == stage) {
                throw new IllegalStateException("injected at " + s);
            }
        });
        assertThatThrownBy(() -> exporter.export(tinySpec(out, 1)
                        .withOptimize(stage == SavedModelExporter.Step.FOLD)
                        .withInt8(stage == SavedModelExporter.Step.QUANTIZE, null, 1)))
                .hasMessageContaining("injected at " + stage);
        assertThat(TestFiles.children(out)).containsExactly("7");
        assertThat(out.resolve("7/keep.txt")).hasContent("keep");
        if (stage.compareTo(SavedModelExporter.Step.WRITE) >= 0) {
            assertThat(temps).isNotEmpty().allSatisfy(t -> {
                assertThat(t.getParent()).isEqualTo(out.toAbsolutePath());
                assertThat(t.getFileName().toString()).startsWith(".1.tmp-");
                assertThat(t).doesNotExist();
            });
        }
    }

    @Test
    void a_failure_removes_the_directories_the_export_created() {
        Path out = dir.resolve("new/deeper/models");
        SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
            if (s == SavedModelExporter.Step.WRITE) {
                assertThat(temp.resolve("saved_model.pb")).exists();
                throw new java.io.IOException("disk full (injected)");
            }
        });
        assertThatThrownBy(() -> exporter.export(tinySpec(out, 1)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("disk full (injected)");
        assertThat(dir.resolve("new")).doesNotExist();
    }

    @Test
    void a_reload_that_does_not_reproduce_the_session_is_not_installed() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other/variables"));
        try (InferenceModel seed2 = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            seed2.initialize();
            seed2.save(other.resolve("variables"));
        }
        Path out = dir.resolve("models");
        // Swap in another seed's variables after writing.
        SavedModelExporter exporter = TestNets.swappingVariables(other);
        assertThatThrownBy(() -> exporter.export(tinySpec(out, 1)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("does not reproduce the exporting session")
                .hasMessageContaining("logits max |Δ|");
        assertThat(TestFiles.children(out)).isEmpty();
    }

    @Test
    void corrupt_variables_fail_the_reload_and_are_not_installed() throws Exception {
        Path out = dir.resolve("models");
        SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
            if (s == SavedModelExporter.Step.WRITE) {
                Path data = temp.resolve("variables/variables.data-00000-of-00001");
                byte[] bytes = Files.readAllBytes(data);
                for (int i = 0; i < bytes.length; i += 7) {
                    bytes[i] ^= 0x5A;
                }
                Files.write(data, bytes);
            }
        });
        assertThatThrownBy(() -> exporter.export(tinySpec(out, 1))).isInstanceOf(SavedModelException.class);
        assertThat(TestFiles.children(out)).isEmpty();
    }

    @Test
    void an_existing_target_is_refused_untouched_without_force_and_replaced_with_it() throws Exception {
        Path out = dir.resolve("models");
        Files.createDirectories(out.resolve("1"));
        Files.writeString(out.resolve("1/marker.txt"), "old export");
        assertThatThrownBy(() -> SavedModels.export(tinySpec(out, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(out.toAbsolutePath().resolve("1") + " already exists")
                .hasMessageContaining("--force");
        assertThat(TestFiles.children(out)).containsExactly("1");
        assertThat(TestFiles.children(out.resolve("1"))).containsExactly("marker.txt");
        assertThat(out.resolve("1/marker.txt")).hasContent("old export");

        ExportResult r = SavedModels.export(tinySpec(out, 1).withForce(true));
        assertThat(r.replacedExisting()).isTrue();
        assertThat(TestFiles.children(out)).containsExactly("1");
        assertThat(TestFiles.children(out.resolve("1"))).containsExactly("saved_model.pb", "variables");
    }

    @Test
    void an_output_path_through_a_file_is_refused_before_anything_is_written() throws Exception {
        Files.writeString(dir.resolve("afile"), "x");
        assertThatThrownBy(() -> SavedModels.export(tinySpec(dir.resolve("afile/models"), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out: " + dir.resolve("afile").toAbsolutePath() + " is not a directory");
        assertThat(TestFiles.children(dir)).containsExactly("afile");
        assertThat(dir.resolve("afile")).hasContent("x");
    }

    @Test
    void an_unwritable_parent_is_refused_before_anything_is_written() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "running as root: permissions do not restrict writes here");
            assertThatThrownBy(() -> SavedModels.export(tinySpec(ro.resolve("models"), 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not writable");
            assertThat(TestFiles.children(ro)).isEmpty();
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
