/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.SmallNets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.SavedModelBundle;

/**
 * saved-models' fixtures over resnet-graph's shared tiny net ({@link SmallNets#tiny()}): its {@link NetworkSpec}, a
 * plain SavedModel export and an exporter that swaps in other variables.
 */
final class TestNets {
    private TestNets() {}

    /** The tiny net in slim's default scope {@code resnet_v2}. */
    static final NetworkSpec TINY = NetworkSpec.custom("resnet_v2", SmallNets.tiny());

    /**
     * The tiny net's block table as {@link dev.slimport.resnet.testing.RefResNetV2} rows {base depth, units, stride},
     * written from slim-semantics.md §1.6 rather than read from the library: resnet_v2_50's 3, 4, 6, 3 units with
     * base depths 1, 2, 4, 8 and strides 2, 2, 2, 1.
     */
    static final int[][] TINY_TABLE = {{1, 3, 2}, {2, 4, 2}, {4, 6, 2}, {8, 3, 1}};

    /** The tiny net with {@code classes} classes at 32×32. */
    static NetworkSpec tinyNet(int classes) {
        return tinyNet(classes, 32);
    }

    /** The tiny net with {@code classes} classes at {@code size}×{@code size}. */
    static NetworkSpec tinyNet(int classes, int size) {
        return TINY.withNumClasses(classes).withImageSize(size);
    }

    /**
     * Exports {@code spec}'s seeded model to {@code dir} with TF Java's exporter alone ({@code serve},
     * {@code serving_default}), without the verified export's checks: a fixture for the loading side.
     */
    static Path rawExport(NetworkSpec spec, long seed, Path dir) throws IOException {
        try (InferenceModel m = InferenceModel.build(spec, seed, false)) {
            m.initialize();
            SavedModelBundle.exporter(dir.toString())
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
        }
        return dir;
    }

    /**
     * Saves {@code spec}'s initialized model (seed {@code seed}), after {@code prepare} has seen it, as the checkpoint
     * {@code prefix}, creating its folder.
     */
    static Path saveCheckpoint(NetworkSpec spec, long seed, Path prefix, Consumer<InferenceModel> prepare)
            throws IOException {
        Files.createDirectories(prefix.getParent());
        try (InferenceModel m = InferenceModel.build(spec, seed, false)) {
            m.initialize();
            prepare.accept(m);
            m.save(prefix);
        }
        return prefix;
    }

    /**
     * An exporter that, once the SavedModel is written, replaces its variables with the checkpoint files in {@code
     * other} ({@code variables.index}, {@code variables.data-00000-of-00001}): a valid SavedModel with the same names
     * and shapes but other values, which only the reload check's output comparison can catch.
     */
    static SavedModelExporter swappingVariables(Path other) {
        return new SavedModelExporter((s, temp) -> {
            if (s == SavedModelExporter.Step.WRITE) {
                for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
                    Files.copy(
                            other.resolve(f),
                            temp.resolve("variables").resolve(f),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        });
    }
}
