/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * What to export and where: the options of {@code export --model M --num-classes N --out DIR [--checkpoint PREFIX]
 * [--exclude SCOPE ...] [--seed N] [--image-size S | --dynamic-size] [--version N] [--force] [--optimize] [--precision
 * int8 [--calibration DIR|synthetic] [--calibration-batches N]]}.
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
 * @param int8 export the folded graph quantized to int8 ({@code --precision int8}; implies {@code optimize}): calibrated
 *     on {@link #calibrationSet()}, the variables frozen to constants, the convolutions rewritten to oneDNN's
 *     quantized ops; its reload must reproduce the in-memory int8 outputs exactly
 * @param calibration with {@code int8}: the folder of images to calibrate on ({@code --calibration DIR}), or null for
 *     seeded synthetic batches ({@code --calibration synthetic})
 * @param calibrationBatches with {@code int8}: the number of calibration batches of {@link #CALIBRATION_BATCH} images
 *     ({@code --calibration-batches})
 * @param int8Root with {@code int8}: run the root {@code conv1} in int8 too ({@code --int8-root}; {@code
 *     Int8Quantization.RootConvolution.INT8}); otherwise it stays float
 * @param movingAverages with a checkpoint: restore each variable from its {@code <var>/ExponentialMovingAverage}
 *     shadow ({@code --moving-average-decay}; slim's eval with {@code --moving_average_decay})
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
        boolean optimize,
        boolean int8,
        Path calibration,
        int calibrationBatches,
        boolean int8Root,
        boolean movingAverages) {

    /** The default {@code --version}. */
    public static final long DEFAULT_VERSION = 1;

    /** The default batch of the reload check. */
    public static final int DEFAULT_VERIFY_BATCH = 2;

    /** The images per calibration batch of an int8 export. */
    public static final int CALIBRATION_BATCH = 8;

    /**
     * The validated spec; {@code excludes} is copied. {@link #of} gives the defaults, the withers change one option.
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
        if (movingAverages && checkpoint == null) {
            throw new IllegalArgumentException(
                    "moving-average-decay: only with a checkpoint (--checkpoint): it restores the checkpoint's"
                            + " moving averages");
        }
        if (movingAverages && !excludes.isEmpty()) {
            throw new IllegalArgumentException("moving-average-decay: not with --exclude: the averages restore every"
                    + " variable, as slim's eval does");
        }
        if (!excludes.isEmpty() && checkpoint == null) {
            throw new IllegalArgumentException("exclude: only meaningful with a checkpoint (--checkpoint)");
        }
        if (verifyBatch < 1 || verifyBatch > 64) {
            throw new IllegalArgumentException("verifyBatch: must be in 1..64, got " + verifyBatch);
        }
        if (int8 && !optimize) {
            throw new IllegalArgumentException(
                    "precision: int8 quantizes the folded graph; it needs optimize (batch norms folded)");
        }
        if (!int8 && int8Root) {
            throw new IllegalArgumentException("int8-root: only with precision int8 (it quantizes the root conv1)");
        }
        if (!int8 && calibration != null) {
            throw new IllegalArgumentException(
                    "calibration: only with precision int8 (it calibrates the int8 quantization)");
        }
        if (calibrationBatches < 1 || calibrationBatches > CalibrationSet.MAX_BATCHES) {
            throw new IllegalArgumentException(
                    "calibration-batches: must be in 1.." + CalibrationSet.MAX_BATCHES + ", got " + calibrationBatches);
        }
    }

    /** The spec with static size, seed 0, version 1, no checkpoint, no force, verification batch 2, not optimized. */
    public static ExportSpec of(NetworkSpec network, Path out) {
        return new ExportSpec(
                network,
                false,
                0,
                out,
                DEFAULT_VERSION,
                null,
                List.of(),
                false,
                DEFAULT_VERIFY_BATCH,
                false,
                false,
                null,
                CalibrationSet.DEFAULT_BATCHES,
                false,
                false);
    }

    /** {@code out/<version>}, absolute. */
    public Path target() {
        return out.toAbsolutePath().normalize().resolve(Long.toString(version));
    }

    /** {@code --dynamic-size}: leave height and width unknown in the graph. */
    public ExportSpec withDynamicSize(boolean dynamic) {
        return new ExportSpec(
                network,
                dynamic,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /** {@code --seed}: the model seed of the initializers. */
    public ExportSpec withSeed(long s) {
        return new ExportSpec(
                network,
                dynamicSize,
                s,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /** {@code --version}. */
    public ExportSpec withVersion(long v) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                v,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /**
     * {@code --checkpoint PREFIX [--exclude SCOPE ...]}: restore from {@code prefix} (null: seeded initialization),
     * except the variables under {@code excludeScopes}, which keep their initializers.
     */
    public ExportSpec withCheckpoint(Path prefix, List<String> excludeScopes) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                prefix,
                excludeScopes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /** {@code --force}: replace an existing target. */
    public ExportSpec withForce(boolean f) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                f,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /** The batch size of the reload check (default 2). */
    public ExportSpec withVerifyBatch(int b) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                b,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /**
     * {@code --optimize}: export the graph with batch norms folded (default: slim's graph verbatim); an int8 export
     * needs it.
     */
    public ExportSpec withOptimize(boolean o) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                o,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                movingAverages);
    }

    /**
     * {@code --precision int8 [--calibration DIR] [--calibration-batches N]}: export the folded graph (this sets
     * {@code optimize}) quantized to int8, calibrated on the images under {@code calibrationFolder} or, when it is
     * null, on seeded synthetic batches; {@code int8 = false} clears the calibration.
     */
    public ExportSpec withInt8(boolean int8, Path calibrationFolder, int batches) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize || int8,
                int8,
                int8 ? calibrationFolder : null,
                batches,
                int8 && int8Root,
                movingAverages);
    }

    /** {@code --int8-root}: with int8, quantize the root {@code conv1} too (default: it stays float). */
    public ExportSpec withInt8Root(boolean root) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                root,
                movingAverages);
    }

    /**
     * The calibration set of an int8 export: {@code calibrationBatches} batches of {@link #CALIBRATION_BATCH} images at
     * the network's image size, the folder's images through slim's eval preprocessing, or synthetic uniform [-1, 1)
     * batches (the range of that preprocessing) seeded with the model seed.
     *
     * @throws IllegalStateException when this is not an int8 export
     * @throws IllegalArgumentException naming {@code calibration} for a missing folder or one without images
     */
    public CalibrationSet calibrationSet() {
        if (!int8) {
            throw new IllegalStateException("calibrationSet: not an int8 export");
        }
        int size = network.imageSize();
        return calibration == null
                ? CalibrationSet.synthetic(calibrationBatches, CALIBRATION_BATCH, size, size, seed, -1f, 1f)
                : CalibrationSet.images(calibration, calibrationBatches, CALIBRATION_BATCH, size, size);
    }

    /**
     * {@code --moving-average-decay}: restore each variable from the checkpoint's {@code <var>/ExponentialMovingAverage}
     * instead ({@link AssignFromCheckpoint#restoreMovingAverages}), as slim's {@code eval_image_classifier.py} does.
     */
    public ExportSpec withMovingAverages(boolean averages) {
        return new ExportSpec(
                network,
                dynamicSize,
                seed,
                out,
                version,
                checkpoint,
                excludes,
                force,
                verifyBatch,
                optimize,
                int8,
                calibration,
                calibrationBatches,
                int8Root,
                averages);
    }
}
