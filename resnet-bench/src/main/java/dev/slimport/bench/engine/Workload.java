/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.StepTrace;

/**
 * One source of the step {@code forward} times: a graph built here ({@link ForwardBenchmark}, every {@code --mode})
 * or an exported SavedModel's signature ({@link SavedModelBenchmark}). Opened without host tensors so that {@link
 * #memory()} can refuse a batch that cannot fit before anything big is allocated; {@link #prepare()} then creates the
 * session state and host inputs. A step is {@code Runner.run()} on a runner prepared once and closing its result.
 */
public interface Workload extends AutoCloseable {

    /** The memory one step needs, from the graph's static shapes. */
    MemoryEstimate memory();

    /** Creates the session state and the host inputs, and prepares the runner every step uses; call once. */
    void prepare();

    /** One step; its wall time in seconds. */
    double step();

    /** Two traced steps (the second is kept) with the median no-op round trip. */
    StepTrace trace();

    /** Images per step. */
    int batchSize();

    /** Sets what this workload fixes in the result's configuration: the network, its input and what a step runs. */
    void describe(BenchmarkResult.Config.Builder config);

    /** The network's size; {@code gflopPerBatch} counts what one step runs (the backward pass too in training). */
    BenchmarkResult.ModelInfo modelInfo();

    /** Graph build seconds (0 for a loaded SavedModel). */
    double buildSeconds();

    /** Session init seconds, or a SavedModel's load seconds. */
    double initSeconds();

    @Override
    void close();
}
