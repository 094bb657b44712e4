/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress from Spark's own accounting: a listener on the driver's listener bus that prints, to stderr, one line per
 * finished task (at most one a second, and always the stage's last): the stage's finished and total tasks (from
 * the scheduler's stage info) and the images and errors counted so far (the job's accumulators, which the
 * scheduler merges before it posts the task's end).
 */
final class InferenceProgress extends SparkListener {
    private final PrintStream out;
    private final PartitionInference.Counters counters;
    private final long start = System.nanoTime();
    private final Map<Integer, int[]> stages = new ConcurrentHashMap<>();
    private long lastPrint;
    private int jobsStarted;
    private int jobsEnded;

    InferenceProgress(PrintStream out, PartitionInference.Counters counters) {
        this.out = out;
        this.counters = counters;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart event) {
        jobsStarted++;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd event) {
        jobsEnded++;
        notifyAll();
    }

    /**
     * Waits (at most {@code millis}) until the listener bus, which delivers asynchronously, has delivered the end of
     * every job it delivered the start of, so the last progress lines are printed before the caller moves on.
     */
    synchronized void awaitJobsDelivered(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (jobsStarted == 0 || jobsEnded < jobsStarted) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        stages.put(event.stageInfo().stageId(), new int[] {event.stageInfo().numTasks(), 0});
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
        int[] s = stages.get(event.stageId());
        if (s == null) {
            return;
        }
        if (event.taskInfo().successful()) {
            s[1]++;
        }
        long now = System.nanoTime();
        if (s[1] == s[0] || now - lastPrint >= 1_000_000_000L) {
            lastPrint = now;
            double seconds = (now - start) / 1e9;
            long errors = counters.errors().value();
            long n = counters.images().value() + errors;
            out.printf(
                    Locale.ROOT,
                    "spark-infer: stage %d: %d/%d tasks, %d images (%d errors), %.1f images/s, %.1f s%n",
                    event.stageId(),
                    s[1],
                    s[0],
                    n,
                    errors,
                    seconds > 0 ? n / seconds : 0.0,
                    seconds);
            out.flush();
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        stages.remove(event.stageInfo().stageId());
    }
}
