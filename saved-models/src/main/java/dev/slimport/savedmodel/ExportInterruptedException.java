/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;

/**
 * An export stopped by a cancel of its {@link ExportCancellation} (a CLI's Ctrl-C) or an interrupt of its thread: its temporary directory was
 * removed and nothing was installed at the target. A CLI maps it to exit status 130, like an interrupted benchmark.
 */
public final class ExportInterruptedException extends SavedModelException {
    private static final long serialVersionUID = 1L;

    /**
     * An interrupted export of {@code target}.
     *
     * @param when where it stopped, e.g. {@code "after writing"}
     * @param cause the failure the interrupt caused, or null
     */
    public ExportInterruptedException(Path target, String when, Throwable cause) {
        super(
                "export to " + target + " interrupted " + when + "; nothing was installed and its temporary files were"
                        + " removed",
                cause);
    }
}
