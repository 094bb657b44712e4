/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The seed notebook's output lines ({@code time_tensorflow_run}): Python's {@code str(datetime.now())} timestamp,
 * {@code step N, duration = 0.479} and {@code forward across 100 steps, 0.481 +/- 0.009 sec / batch}.
 */
public final class SeedFormat {
    private SeedFormat() {}

    /** {@code datetime.now()}'s format: {@code 2018-05-06 09:52:35.813644}. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** The notebook prints every 10th timed step. */
    public static final int PRINT_EVERY = 10;

    /** Whether timed step {@code step} (0-based) gets a line. */
    public static boolean printsStep(int step) {
        return step % PRINT_EVERY == 0;
    }

    /** {@code <timestamp>: step N, duration = D.DDD}. */
    public static String stepLine(LocalDateTime now, int step, double seconds) {
        return String.format(Locale.ROOT, "%s: step %d, duration = %.3f", TIMESTAMP.format(now), step, seconds);
    }

    /** {@code <timestamp>: <info> across N steps, M.MMM +/- S.SSS sec / batch}. */
    public static String acrossLine(LocalDateTime now, String info, LatencyStats stats) {
        return String.format(
                Locale.ROOT,
                "%s: %s across %d steps, %.3f +/- %.3f sec / batch",
                TIMESTAMP.format(now),
                info,
                stats.count(),
                stats.mean(),
                stats.stddev());
    }
}
