/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;

/**
 * A signature of a SavedModel: its key, method name, inputs and outputs (sorted by name, as {@code
 * saved_model_cli show} lists them).
 *
 * @param key the signature key, e.g. {@code serving_default}
 * @param methodName the method name, empty if none
 * @param inputs the inputs by name
 * @param outputs the outputs by name
 */
public record SignatureInfo(
        String key, String methodName, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {

    /** The value, with unmodifiable copies of the maps. */
    public SignatureInfo {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** Reads a {@code SignatureDef}. */
    public static SignatureInfo of(String key, SignatureDef def) {
        Map<String, TensorSpec> in = new TreeMap<>();
        def.getInputsMap().forEach((name, info) -> in.put(name, TensorSpec.of(info)));
        Map<String, TensorSpec> out = new TreeMap<>();
        def.getOutputsMap().forEach((name, info) -> out.put(name, TensorSpec.of(info)));
        return new SignatureInfo(key, def.getMethodName(), in, out);
    }

    /**
     * The fully known shape to feed each input, by name: its declared shape with an unknown first dimension set to
     * {@code batch}, unknown dimensions 1 and 2 of a rank-4 input ({@code [B,H,W,C]}) set to {@code height} and {@code
     * width}, and any other unknown dimension set to {@code other}. A declared dimension is kept.
     *
     * @param other the size of any other unknown dimension, or -1 to refuse one
     * @throws SavedModelException for an input that is not float32, has an unknown rank, or has an unknown dimension
     *     that {@code other} = -1 refuses
     */
    public Map<String, Shape> feedShapes(long batch, long height, long width, long other) {
        Map<String, Shape> fed = new LinkedHashMap<>();
        inputs.forEach((name, spec) -> {
            if (spec.dtype() != DataType.DT_FLOAT || spec.shape().isUnknown()) {
                throw new SavedModelException("signature '" + key + "' input '" + name + "' is " + spec
                        + "; only float32 inputs of known rank can be fed synthetic values");
            }
            long[] dims = spec.shape().asArray();
            for (int i = 0; i < dims.length; i++) {
                boolean image = dims.length == 4 && (i == 1 || i == 2);
                long size = i == 0 ? batch : image ? (i == 1 ? height : width) : other;
                if (dims[i] < 0 && size < 0) {
                    throw new SavedModelException("signature '" + key + "' input '" + name + "' " + spec
                            + ": dimension " + i + " is unknown and nothing sets it (the batch size sets"
                            + " dimension 0, the height and width dimensions 1 and 2 of a rank-4 input)");
                }
                if (dims[i] < 0) {
                    dims[i] = size;
                }
            }
            fed.put(name, Shape.of(dims));
        });
        return fed;
    }

    /**
     * A text block, one line per tensor:
     *
     * <pre>
     * signature 'serving_default' (method tensorflow/serving/predict)
     *   input  images       float32 [-1,224,224,3]   images:0
     *   output logits       float32 [-1,1001]        serving_default/logits:0
     * </pre>
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("signature '").append(key).append("'");
        sb.append(methodName.isEmpty() ? " (no method name)" : " (method " + methodName + ")")
                .append('\n');
        inputs.forEach((name, spec) -> line(sb, "input ", name, spec));
        outputs.forEach((name, spec) -> line(sb, "output", name, spec));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String kind, String name, TensorSpec spec) {
        sb.append(String.format("  %s %-12s %-24s %s%n", kind, name, spec, spec.tensorName()));
    }
}
