/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.util.DoubleSummaryStatistics;
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
     * Loads any SavedModel (tag {@code serve}), lists its signatures and runs one batch of the chosen signature
     * (default: {@code serving_default}, or the only one) on synthetic input. Float32 inputs: unknown first dimensions
     * become {@code batch}, other unknown dimensions {@code imageSize}; values are uniform in [-1, 1] from {@code
     * seed}. A signature whose only input is a string vector, such as {@code serving_bytes}, is fed {@code batch}
     * encoded images (PNG and JPEG, alternating) of about {@code imageSize}, different sizes, pixels from {@code seed}.
     *
     * @throws IllegalArgumentException if there is no SavedModel at the directory, or no such signature (no default one)
     * @throws SavedModelException if it is corrupt, lacks the {@code serve} tag, has an input that is neither float32
     *     of known rank nor the only, string vector, input, or the run fails
     */
    public static VerifyResult verify(VerifySpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec: must not be null");
        }
        long t0 = System.nanoTime();
        try (LoadedSavedModel model = LoadedSavedModel.load(spec.dir())) {
            long tLoaded = System.nanoTime();
            SignatureInfo sig = model.signature(spec.signatureKey());
            int size = spec.imageSize();
            Map<String, Shape> fed;
            long tRun;
            Map<String, VerifyResult.OutputSummary> outputs;
            if (takesEncodedImages(sig)) {
                String name = LoadedSavedModel.encodedInput(sig);
                List<byte[]> images = CheckImages.of(spec.batch(), size, spec.seed());
                fed = Map.of(name, Shape.of(spec.batch()));
                tRun = System.nanoTime();
                outputs = model.runEncoded(sig.key(), images, SavedModels::summarize);
            } else {
                fed = sig.feedShapes(spec.batch(), size, size, size);
                Map<String, FloatValues> inputs = new LinkedHashMap<>();
                long seed = spec.seed();
                for (var e : fed.entrySet()) {
                    inputs.put(e.getKey(), FloatValues.uniform(e.getValue(), seed++, -1f, 1f));
                }
                tRun = System.nanoTime();
                outputs = model.run(sig.key(), inputs, SavedModels::summarize);
            }
            long tDone = System.nanoTime();
            return new VerifyResult(
                    model.dir(),
                    model.tags(),
                    model.signatures(),
                    sig.key(),
                    fed,
                    List.copyOf(outputs.values()),
                    (tLoaded - t0) / 1_000_000,
                    (tDone - tRun) / 1_000_000);
        }
    }

    private static boolean takesEncodedImages(SignatureInfo sig) {
        return sig.inputs().size() == 1
                && sig.inputs().values().iterator().next().dtype() == DataType.DT_STRING;
    }

    private static VerifyResult.OutputSummary summarize(String name, Tensor t) {
        if (!(t instanceof TFloat32 f)) {
            return new VerifyResult.OutputSummary(
                    name, t.dataType(), t.shape(), Double.NaN, Double.NaN, Double.NaN, 0, -1);
        }
        FloatValues v = FloatValues.of(f);
        DoubleSummaryStatistics finite = new DoubleSummaryStatistics();
        for (float x : v.data()) {
            if (Float.isFinite(x)) {
                finite.accept(x);
            }
        }
        boolean none = finite.getCount() == 0;
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
                none ? Double.NaN : finite.getMin(),
                none ? Double.NaN : finite.getMax(),
                none ? Double.NaN : finite.getAverage(),
                v.data().length - finite.getCount(),
                argmax);
    }
}
