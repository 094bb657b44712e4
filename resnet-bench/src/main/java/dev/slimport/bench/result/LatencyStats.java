/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import java.util.Arrays;

/**
 * Summary statistics of step durations in seconds. Mean and standard deviation are the seed notebook's
 * ({@code time_tensorflow_run}: population variance, {@code E[x²] - E[x]²}, computed here without cancellation);
 * percentiles use linear interpolation between closest ranks (numpy's default).
 *
 * @param count the number of steps
 * @param mean the mean
 * @param stddev the population standard deviation
 * @param min the fastest step
 * @param median the 50th percentile
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the slowest step
 */
public record LatencyStats(
        int count, double mean, double stddev, double min, double median, double p90, double p99, double max) {

    /** The statistics of {@code seconds} (at least one value). */
    public static LatencyStats of(double[] seconds) {
        if (seconds == null || seconds.length == 0) {
            throw new IllegalArgumentException("seconds: at least one step duration is needed");
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double s : sorted) {
            sum += s;
        }
        double mean = sum / sorted.length;
        double squares = 0;
        for (double s : sorted) {
            squares += (s - mean) * (s - mean);
        }
        double sd = Math.sqrt(squares / sorted.length);
        return new LatencyStats(
                sorted.length,
                mean,
                sd,
                sorted[0],
                percentile(sorted, 50),
                percentile(sorted, 90),
                percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The {@code p}-th percentile (0..100) of ascending {@code sorted}, interpolated linearly. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
