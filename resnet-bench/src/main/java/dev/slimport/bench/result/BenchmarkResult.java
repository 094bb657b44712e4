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
     * @param mode what a step runs: {@code inference}, {@code forward-backward} or {@code train} ({@link StepMode});
     *     null in results written before the modes existed (= inference)
     * @param learningRate {@code --mode train}: the learning rate; null otherwise
     * @param momentum {@code --mode train}: the momentum; null otherwise
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
            String mode,
            Double learningRate,
            Double momentum) {

        /** A builder: every component named, none by position; the mode is inference unless set. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds a {@link Config}, one named setter per component. */
        public static final class Builder {
            private String model;
            private int batchSize;
            private int height;
            private int width;
            private int numClasses;
            private Integer outputStride;
            private String dataFormat;
            private String precision;
            private boolean optimized;
            private long seed;
            private String input;
            private int warmup;
            private int numBatches;
            private String deviceRequested;
            private String deviceUsed;
            private int intraOpThreads;
            private int interOpThreads;
            private boolean xla;
            private String savedModel;
            private String signature;
            private String mode = StepMode.INFERENCE.label();
            private Double learningRate;
            private Double momentum;

            /** Sets {@code model}. */
            public Builder model(String value) {
                model = value;
                return this;
            }

            /** Sets {@code batchSize}. */
            public Builder batchSize(int value) {
                batchSize = value;
                return this;
            }

            /** Sets {@code height}. */
            public Builder height(int value) {
                height = value;
                return this;
            }

            /** Sets {@code width}. */
            public Builder width(int value) {
                width = value;
                return this;
            }

            /** Sets {@code numClasses}. */
            public Builder numClasses(int value) {
                numClasses = value;
                return this;
            }

            /** Sets {@code outputStride}. */
            public Builder outputStride(Integer value) {
                outputStride = value;
                return this;
            }

            /** Sets {@code dataFormat}. */
            public Builder dataFormat(String value) {
                dataFormat = value;
                return this;
            }

            /** Sets {@code precision}. */
            public Builder precision(String value) {
                precision = value;
                return this;
            }

            /** Sets {@code optimized}. */
            public Builder optimized(boolean value) {
                optimized = value;
                return this;
            }

            /** Sets {@code seed}. */
            public Builder seed(long value) {
                seed = value;
                return this;
            }

            /** Sets {@code input}. */
            public Builder input(String value) {
                input = value;
                return this;
            }

            /** Sets {@code warmup}. */
            public Builder warmup(int value) {
                warmup = value;
                return this;
            }

            /** Sets {@code numBatches}. */
            public Builder numBatches(int value) {
                numBatches = value;
                return this;
            }

            /** Sets {@code deviceRequested}. */
            public Builder deviceRequested(String value) {
                deviceRequested = value;
                return this;
            }

            /** Sets {@code deviceUsed}. */
            public Builder deviceUsed(String value) {
                deviceUsed = value;
                return this;
            }

            /** Sets {@code intraOpThreads}. */
            public Builder intraOpThreads(int value) {
                intraOpThreads = value;
                return this;
            }

            /** Sets {@code interOpThreads}. */
            public Builder interOpThreads(int value) {
                interOpThreads = value;
                return this;
            }

            /** Sets {@code xla}. */
            public Builder xla(boolean value) {
                xla = value;
                return this;
            }

            /** Sets {@code savedModel}. */
            public Builder savedModel(String value) {
                savedModel = value;
                return this;
            }

            /** Sets {@code signature}. */
            public Builder signature(String value) {
                signature = value;
                return this;
            }

            /** Sets {@code mode}. */
            public Builder mode(String value) {
                mode = value;
                return this;
            }

            /** Sets {@code learningRate}. */
            public Builder learningRate(Double value) {
                learningRate = value;
                return this;
            }

            /** Sets {@code momentum}. */
            public Builder momentum(Double value) {
                momentum = value;
                return this;
            }

            /** The configuration. */
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
                        momentum);
            }
        }

        /** The step mode; {@link StepMode#INFERENCE} when not recorded. */
        public StepMode stepMode() {
            return StepMode.ofLabel(mode);
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
