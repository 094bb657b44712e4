/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory sampled every few calls of a soak, and the leak rate fitted to it. A soak child calls {@link #sample} after
 * call {@code i} and prints {@link #line}s; the test parses them back with {@link #parse} and decides on
 * {@link #bytesPerCall}: the least-squares slope of resident bytes against the call index over the samples after the
 * warm-up. An allocator that is still warming up adds a few steps of growth early and then levels off, which moves the
 * slope of the later samples little; a leak of {@code L} bytes per call gives a slope of {@code L} however fast the
 * machine is, so the two are told apart by a bound far below the leak and far above the noise.
 *
 * @param calls the call index of each sample
 * @param rssBytes VmRSS at each sample (after a GC and malloc_trim)
 * @param physicalBytes JavaCPP's physical-bytes counter at each sample
 */
public record MemorySeries(List<Integer> calls, List<Long> rssBytes, List<Long> physicalBytes) {

    private static final String PREFIX = "MEMORY_SAMPLE ";

    /** The line a child prints for a sample taken after {@code call} calls. */
    public static String sample(int call) {
        return PREFIX + call + " " + MemorySampler.residentBytes() + " " + MemorySampler.javacppPhysicalBytes();
    }

    /** The samples in a child's standard output. */
    public static MemorySeries parse(String stdout) {
        List<Integer> calls = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        List<Long> physical = new ArrayList<>();
        stdout.lines().filter(l -> l.startsWith(PREFIX)).forEach(l -> {
            String[] f = l.substring(PREFIX.length()).trim().split(" ");
            calls.add(Integer.parseInt(f[0]));
            rss.add(Long.parseLong(f[1]));
            physical.add(Long.parseLong(f[2]));
        });
        if (calls.size() < 3) {
            throw new AssertionError("fewer than 3 memory samples in the child's output:\n" + stdout);
        }
        return new MemorySeries(List.copyOf(calls), List.copyOf(rss), List.copyOf(physical));
    }

    /** The least-squares slope of VmRSS over the call index, in bytes per call. */
    public double rssBytesPerCall() {
        return slope(rssBytes);
    }

    /** The least-squares slope of JavaCPP's physical bytes over the call index, in bytes per call. */
    public double physicalBytesPerCall() {
        return slope(physicalBytes);
    }

    /** The larger of the two slopes. */
    public double bytesPerCall() {
        return Math.max(rssBytesPerCall(), physicalBytesPerCall());
    }

    /** Growth of VmRSS from the first to the last sample, as a fraction of the first. */
    public double rssGrowth() {
        return (double) (rssBytes.get(rssBytes.size() - 1) - rssBytes.get(0)) / rssBytes.get(0);
    }

    /** Growth of JavaCPP's physical bytes from the first to the last sample, as a fraction of the first. */
    public double physicalGrowth() {
        return (double) (physicalBytes.get(physicalBytes.size() - 1) - physicalBytes.get(0)) / physicalBytes.get(0);
    }

    private double slope(List<Long> y) {
        int n = calls.size();
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += calls.get(i);
            my += y.get(i);
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = calls.get(i) - mx;
            sxy += dx * (y.get(i) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%d samples over calls %d..%d: VmRSS %,d -> %,d bytes (%+.2f%%, fit %+,.0f B/call), JavaCPP physical %,d -> %,d"
                        + " (%+.2f%%, fit %+,.0f B/call)",
                calls.size(),
                calls.get(0),
                calls.get(calls.size() - 1),
                rssBytes.get(0),
                rssBytes.get(rssBytes.size() - 1),
                100 * rssGrowth(),
                rssBytesPerCall(),
                physicalBytes.get(0),
                physicalBytes.get(physicalBytes.size() - 1),
                100 * physicalGrowth(),
                physicalBytesPerCall());
    }
}
