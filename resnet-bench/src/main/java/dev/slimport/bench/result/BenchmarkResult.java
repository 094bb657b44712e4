/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import dev.slimport.bench.host.EnvironmentInfo;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code forward} run, as written by {@code --format json} (snake_case keys) and read back by {@code plot}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param startedAt the local start time, ISO-8601
 * @param config what was asked for and used
 * @param environment where it ran
 * @param model the network's size
 * @param timings build, init, first step, warm-up and every timed step
 * @param summary statistics of the timed steps (null when none completed)
 * @param throughput images/s and GFLOP/s from the mean step time (null when no step completed)
 * @param trace one traced step: graph time versus wall time and time per op type (null when not traced)
 * @param precisionCheck the logits against fp32 on the same weights (null for fp32 runs)
 * @param ceiling the Conv2D ceiling measured side by side with the timed steps ({@code --with-ceiling}); null
 *     otherwise
 */
public record BenchmarkResult(
        int schemaVersion,
        String startedAt,
        Config config,
        EnvironmentInfo environment,
        ModelInfo model,
        Timings timings,
        LatencyStats summary,
        Throughput throughput,
        StepTrace trace,
        PrecisionCheck precisionCheck,
        Ceiling ceiling) {

    /** The version of this layout. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The run's configuration.
     *
     * @param model e.g. {@code resnet_v2_152}
     * @param batchSize images per step
     * @param height image height
     * @param width image width
     * @param numClasses logits per image
     * @param outputStride the output stride asked for, or null
     * @param dataFormat NHWC or NCHW
     * @param precision fp32, bf16 or fp16
     * @param optimized whether the batch norms were folded into the convolutions
     * @param seed the seed
     * @param input random (in graph) or fixed (fed)
     * @param warmup burn-in steps
     * @param numBatches timed steps asked for
     * @param deviceRequested the {@code --device} value
     * @param deviceUsed the device the graph ran on
     * @param intraOpThreads 0 = TensorFlow's choice
     * @param interOpThreads 0 = TensorFlow's choice
     * @param xla whether XLA was asked for
     * @param savedModel for {@code forward --saved-model}: the SavedModel directory that ran (then {@code model} is
     *     its variables' scope, {@code precision} its input's dtype and {@code dataFormat} null); null otherwise
     * @param signature for {@code forward --saved-model}: the signature key that ran; null otherwise
     * @param mode what a step runs; results written before the modes existed have none and read as {@link
     *     StepMode#INFERENCE}
     * @param learningRate {@code --mode train}: the learning rate; null otherwise
     * @param momentum {@code --mode train}: the momentum; null otherwise
     * @param calibration {@code --precision int8}: the calibration set the int8 graph was calibrated on; null otherwise
     */
    public record Config(
            String model,
            int batchSize,
            int height,
            int width,
            int numClasses,
            Integer outputStride,
            String dataFormat,
            String precision,
            boolean optimized,
            long seed,
            String input,
            int warmup,
            int numBatches,
            String deviceRequested,
            String deviceUsed,
            int intraOpThreads,
            int interOpThreads,
            boolean xla,
            String savedModel,
            String signature,
            StepMode mode,
            Double learningRate,
            Double momentum,
            String calibration) {

        /** The configuration; no mode is {@link StepMode#INFERENCE}. */
        public Config {
            mode = mode == null ? StepMode.INFERENCE : mode;
        }

        /**
         * The components by name, set where they are known (the workload sets the network's, the command the run's);
         * unset ones are null, 0 or false. {@link #build()} makes the record.
         */
        public static final class Builder {
            public String model;
            public int batchSize;
            public int height;
            public int width;
            public int numClasses;
            public Integer outputStride;
            public String dataFormat;
            public String precision;
            public boolean optimized;
            public long seed;
            public String input;
            public int warmup;
            public int numBatches;
            public String deviceRequested;
            public String deviceUsed;
            public int intraOpThreads;
            public int interOpThreads;
            public boolean xla;
            public String savedModel;
            public String signature;
            public StepMode mode;
            public Double learningRate;
            public Double momentum;
            public String calibration;

            /** The {@link Config} of the components set. */
            public Config build() {
                return new Config(
                        model,
                        batchSize,
                        height,
                        width,
                        numClasses,
                        outputStride,
                        dataFormat,
                        precision,
                        optimized,
                        seed,
                        input,
                        warmup,
                        numBatches,
                        deviceRequested,
                        deviceUsed,
                        intraOpThreads,
                        interOpThreads,
                        xla,
                        savedModel,
                        signature,
                        mode,
                        learningRate,
                        momentum,
                        calibration);
            }
        }
    }

    /**
     * The network's size.
     *
     * @param scope the variable scope
     * @param parameters all variables' scalars (moving statistics included)
     * @param trainableParameters trainable scalars (-1 for a SavedModel, which does not record it)
     * @param multiplyAddsPerImage the convolutions' multiply-adds per image (-1 if unknown)
     * @param gflopPerBatch {@code 2 * multiplyAdds * batch / 1e9}
     */
    public record ModelInfo(
            String scope, long parameters, long trainableParameters, long multiplyAddsPerImage, double gflopPerBatch) {}

    /**
     * Times in seconds.
     *
     * @param graphBuildSeconds building the graph in Java
     * @param sessionInitSeconds creating the session and running the initializers
     * @param firstStepSeconds the first step (Grappler, oneDNN primitive creation, XLA compilation)
     * @param warmupSeconds every burn-in step
     * @param stepSeconds every timed step
     * @param interrupted whether the run was cut short (Ctrl-C)
     */
    public record Timings(
            double graphBuildSeconds,
            double sessionInitSeconds,
            double firstStepSeconds,
            List<Double> warmupSeconds,
            List<Double> stepSeconds,
            boolean interrupted) {}

    /**
     * Rates from the mean step time.
     *
     * @param imagesPerSecond batch / mean
     * @param gflopsPerSecond {@code gflopPerBatch / mean}
     */
    public record Throughput(double imagesPerSecond, double gflopsPerSecond) {}

    /**
     * The low-precision logits against float32 logits of the same weights on the same images.
     *
     * @param reference {@code fp32}
     * @param images how many images were compared
     * @param maxAbsDifference {@code max |low - fp32|}
     * @param maxAbsReference {@code max |fp32|}
     * @param relativeDifference {@code maxAbsDifference / maxAbsReference}
     * @param top1Matches images whose arg-max class agrees
     */
    public record PrecisionCheck(
            String reference,
            int images,
            double maxAbsDifference,
            double maxAbsReference,
            double relativeDifference,
            int top1Matches) {}

    /**
     * The Conv2D ceiling ({@code resnet-bench ceiling}) measured side by side: one ceiling step right after every timed step,
     * in the same process and precision, so that a slower or busier machine slows both alike and their ratio stays
     * comparable between runs.
     *
     * @param precision the ceiling's precision (the network's)
     * @param batchSize the ceiling's batch (32, as {@code resnet-bench ceiling})
     * @param flopPerStep the ceiling's floating-point operations per step
     * @param stepSeconds ceiling step {@code i} ran right after timed step {@code i}
     * @param summary their statistics
     * @param gflopsPerSecond {@code flopPerStep / median / 1e9}
     * @param ratios per pair {@code i}: the network's GFLOP/s in timed step {@code i} over the ceiling's in step
     *     {@code i}
     * @param ratio the statistics of {@code ratios}
     */
    public record Ceiling(
            String precision,
            int batchSize,
            double flopPerStep,
            List<Double> stepSeconds,
            LatencyStats summary,
            double gflopsPerSecond,
            List<Double> ratios,
            LatencyStats ratio) {

        /**
         * The ceiling for {@code networkSeconds[i]} paired with {@code ceilingSeconds[i]}, {@code i < pairs}.
         *
         * @param networkGflopPerStep the network's GFLOP per timed step
         */
        public static Ceiling of(
                String precision,
                int batchSize,
                double flopPerStep,
                double networkGflopPerStep,
                double[] networkSeconds,
                double[] ceilingSeconds,
                int pairs) {
            if (pairs < 1 || pairs > networkSeconds.length || pairs > ceilingSeconds.length) {
                throw new IllegalArgumentException("pairs: must be in [1, "
                        + Math.min(networkSeconds.length, ceilingSeconds.length) + "], got " + pairs);
            }
            double[] ceiling = Arrays.copyOf(ceilingSeconds, pairs);
            double[] ratios = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                ratios[i] = (networkGflopPerStep / networkSeconds[i]) / (flopPerStep / 1e9 / ceiling[i]);
            }
            LatencyStats stats = LatencyStats.of(ceiling);
            return new Ceiling(
                    precision,
                    batchSize,
                    flopPerStep,
                    Arrays.stream(ceiling).boxed().toList(),
                    stats,
                    flopPerStep / stats.median() / 1e9,
                    Arrays.stream(ratios).boxed().toList(),
                    LatencyStats.of(ratios));
        }
    }
}
