/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModels;
import dev.slimport.savedmodel.ServingSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * The file-by-file shipping without Spark: what the driver ships, and the layout executors rebuild from the flat
 * SparkFiles directory (the {@code add-file} and {@code spark-files} modes share it).
 */
class ModelShippingTest {
    @TempDir
    static Path tmp;

    private static Path version;

    @BeforeAll
    static void export() {
        NetworkSpec tiny = NetworkSpec.custom("resnet_v2", SmallNets.tiny());
        SavedModels.export(ExportSpec.of(tiny.withNumClasses(4).withImageSize(16), tmp.resolve("model"))
                .withSeed(5));
        version = tmp.resolve("model/1");
    }

    private static FloatValues run(Path dir) {
        try (LoadedSavedModel m = LoadedSavedModel.load(dir)) {
            return m.run(
                            ServingSignature.KEY,
                            Map.of(ServingSignature.IMAGES, FloatValues.uniform(Shape.of(2, 16, 16, 3), 9, -1, 1)))
                    .get(ServingSignature.PREDICTIONS);
        }
    }

    @Test
    void shipsTheGraphAndEveryVariablesFileAndTheRebuiltModelGivesTheSameOutputs() throws Exception {
        List<Path> files = ModelShipping.filesToShip(version);
        assertThat(files)
                .extracting(p -> version.relativize(p).toString())
                .containsExactly(
                        "saved_model.pb", "variables/variables.data-00000-of-00001", "variables/variables.index");

        Path root = Files.createDirectories(tmp.resolve("sparkfiles"));
        for (Path f : files) {
            Files.copy(f, root.resolve(f.getFileName()));
        }
        Files.writeString(root.resolve("unrelated.txt"), "another shipped file");
        Path assembled = ModelShipping.assemble(root);
        assertThat(assembled).isEqualTo(root.resolve(ModelShipping.ASSEMBLED_DIR));
        assertThat(assembled.resolve("saved_model.pb")).hasSameBinaryContentAs(version.resolve("saved_model.pb"));
        for (Path f : files) {
            String name = version.relativize(f).toString();
            assertThat(assembled.resolve(name)).as(name).hasSameBinaryContentAs(f);
        }
        assertThat(assembled.resolve("unrelated.txt")).doesNotExist();
        // Byte-identical files give the same outputs; the bound only allows for a device whose kernels may reorder sums
        // between two loads (a GPU's autotuned convolutions): 16 ulps of 1.0 on probabilities in [0, 1].
        FloatValues rebuilt = run(assembled);
        FloatValues shipped = run(version);
        assertThat(rebuilt.shape()).isEqualTo(shipped.shape());
        assertThat(rebuilt.maxAbsDiff(shipped)).isLessThanOrEqualTo(16 * Math.ulp(1f));
        assertThat(ModelShipping.assemble(root)).as("a second call reuses it").isEqualTo(assembled);
        try (var s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void noShippedGraphIsAUsageErrorListingWhatArrived() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("empty-sparkfiles"));
        Files.writeString(root.resolve("labels.txt"), "x");
        assertThatThrownBy(() -> ModelShipping.assemble(root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("saved-model: no saved_model.pb among the shipped files")
                .hasMessageContaining("it has labels.txt")
                .hasMessageContaining("spark-submit --files");
    }

    @Test
    void anUnexpectedVariablesFileCannotBeShippedFileByFile() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("odd/variables"));
        Files.copy(version.resolve("saved_model.pb"), copy.getParent().resolve("saved_model.pb"));
        Files.writeString(copy.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> ModelShipping.filesToShip(copy.getParent()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("saved-model:")
                .hasMessageContaining("notes.txt")
                .hasMessageContaining("--model-shipping shared");
    }
}
