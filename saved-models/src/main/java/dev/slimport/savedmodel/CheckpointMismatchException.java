/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A checkpoint that cannot initialize every selected model variable: some are missing from it, some have another
 * shape or dtype there. The message lists each offending name with both shapes; nothing was restored.
 */
public final class CheckpointMismatchException extends SavedModelException {
    private static final long serialVersionUID = 1L;

    /**
     * A model variable the checkpoint lacks.
     *
     * @param name the variable name
     * @param modelShape its shape in the model
     */
    public record Missing(String name, Shape modelShape) {}

    /**
     * A model variable the checkpoint holds with another shape or dtype.
     *
     * @param name the variable name
     * @param modelShape its float32 shape in the model
     * @param checkpointDtype the checkpoint tensor's dtype
     * @param checkpointShape the checkpoint tensor's shape
     */
    public record Mismatch(String name, Shape modelShape, DataType checkpointDtype, Shape checkpointShape) {}

    private final transient List<Missing> missing;
    private final transient List<Mismatch> mismatched;

    CheckpointMismatchException(String checkpoint, List<Missing> missing, List<Mismatch> mismatched, String hint) {
        super(message(checkpoint, missing, mismatched, hint));
        this.missing = List.copyOf(missing);
        this.mismatched = List.copyOf(mismatched);
    }

    /** The variables the checkpoint lacks, in model order. */
    public List<Missing> missing() {
        return missing;
    }

    /** The variables with another shape or dtype in the checkpoint, in model order. */
    public List<Mismatch> mismatched() {
        return mismatched;
    }

    private static String message(String checkpoint, List<Missing> missing, List<Mismatch> mismatched, String hint) {
        StringBuilder sb = new StringBuilder("checkpoint ").append(checkpoint).append(" does not match the model: ");
        sb.append(missing.size())
                .append(" variable(s) missing, ")
                .append(mismatched.size())
                .append(" with another shape or dtype; nothing was restored");
        for (Missing m : missing) {
            sb.append("\n  missing:  " + m.name() + " (model float32 " + Dtypes.shape(m.modelShape()) + ")");
        }
        for (Mismatch m : mismatched) {
            sb.append("\n  mismatch: " + m.name() + " model float32 " + Dtypes.shape(m.modelShape()) + ", checkpoint "
                    + Dtypes.name(m.checkpointDtype()) + " " + Dtypes.shape(m.checkpointShape()));
        }
        if (hint != null && !hint.isEmpty()) {
            sb.append("\n").append(hint);
        }
        return sb.toString();
    }
}
