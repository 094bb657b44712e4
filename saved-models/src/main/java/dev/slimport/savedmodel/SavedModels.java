/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The entry points a CLI wraps: {@code export}, {@code verify}, checkpoint listing ({@link SavedModelInfo#read}
 * inspects a SavedModel without loading it). Each takes an options record and returns a result record; {@link
 * IllegalArgumentException} means bad arguments (exit 2), {@link SavedModelException} (and its {@link
 * CheckpointMismatchException}) a runtime failure (exit 1).
 */
public final class SavedModels {
    private SavedModels() {}

    /** Exports a verified SavedModel; see {@link SavedModelExporter}. */
    public static ExportResult export(ExportSpec spec) {
        return new SavedModelExporter().export(spec);
    }

    /**
     * Exports a verified SavedModel that stops, leaving nothing behind, when {@code cancellation} is cancelled; see
     * {@link SavedModelExporter#export(ExportSpec, ExportCancellation)}.
     */
    public static ExportResult export(ExportSpec spec, ExportCancellation cancellation) {
        return new SavedModelExporter().export(spec, cancellation);
    }

    /** Lists a checkpoint's tensors, sorted by key. */
    public static List<CheckpointEntry> listCheckpoint(Path prefix) {
        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            return reader.entries();
        }
    }

    /**
     * Loads any SavedModel (tag {@code serve}), lists its signatures and runs one batch of the chosen signature on
     * synthetic float32 input: unknown first dimensions become {@code batch}, other unknown dimensions {@code
     * imageSize}; values are uniform in [-1, 1] from {@code seed}.
     *
     * @throws IllegalArgumentException if there is no SavedModel at the directory or the signature does not exist
     * @throws SavedModelException if it is corrupt, lacks the {@code serve} tag, has a non-float32 or unknown-rank
     *     input, or the run fails
     */
    public static VerifyResult verify(VerifySpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec: must not be null");
        }
        long t0 = System.nanoTime();
        try (LoadedSavedModel model = LoadedSavedModel.load(spec.dir())) {
            long tLoaded = System.nanoTime();
            String key = spec.signatureKey() != null ? spec.signatureKey() : model.defaultSignatureKey();
            Map<String, FloatValues> inputs = new LinkedHashMap<>();
            long seed = spec.seed();
            for (var e : model.signature(key).inputs().entrySet()) {
                inputs.put(e.getKey(), FloatValues.uniform(feedShape(e.getKey(), e.getValue(), spec), seed++, -1f, 1f));
            }
            long tRun = System.nanoTime();
            Map<String, VerifyResult.OutputSummary> outputs =
                    model.run(key, inputs, SavedModels::summarize, IllegalStateException::new);
            long tDone = System.nanoTime();
            Map<String, Shape> fed = new LinkedHashMap<>();
            inputs.forEach((name, v) -> fed.put(name, v.shape()));
            return new VerifyResult(
                    model.dir(),
                    model.tags(),
                    model.signatures(),
                    key,
                    fed,
                    List.copyOf(outputs.values()),
                    (tLoaded - t0) / 1_000_000,
                    (tDone - tRun) / 1_000_000);
        }
    }

    private static Shape feedShape(String name, TensorSpec spec, VerifySpec options) {
        if (spec.dtype() != DataType.DT_FLOAT) {
            throw new SavedModelException("input '" + name + "' is " + Dtypes.name(spec.dtype())
                    + "; verify can only synthesize float32 inputs");
        }
        if (spec.shape().isUnknown()) {
            throw new SavedModelException("input '" + name + "' has an unknown rank; verify cannot synthesize it");
        }
        long[] dims = spec.shape().asArray();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                dims[i] = i == 0 ? options.batch() : options.imageSize();
            }
        }
        return Shape.of(dims);
    }

    private static VerifyResult.OutputSummary summarize(String name, Tensor t) {
        if (!(t instanceof TFloat32 f)) {
            return new VerifyResult.OutputSummary(
                    name, t.dataType(), t.shape(), Double.NaN, Double.NaN, Double.NaN, 0, -1);
        }
        FloatValues v = FloatValues.of(f);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long finite = 0;
        for (float x : v.data()) {
            if (Float.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
                finite++;
            }
        }
        int argmax = -1;
        if (v.shape().numDimensions() == 2 && v.shape().get(0) > 0 && v.shape().get(1) > 0) {
            int cols = (int) v.shape().get(1);
            argmax = 0;
            for (int j = 1; j < cols; j++) {
                if (v.data()[j] > v.data()[argmax]) {
                    argmax = j;
                }
            }
        }
        return new VerifyResult.OutputSummary(
                name,
                DataType.DT_FLOAT,
                v.shape(),
                finite == 0 ? Double.NaN : min,
                finite == 0 ? Double.NaN : max,
                finite == 0 ? Double.NaN : sum / finite,
                v.data().length - finite,
                argmax);
    }
}
