/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Comparator;
import java.util.List;
import org.tensorflow.ndarray.Shape;

/**
 * A checkpoint that cannot initialize every selected model variable: some are missing from it, some have another
 * shape or dtype there. The message lists each offending name with both shapes; nothing was restored.
 */
public final class CheckpointMismatchException extends SavedModelException {
    private static final long serialVersionUID = 1L;

    /**
     * A model variable the checkpoint lacks, or holds with another shape or dtype.
     *
     * @param name the variable name
     * @param modelShape its float32 shape in the model
     * @param checkpoint the checkpoint's tensor of that name (its dtype and shape), null if the checkpoint lacks it
     */
    public record Mismatch(String name, Shape modelShape, CheckpointEntry checkpoint) {}

    private final transient List<Mismatch> missing;
    private final transient List<Mismatch> mismatched;

    /** {@code offending}: the variables in model order, those the checkpoint lacks with null checkpoint fields. */
    CheckpointMismatchException(String checkpoint, List<Mismatch> offending, String hint) {
        super(message(checkpoint, offending, hint));
        this.missing = offending.stream().filter(m -> m.checkpoint() == null).toList();
        this.mismatched = offending.stream().filter(m -> m.checkpoint() != null).toList();
    }

    /** The variables the checkpoint lacks, in model order. */
    public List<Mismatch> missing() {
        return missing;
    }

    /** The variables with another shape or dtype in the checkpoint, in model order. */
    public List<Mismatch> mismatched() {
        return mismatched;
    }

    private static String message(String checkpoint, List<Mismatch> offending, String hint) {
        long missing = offending.stream().filter(m -> m.checkpoint() == null).count();
        StringBuilder sb = new StringBuilder("checkpoint ").append(checkpoint).append(" does not match the model: ");
        sb.append(missing + " variable(s) missing, " + (offending.size() - missing))
                .append(" with another shape or dtype; nothing was restored");
        offending.stream()
                .sorted(Comparator.comparing(m -> m.checkpoint() != null))
                .forEach(m -> sb.append(
                        m.checkpoint() == null
                                ? "\n  missing:  " + m.name() + " (model float32 " + Dtypes.shape(m.modelShape()) + ")"
                                : "\n  mismatch: " + m.name() + " model float32 " + Dtypes.shape(m.modelShape())
                                        + ", checkpoint "
                                        + Dtypes.name(m.checkpoint().dtype()) + " "
                                        + Dtypes.shape(m.checkpoint().shape())));
        if (hint != null && !hint.isEmpty()) {
            sb.append("\n").append(hint);
        }
        return sb.toString();
    }
}
