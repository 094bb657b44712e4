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
import java.util.Set;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * What {@code verify} found: the SavedModel's signatures and one run of the chosen one on synthetic input.
 *
 * @param dir the resolved SavedModel directory
 * @param tags the loaded MetaGraph's tags
 * @param signatures every callable signature, sorted by key
 * @param signatureKey the signature that was run
 * @param fed the shape fed to each input
 * @param outputs a summary of each output, sorted by name
 * @param loadMillis the load time (indicative)
 * @param runMillis the time of the one run (indicative; a first run includes graph optimization)
 */
public record VerifyResult(
        Path dir,
        Set<String> tags,
        List<SignatureInfo> signatures,
        String signatureKey,
        Map<String, Shape> fed,
        List<OutputSummary> outputs,
        long loadMillis,
        long runMillis) {

    /** The value with unmodifiable copies. */
    public VerifyResult {
        signatures = List.copyOf(signatures);
        fed = Collections.unmodifiableMap(new LinkedHashMap<>(fed));
        outputs = List.copyOf(outputs);
    }

    /**
     * Whether the run was fed generated encoded image files (a signature whose only input is a string vector, such as
     * {@code serving_bytes}) rather than uniform float32 values; {@link #fed()} then holds {@code [number of files]}.
     */
    public boolean fedEncodedImages() {
        return signatures.stream()
                .filter(s -> s.key().equals(signatureKey))
                .anyMatch(s -> s.inputs().size() == 1
                        && s.inputs().values().iterator().next().dtype() == DataType.DT_STRING);
    }

    /** Whether every float output is finite. */
    public boolean allFinite() {
        return outputs.stream().allMatch(o -> o.nonFinite() == 0);
    }

    /**
     * One output of the run. Statistics are over all elements of a float32 output, NaN for other dtypes.
     *
     * @param name the output name
     * @param dtype its dtype
     * @param shape the shape it had
     * @param min the smallest finite value
     * @param max the largest finite value
     * @param mean the mean of the finite values
     * @param nonFinite the number of NaN or infinite values
     * @param argmaxFirst for a rank-2 float output, the index of the largest value of the first row (top-1), else -1
     */
    public record OutputSummary(
            String name,
            DataType dtype,
            Shape shape,
            double min,
            double max,
            double mean,
            long nonFinite,
            int argmaxFirst) {

        /** {@code logits float32 [1,1001] min -3.2 max 4.1 mean 0.01 top1[0]=65}. */
        @Override
        public String toString() {
            String s = name + " " + Dtypes.name(dtype) + " " + Dtypes.shape(shape);
            if (dtype == DataType.DT_FLOAT) {
                s += String.format(" min %.6g max %.6g mean %.6g", min, max, mean);
                if (nonFinite > 0) {
                    s += " NON-FINITE " + nonFinite;
                }
                if (argmaxFirst >= 0) {
                    s += " top1[0]=" + argmaxFirst;
                }
            }
            return s;
        }
    }
}
