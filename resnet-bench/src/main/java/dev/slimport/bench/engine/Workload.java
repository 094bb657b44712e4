/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.LatencyStats;
import dev.slimport.bench.result.StepTrace;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * One source of the step {@code forward} times: a graph built here ({@link ForwardBenchmark}, every {@code --mode})
 * or an exported SavedModel's signature ({@link SavedModelBenchmark}), with the step, trace and host-tensor handling
 * they share. Opened without host tensors so that {@link #memory()} can refuse a batch that cannot fit before
 * anything big is allocated; {@link #prepare()} then creates the session state and host inputs. A step is {@code
 * Runner.run()} on a runner prepared once and closing its result — nothing else happens in Java per step (the
 * {@code --with-ceiling} convolution is run and traced the same way, {@link #seconds}, {@link #traced}).
 */
public abstract sealed class Workload implements AutoCloseable permits ForwardBenchmark, SavedModelBenchmark {

    /** How many no-op runs {@link #trace} times for the Java round trip. */
    static final int NOOP_RUNS = 100;

    private final List<Tensor> hostTensors = new ArrayList<>();
    private Session.Runner runner;

    /** The graph the steps run, set by the constructor. */
    Graph graph;

    /** The session the steps run in, set by the constructor or {@link #open()}. */
    Session session;

    /** Graph build seconds (0 for a loaded SavedModel). */
    double buildSeconds;

    /** Session init seconds, or a SavedModel's load seconds. */
    double initSeconds;

    /** The memory one step needs, from the static shapes of {@link #graph}. */
    public MemoryEstimate memory() {
        return MemoryEstimate.of(graph);
    }

    /** Images per step. */
    public abstract int batchSize();

    /** Sets what this workload fixes in the result's configuration: the network, its input and what a step runs. */
    abstract void describe(BenchmarkResult.Config.Builder config);

    /** The network's size; {@code gflopPerBatch} counts what one step runs (the backward pass too in training). */
    abstract BenchmarkResult.ModelInfo modelInfo();

    /** Creates the session state and the host inputs (each {@link #own owned}). */
    abstract void open();

    /** {@code r} with the step's feeds and fetches. */
    abstract Session.Runner prepared(Session.Runner r);

    /** Releases the session and graph; the host tensors are closed already. */
    abstract void release();

    /** {@code tensor}, closed with this workload. */
    final <T extends Tensor> T own(T tensor) {
        hostTensors.add(tensor);
        return tensor;
    }

    /** Creates the session state and the host inputs, and prepares the runner every step uses; call once. */
    public final void prepare() {
        if (runner != null) {
            throw new IllegalStateException("prepare: already prepared");
        }
        open();
        runner = prepared(session.runner());
    }

    /** One step; its wall time in seconds. */
    public final double step() {
        return seconds(runner);
    }

    /**
     * Two steps with {@code FULL_TRACE} step stats (the second is kept: the first traced call pays one-time costs),
     * plus the median of {@value #NOOP_RUNS} {@code run()} calls fetching a constant added to the graph for that
     * purpose (it changes nothing a step runs).
     */
    public final StepTrace trace() {
        traced(prepared(session.runner()));
        StepTrace trace = traced(prepared(session.runner()));
        Session.Runner noop = session.runner()
                .fetch(Ops.create(graph).withName("resnet_bench_noop_probe").constant(0));
        double[] noopSeconds = new double[NOOP_RUNS];
        for (int i = 0; i < noopSeconds.length; i++) {
            noopSeconds[i] = seconds(noop);
        }
        return trace.withNoopRun(LatencyStats.of(noopSeconds).median());
    }

    /**
     * The result of the steps done so far: {@code config} completed with what this workload fixes, the timings and
     * statistics of {@code steps}, and what was measured after them ({@code trace}, {@code check}, null when not).
     * With {@code ceiling} (the precision of the {@code --with-ceiling} convolution, null without) {@code steps}' paired
     * steps are that convolution's.
     */
    public final BenchmarkResult result(
            BenchmarkResult.Config.Builder config,
            EnvironmentInfo env,
            LocalDateTime startedAt,
            TimedSteps steps,
            StepTrace trace,
            BenchmarkResult.PrecisionCheck check,
            RunPrecision ceiling,
            boolean interrupted) {
        double[] warm = steps.warmupSeconds();
        double[] timed = steps.stepSeconds();
        describe(config);
        BenchmarkResult.ModelInfo model = modelInfo();
        double gflop = model.gflopPerBatch();
        LatencyStats stats = timed.length == 0 ? null : LatencyStats.of(timed);
        return new BenchmarkResult(
                BenchmarkResult.SCHEMA_VERSION,
                startedAt.toString(),
                config.build(),
                env,
                model,
                new BenchmarkResult.Timings(
                        buildSeconds,
                        initSeconds,
                        warm.length > 0 ? warm[0] : timed.length > 0 ? timed[0] : Double.NaN,
                        Arrays.stream(warm).boxed().toList(),
                        Arrays.stream(timed).boxed().toList(),
                        interrupted),
                stats,
                stats == null ? null : new BenchmarkResult.Throughput(batchSize() / stats.mean(), gflop / stats.mean()),
                trace,
                check,
                ceiling == null || timed.length == 0 || Double.isNaN(gflop)
                        ? null
                        : BenchmarkResult.Ceiling.of(
                                ceiling.label(),
                                ConvCeiling.BATCH,
                                ConvCeiling.flopPerStep(ConvCeiling.BATCH),
                                gflop,
                                timed,
                                steps.pairedSeconds(),
                                timed.length));
    }

    /** One run of {@code runner}, its {@link Result} closed; the wall time in seconds. */
    static double seconds(Session.Runner runner) {
        long t0 = System.nanoTime();
        try (Result r = runner.run()) {
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** One run of {@code runner} with {@code FULL_TRACE} step stats. */
    static StepTrace traced(Session.Runner runner) {
        runner.setOptions(RunOptions.newBuilder()
                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                .build());
        long t0 = System.nanoTime();
        try (Result r = runner.runAndFetchMetadata()) {
            double wall = (System.nanoTime() - t0) / 1e9;
            return StepTrace.of(r.getMetadata().orElse(RunMetadata.getDefaultInstance()), wall);
        }
    }

    /** Closes the host tensors, then the session and graph. */
    @Override
    public final void close() {
        try {
            hostTensors.forEach(Tensor::close);
        } finally {
            release();
        }
    }
}
