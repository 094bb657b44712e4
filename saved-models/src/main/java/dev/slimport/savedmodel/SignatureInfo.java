/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
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
