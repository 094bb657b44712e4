/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an export wrote and how its reload check went.
 *
 * @param target the SavedModel directory, {@code out/<version>}
 * @param signature the {@code serving_default} signature as reloaded
 * @param bytesSignature the {@code serving_bytes} signature as reloaded (encoded images in, same outputs)
 * @param replacedExisting whether an existing target was replaced ({@code force})
 * @param savedModelBytes the size of {@code saved_model.pb}
 * @param variablesBytes the size of {@code variables/}
 * @param variableCount the number of variables of the exported model
 * @param parameterCount the number of scalars in them
 * @param restore the checkpoint restore, if the weights came from one
 * @param folding what folding the batch norms changed, present exactly for an optimized export (int8 included)
 * @param quantization what the int8 quantization did and how far its outputs are from fp32, present exactly for an
 *     int8 export
 * @param maxAbsDiff per output, the largest |reference - reloaded model| on the check batch; the reference is the
 *     exporting session, or for an optimized export the unfolded model. Keys: {@code <output>} for {@code
 *     serving_default} on the float check batch, {@code serving_bytes/<output>} for {@code serving_bytes} on the
 *     encoded check images (PNG and JPEG of different sizes), {@code serving_bytes=serving_default/<output>} for the
 *     reloaded {@code serving_default} fed the batch {@code serving_bytes} preprocessed against the reloaded {@code
 *     serving_bytes}
 * @param tolerance per output, the bound {@code maxAbsDiff} was checked against: {@link
 *     SavedModelExporter#TOLERANCE}, or for an optimized export {@link SavedModelExporter#FOLDED_RELATIVE_TOLERANCE}
 *     · max(1, max |reference|); for an int8 export the reference is the in-memory int8 model and the bound 0 (the
 *     reload must reproduce it exactly), except {@code serving_bytes=serving_default/<output>} ({@link
 *     SavedModelExporter#TOLERANCE})
 * @param timings wall-clock milliseconds of each step
 */
public record ExportResult(
        Path target,
        SignatureInfo signature,
        SignatureInfo bytesSignature,
        boolean replacedExisting,
        long savedModelBytes,
        long variablesBytes,
        int variableCount,
        long parameterCount,
        Optional<RestoreResult> restore,
        Optional<Folding> folding,
        Optional<Quantization> quantization,
        Map<String, Double> maxAbsDiff,
        Map<String, Double> tolerance,
        Timings timings) {

    /** The value with unmodifiable copies of the maps. */
    public ExportResult {
        maxAbsDiff = Collections.unmodifiableMap(new LinkedHashMap<>(maxAbsDiff));
        tolerance = Collections.unmodifiableMap(new LinkedHashMap<>(tolerance));
    }

    /**
     * What an optimized export folded away.
     *
     * @param sourceVariableCount the variables of the unfolded model (moving statistics included)
     * @param sourceParameterCount the scalars in them
     * @param batchNorms the batch norms of the unfolded graph that follow a convolution, all folded into it
     */
    public record Folding(int sourceVariableCount, long sourceParameterCount, int batchNorms) {}

    /**
     * What an int8 export quantized, and its outputs against the unfolded fp32 model on the check batch (the reloaded
     * model's, which equal the in-memory int8 model's).
     *
     * @param calibration the calibration set, described
     * @param rangeMethod how the activation ranges were taken from it (e.g. {@code min/max})
     * @param convolutions the convolutions of the folded graph
     * @param quantized those that run in int8
     * @param int8Fraction the fraction of the convolutions' multiply-adds in int8 (NaN with a dynamic size)
     * @param leftFloat the float convolutions with why they stay float, {@code name: reason}
     * @param fp32MaxAbsDiff per output, max |unfolded fp32 − int8| on the check batch
     * @param fp32Scale per output, max |unfolded fp32| on the check batch
     * @param top1Agreement the check images whose int8 top-1 class is the fp32 one (-1 without logits)
     * @param checkImages the images of the check batch
     */
    public record Quantization(
            String calibration,
            String rangeMethod,
            int convolutions,
            long quantized,
            double int8Fraction,
            List<String> leftFloat,
            Map<String, Double> fp32MaxAbsDiff,
            Map<String, Double> fp32Scale,
            int top1Agreement,
            int checkImages) {

        /** The value with unmodifiable copies. */
        public Quantization {
            leftFloat = List.copyOf(leftFloat);
            fp32MaxAbsDiff = Collections.unmodifiableMap(new LinkedHashMap<>(fp32MaxAbsDiff));
            fp32Scale = Collections.unmodifiableMap(new LinkedHashMap<>(fp32Scale));
        }
    }

    /** {@code saved_model.pb} plus {@code variables/}. */
    public long totalBytes() {
        return savedModelBytes + variablesBytes;
    }

    /**
     * Wall-clock milliseconds of the export steps (indicative).
     *
     * @param build building the graph and session
     * @param variables initializing or restoring the variables
     * @param reference computing the exporting session's outputs on the check batch
     * @param optimize reading the weights, building the folded graph and loading its values (0 unless optimized)
     * @param quantize calibrating the folded graph, writing the int8 graph and running the check batch on it (0
     *     unless int8)
     * @param write writing the SavedModel to the temporary directory
     * @param verify reloading it and comparing outputs
     * @param total the whole export, renames and cleanup included
     */
    public record Timings(
            long build,
            long variables,
            long reference,
            long optimize,
            long quantize,
            long write,
            long verify,
            long total) {}
}
