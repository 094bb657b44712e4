/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an export wrote and how its reload check went.
 *
 * @param target the SavedModel directory, {@code out/<version>}
 * @param signature the {@code serving_default} signature as reloaded
 * @param replacedExisting whether an existing target was replaced ({@code force})
 * @param savedModelBytes the size of {@code saved_model.pb}
 * @param variablesBytes the size of {@code variables/}
 * @param variableCount the number of model variables
 * @param parameterCount the number of scalars in them
 * @param restore the checkpoint restore, if the weights came from one
 * @param maxAbsDiff per output, the largest |exporting session - reloaded model| on the check batch (≤ {@link
 *     SavedModelExporter#TOLERANCE})
 * @param timings wall-clock milliseconds of each step
 */
public record ExportResult(
    Path target,
    SignatureInfo signature,
    boolean replacedExisting,
    long savedModelBytes,
    long variablesBytes,
    int variableCount,
    long parameterCount,
    Optional<RestoreResult> restore,
    Map<String, Double> maxAbsDiff,
    Timings timings) {

  /** The value with an unmodifiable copy of {@code maxAbsDiff}. */
  public ExportResult {
    maxAbsDiff = Collections.unmodifiableMap(new LinkedHashMap<>(maxAbsDiff));
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
   * @param write writing the SavedModel to the temporary directory
   * @param verify reloading it and comparing outputs
   * @param total the whole export, renames and cleanup included
   */
  public record Timings(long build, long variables, long reference, long write, long verify, long total) {}
}
