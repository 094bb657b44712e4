/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;

/**
 * Bad arguments are {@link IllegalArgumentException}s naming the argument; bad content is a {@link
 * SavedModelException} saying what is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private Path dir;
    private Path good;

    @BeforeAll
    void writeModels(@TempDir Path shared) throws Exception {
        dir = shared;
        good = dir.resolve("good");
        Path train = dir.resolve("train");
        try (InferenceModel m = InferenceModel.build(TestNets.tinyNet(10), 1, false)) {
            m.initialize();
            SavedModelBundle.exporter(good.toString())
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
            SavedModelBundle.exporter(train.toString())
                    .withTags("train")
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
        }
    }

    @Test
    void a_missing_directory() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saved-model: " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void a_file_instead_of_a_directory() throws Exception {
        Path file = Files.writeString(dir.resolve("file.pb"), "x");
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void a_directory_without_a_saved_model() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty/3"));
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(empty.getParent())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no saved_model.pb, nor a numeric version directory with one");
    }

    @Test
    void a_corrupt_saved_model_pb() throws Exception {
        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(corrupt.resolve("saved_model.pb"), "this is not a protocol buffer");
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(corrupt)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("saved_model.pb is not a SavedModel protocol buffer");
    }

    @Test
    void an_empty_saved_model_pb() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("emptypb"));
        Files.write(empty.resolve("saved_model.pb"), new byte[0]);
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(empty)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("holds no MetaGraph");
    }

    @Test
    void a_saved_model_without_the_serve_tag() {
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(dir.resolve("train"))))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("has no MetaGraph tagged [serve]; its tag sets are: [train]");
        assertThat(SavedModelInfo.read(dir.resolve("train")).metaGraphs().get(0).tags())
                .containsExactly("train");
    }

    @Test
    void missing_variables_are_reported_instead_of_loading_an_uninitialized_model() throws Exception {
        Path broken = dir.resolve("novars");
        TestFiles.copyTree(good, broken);
        SavedModelExporter.deleteTree(broken.resolve("variables"));
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(broken)))
                .isInstanceOf(SavedModelException.class)
                .hasMessage("SavedModel " + broken.toAbsolutePath() + " has variables, but variables/variables.index is"
                        + " missing (an incomplete copy?)");
    }

    @Test
    void truncated_variables_fail_the_load_with_tensorflows_reason() throws Exception {
        Path broken = dir.resolve("truncated");
        TestFiles.copyTree(good, broken);
        Path data = broken.resolve("variables/variables.data-00000-of-00001");
        Files.write(data, java.util.Arrays.copyOf(Files.readAllBytes(data), 100));
        assertThatThrownBy(() -> SavedModels.verify(VerifySpec.of(broken)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageStartingWith("cannot load SavedModel " + broken.toAbsolutePath());
    }

    @Test
    void an_unknown_signature_lists_the_available_ones() {
        assertThatThrownBy(() -> SavedModels.verify(new VerifySpec(good, "nope", 1, 32, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signature: 'nope' is not in SavedModel")
                .hasMessageEndingWith("available: serving_default");
    }

    @Test
    void option_values_out_of_range_name_the_option() {
        NetworkSpec tiny = TestNets.tinyNet(10);
        assertThatThrownBy(() -> tiny.withNumClasses(-1)).hasMessageStartingWith("num_classes:");
        assertThatThrownBy(() -> tiny.withImageSize(0)).hasMessageStartingWith("image_size:");
        assertThatThrownBy(() -> ExportSpec.of(tiny, dir).withVersion(-1)).hasMessageStartingWith("version:");
        assertThatThrownBy(() -> ExportSpec.of(tiny, dir).withCheckpoint(null, List.of("resnet_v2/logits")))
                .hasMessageStartingWith("exclude: only meaningful with a checkpoint");
        assertThatThrownBy(() -> ExportSpec.of(tiny, null)).hasMessageStartingWith("out:");
        assertThatThrownBy(() -> new VerifySpec(good, null, 0, 224, 0)).hasMessageStartingWith("batch:");
        assertThatThrownBy(() -> Depth.parse("model", "resnet_v2_51"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resnet_v2_50, resnet_v2_101, resnet_v2_152, resnet_v2_200");
        assertThatThrownBy(() -> SavedModels.export(
                        ExportSpec.of(tiny, dir.resolve("x")).withCheckpoint(dir.resolve("no/model.ckpt"), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint: no checkpoint at prefix");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
