/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What to export and where: the options of {@code export --model M --num-classes N --out DIR [--checkpoint PREFIX]
 * [--exclude SCOPE ...] [--seed N] [--image-size S | --dynamic-size] [--version N] [--force] [--optimize]}.
 *
 * <p>The SavedModel goes to {@code out/<version>/} (TF Serving's layout: serve {@code out}).
 *
 * @param network the network: blocks, scope, classes, input size
 * @param dynamicSize leave height and width unknown in the graph (the reload check runs at the image size)
 * @param seed the model seed: the same seed gives byte-identical initial variables
 * @param out the base directory ({@code --out})
 * @param version the version subdirectory ({@code --version}, default 1)
 * @param checkpoint the checkpoint prefix to restore from, or null for the seeded initialization
 * @param excludes scopes not to restore ({@code --exclude}; slim's {@code checkpoint_exclude_scopes}); only with a
 *     checkpoint
 * @param force replace an existing {@code out/<version>} ({@code --force})
 * @param verifyBatch the batch size of the reload check
 * @param optimize export the inference-optimized graph, batch norms folded into the convolutions ({@code
 *     --optimize}); its reload is checked against the unfolded graph with {@link
 *     SavedModelExporter#FOLDED_RELATIVE_TOLERANCE}
 */
public record ExportSpec(
        NetworkSpec network,
        boolean dynamicSize,
        long seed,
        Path out,
        long version,
        Path checkpoint,
        List<String> excludes,
        boolean force,
        int verifyBatch,
        boolean optimize) {

    /** The default {@code --version}. */
    public static final long DEFAULT_VERSION = 1;

    /** The default batch of the reload check. */
    public static final int DEFAULT_VERIFY_BATCH = 2;

    /**
     * The validated spec; {@code excludes} is copied.
     *
     * @throws IllegalArgumentException naming the option and the allowed values
     */
    public ExportSpec {
        if (network == null) {
            throw new IllegalArgumentException("model: a network is required");
        }
        if (out == null || out.toString().isEmpty()) {
            throw new IllegalArgumentException("out: an output directory is required");
        }
        if (version < 0) {
            throw new IllegalArgumentException(
                    "version: must be >= 0 (TF Serving versions are non-negative), got " + version);
        }
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        if (!excludes.isEmpty() && checkpoint == null) {
            throw new IllegalArgumentException("exclude: only meaningful with a checkpoint (--checkpoint)");
        }
        if (verifyBatch < 1 || verifyBatch > 64) {
            throw new IllegalArgumentException("verifyBatch: must be in 1..64, got " + verifyBatch);
        }
    }

    /** A builder: static size, seed 0, version 1, no checkpoint, no force, verification batch 2, not optimized. */
    public static Builder builder(NetworkSpec network, Path out) {
        return new Builder(network, out);
    }

    /** {@code out/<version>}, absolute. */
    public Path target() {
        return out.toAbsolutePath().normalize().resolve(Long.toString(version));
    }

    /** Builds an {@link ExportSpec}; {@link #build} validates. */
    public static final class Builder {
        private final NetworkSpec network;
        private final Path out;
        private boolean dynamicSize;
        private long seed;
        private long version = DEFAULT_VERSION;
        private Path checkpoint;
        private List<String> excludes = List.of();
        private boolean force;
        private int verifyBatch = DEFAULT_VERIFY_BATCH;
        private boolean optimize;

        private Builder(NetworkSpec network, Path out) {
            this.network = network;
            this.out = out;
        }

        /** {@code --dynamic-size}: leave height and width unknown in the graph. */
        public Builder dynamicSize(boolean dynamic) {
            this.dynamicSize = dynamic;
            return this;
        }

        /** {@code --seed}: the model seed of the initializers. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** {@code --version}. */
        public Builder version(long v) {
            this.version = v;
            return this;
        }

        /** {@code --checkpoint}: restore from this prefix (null: seeded initialization). */
        public Builder checkpoint(Path prefix) {
            this.checkpoint = prefix;
            return this;
        }

        /** {@code --exclude}: scopes that keep their initializers. */
        public Builder excludes(Collection<String> scopes) {
            this.excludes = scopes == null ? List.of() : new ArrayList<>(scopes);
            return this;
        }

        /** {@code --force}: replace an existing target. */
        public Builder force(boolean f) {
            this.force = f;
            return this;
        }

        /** The batch size of the reload check (default 2). */
        public Builder verifyBatch(int b) {
            this.verifyBatch = b;
            return this;
        }

        /** {@code --optimize}: export the graph with batch norms folded (default: slim's graph verbatim). */
        public Builder optimize(boolean o) {
            this.optimize = o;
            return this;
        }

        /** The validated spec. */
        public ExportSpec build() {
            return new ExportSpec(
                    network, dynamicSize, seed, out, version, checkpoint, excludes, force, verifyBatch, optimize);
        }
    }
}
