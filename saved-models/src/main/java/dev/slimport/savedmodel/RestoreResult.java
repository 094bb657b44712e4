/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.util.List;

/**
 * What a checkpoint restore did.
 *
 * @param checkpoint the checkpoint prefix
 * @param restored the variables now holding checkpoint values, in model order
 * @param excluded the variables left at their initializers because an exclude scope matched, in model order
 * @param unusedKeys the checkpoint's keys no restored variable took (e.g. {@code global_step}, optimizer slots,
 *     excluded variables), sorted
 */
public record RestoreResult(Path checkpoint, List<String> restored, List<String> excluded, List<String> unusedKeys) {

    /** The value with unmodifiable copies of the lists. */
    public RestoreResult {
        restored = List.copyOf(restored);
        excluded = List.copyOf(excluded);
        unusedKeys = List.copyOf(unusedKeys);
    }
}
