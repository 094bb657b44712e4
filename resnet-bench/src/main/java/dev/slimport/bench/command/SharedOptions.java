/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ModelSpec;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.StridePlan;
import dev.slimport.resnet.optimize.Int8Quantization;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.runtime.SessionConfigs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.savedmodel.CalibrationSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option that more than one command takes, each declared once: one mixin per option or group of options that
 * go together; a command passes its default to the constructor. The typed options are converted by {@link
 * Converters}.
 */
public final class SharedOptions {
    private SharedOptions() {}

    /** {@code --batch-size}/{@code -b}: {@code forward}, {@code describe}, {@code ceiling}, {@code verify}, {@code train-demo}. */
    public static final class BatchSize {
        @Option(
                names = {"--batch-size", "-b"},
                paramLabel = "N",
                description = "Images per batch; for a SavedModel, the size of an unknown first dimension (default:"
                        + " ${DEFAULT-VALUE}).")
        int value;

        BatchSize(int value) {
            this.value = value;
        }

        /** The value, at least 1. */
        int checked() {
            if (value < 1) {
                throw new IllegalArgumentException("--batch-size: must be >= 1, got " + value);
            }
            return value;
        }
    }

    /** {@code --image-size}: {@code forward}, {@code describe}, {@code export}, {@code verify}, {@code train-demo}. */
    public static final class ImageSize {
        @Option(
                names = "--image-size",
                paramLabel = "SIZE",
                description = "Height and width of the images; for a --dynamic-size SavedModel, the size it is checked"
                        + " or run at (default: ${DEFAULT-VALUE}).")
        int value;

        ImageSize() {
            this(224);
        }

        ImageSize(int value) {
            this.value = value;
        }
    }

    /** {@code --seed}: {@code forward}, {@code describe}, {@code ceiling}, {@code export}, {@code verify}, {@code train-demo}. */
    public static final class Seed {
        @Option(
                names = "--seed",
                paramLabel = "SEED",
                description = "Seed of the initializers and of the synthetic input: the same seed gives the same"
                        + " values (default: ${DEFAULT-VALUE}).")
        long value;
    }

    /** {@code --model}: {@code forward}, {@code describe}, {@code export}. */
    public static final class Model {
        @Option(
                names = "--model",
                defaultValue = "resnet_v2_152",
                completionCandidates = Converters.ModelNames.class,
                description = "${COMPLETION-CANDIDATES}, or the depth alone: 50 ... (default: ${DEFAULT-VALUE}).")
        Depth value;
    }

    /** {@code --output}/{@code -o} and {@code --quiet}/{@code -q}: {@code forward} (in {@link Output}), {@code ceiling}. */
    public static final class Destination {
        @Option(
                names = {"--output", "-o"},
                description = "Write the result (in --format) to FILE, atomically; stdout keeps the text report.")
        Path output;

        @Option(
                names = {"--quiet", "-q"},
                description = "Only the result: no progress line and no per-step lines.")
        boolean quiet;
    }

    /** The result formats. */
    public enum Format {
        TEXT,
        JSON,
        CSV;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code --format text|json}: {@code describe}, {@code info} and {@code ceiling}, whose results have no CSV. */
    public static final class TextOrJson {
        @Option(
                names = "--format",
                paramLabel = "<format>",
                defaultValue = "text",
                converter = Converters.TextOrJson.class,
                completionCandidates = Converters.TextOrJson.class,
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Format value;

        /** Whether {@code --format json} was given. */
        boolean json() {
            return value == Format.JSON;
        }
    }

    /** {@code --format text|json|csv} and the {@link Destination}: {@code forward}. */
    public static final class Output {
        @Option(
                names = "--format",
                defaultValue = "text",
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON and CSV hold the"
                        + " configuration, the environment and every step.")
        Format format;

        @Mixin
        Destination destination = new Destination();
    }

    /** The timed loop's options, shared by {@code forward} and {@code ceiling}, each with its own defaults. */
    public static final class Steps {
        @Option(names = "--warmup", description = "Burn-in steps, not timed (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--num-batches", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int numBatches;

        /** The options with these defaults. */
        Steps(int warmup, int numBatches) {
            this.warmup = warmup;
            this.numBatches = numBatches;
        }

        /** Refuses a negative warm-up or no timed step. */
        void check() {
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup: must be >= 0, got " + warmup);
            }
            if (numBatches < 1) {
                throw new IllegalArgumentException("--num-batches: must be >= 1 (timed steps), got " + numBatches);
            }
        }
    }

    /** Device and session options: the commands that run graphs ({@code forward}, {@code ceiling}). */
    public static final class Session {
        @Option(
                names = "--device",
                defaultValue = "cpu",
                description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}). A missing GPU falls back to the CPU"
                        + " with a warning, or fails with --strict-device.")
        DeviceRequest device;

        @Option(names = "--strict-device", description = "Fail (exit 2) instead of falling back to the CPU.")
        boolean strictDevice;

        @Option(
                names = "--intra-op-threads",
                defaultValue = "0",
                description =
                        "Threads inside one op; 0 lets TensorFlow choose (one per core) (default: ${DEFAULT-VALUE}).")
        int intraOpThreads;

        @Option(
                names = "--inter-op-threads",
                defaultValue = "0",
                description = "Ops run in parallel; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
        int interOpThreads;

        @Option(
                names = "--xla",
                description = "XLA auto-clustering (GPU: session option; CPU: needs"
                        + " TF_XLA_FLAGS=--tf_xla_cpu_global_jit, which bin/resnet-bench sets).")
        boolean xla;

        /**
         * Resolves the requested device against the devices a session sees: a missing GPU falls back to the CPU with
         * a warning through {@code warn}, or is a usage error with {@code --strict-device}.
         */
        public Devices.Resolution resolve(List<Devices.Device> devices, Consumer<String> warn) {
            Devices.Resolution resolution = Devices.resolve(device, devices);
            if (resolution.fellBack()) {
                if (strictDevice) {
                    throw new IllegalArgumentException("--device " + device + ": " + resolution.fallbackReason()
                            + "; without --strict-device the run falls back to the CPU");
                }
                warn.accept(
                        "--device " + device + " is not available, running on the CPU: " + resolution.fallbackReason());
            }
            return resolution;
        }

        /** The session settings, validated by {@link SessionConfigs} (its messages name the options). */
        public SessionConfigs sessionConfigs() {
            try {
                return SessionConfigs.defaults()
                        .withThreads(intraOpThreads, interOpThreads)
                        .withXla(xla);
            } catch (IllegalArgumentException e) {
                throw BenchCommand.optionNamed(e, THREAD_OPTIONS::get);
            }
        }

        private static final Map<String, String> THREAD_OPTIONS =
                Map.of("intraOpThreads", "--intra-op-threads", "interOpThreads", "--inter-op-threads");
    }

    /** The network options of {@code forward} and {@code describe}; {@link #toSpec()} validates them. */
    public static final class Network {
        @Mixin
        Model model = new Model();

        @Mixin
        BatchSize batchSize = new BatchSize(32);

        @Mixin
        ImageSize imageSize = new ImageSize();

        @Option(names = "--height", description = "Image height (overrides --image-size).")
        Integer height;

        @Option(names = "--width", description = "Image width (overrides --image-size).")
        Integer width;

        @Option(
                names = "--num-classes",
                defaultValue = "1000",
                description = "Logits per image; 0 builds no logits (default: ${DEFAULT-VALUE}).")
        int numClasses;

        @Option(
                names = "--output-stride",
                description =
                        "Input/output resolution ratio via atrous convolution: 4, 8, 16 or 32 (default: none = 32).")
        Integer outputStride;

        @Option(
                names = "--data-format",
                defaultValue = "NHWC",
                description = "${COMPLETION-CANDIDATES}: NHWC is slim's, NCHW cuDNN's (GPU only) (default:"
                        + " ${DEFAULT-VALUE}).")
        DataFormat dataFormat;

        @Option(
                names = "--precision",
                defaultValue = "fp32",
                completionCandidates = Converters.RunPrecisionLabels.class,
                description = "${COMPLETION-CANDIDATES}: bf16 for CPUs with AVX512-BF16/AMX, fp16 for GPUs, int8 the"
                        + " folded fp32 graph quantized to oneDNN's int8 convolutions after calibration (see"
                        + " --calibration) (default: ${DEFAULT-VALUE}).")
        RunPrecision precision;

        @Option(
                names = "--optimize",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "Fold the batch norms into the convolutions (inference-optimized graph, same numbers up"
                        + " to rounding); --no-optimize runs slim's graph verbatim (default: optimized).")
        boolean optimize;

        @Mixin
        Seed seed = new Seed();

        /** {@code --height}, else {@code --image-size}. */
        int height() {
            return height != null ? height : imageSize.value;
        }

        /** {@code --width}, else {@code --image-size}. */
        int width() {
            return width != null ? width : imageSize.value;
        }

        /** The validated options. */
        public ModelSpec toSpec() {
            int batch = batchSize.checked();
            if (numClasses < 0) {
                throw new IllegalArgumentException("--num-classes: must be >= 0 (0 for no logits), got " + numClasses);
            }
            NetworkSpec network = NetworkSpec.of(model.value)
                    .withNumClasses(numClasses)
                    .withOutputStride(outputStride)
                    .withDataFormat(dataFormat)
                    .withPrecision(precision.built());
            if (precision.int8() && !optimize) {
                throw new IllegalArgumentException("--precision int8: not with --no-optimize (int8 quantizes the"
                        + " folded graph: batch norms folded into the convolutions); allowed with --no-optimize: fp32,"
                        + " bf16, fp16");
            }
            StridePlan plan;
            try {
                plan = network.builder().stridePlan();
            } catch (IllegalArgumentException e) {
                String slim = e.getMessage().replaceFirst("^output_stride=\\d+: ", "");
                throw new IllegalArgumentException(
                        "--output-stride: " + outputStride + ": " + slim + " Allowed: 4, 8, 16, 32 (or none)");
            }
            int stride = plan.outputStride() * 4;
            int h = height();
            int w = width();
            if (h < stride || w < stride) {
                throw new IllegalArgumentException(
                        (height != null || width != null ? "--height/--width" : "--image-size")
                                + ": must be >= " + stride + " for " + network.scope() + " (its output stride"
                                + (outputStride == null ? "" : " with --output-stride " + outputStride)
                                + "; smaller images leave no pixel per output position), got " + h + "x" + w);
            }
            return new ModelSpec(network, batch, h, w, seed.value, optimize, precision.int8());
        }
    }

    /**
     * {@code --calibration DIR|synthetic} and {@code --calibration-batches N}: the calibration set of an int8 run
     * ({@code forward}, {@code export}); refused with any other precision.
     */
    public static final class Calibration {
        @Option(
                names = "--calibration",
                paramLabel = "DIR|synthetic",
                description = "With --precision int8: the images the activation ranges are calibrated on: a folder of"
                        + " image files (jpg, jpeg, png, gif, bmp; subfolders included, sorted) through slim's eval"
                        + " preprocessing, or synthetic: seeded uniform batches like the run's input (default:"
                        + " synthetic).")
        String source;

        @Option(
                names = "--calibration-batches",
                paramLabel = "N",
                description = "With --precision int8: how many batches to calibrate on (default: "
                        + CalibrationSet.DEFAULT_BATCHES + ").")
        Integer batches;

        @Option(
                names = "--int8-root",
                description = "With --precision int8: run the root conv1 in int8 too (the images shifted by their"
                        + " calibrated minimum, pool1 as QuantizedMaxPool); default: it stays float (signed input).")
        boolean int8Root;

        /** Whether any of the options was given. */
        boolean given() {
            return source != null || batches != null || int8Root;
        }

        /** {@code --int8-root}: how the root convolution is quantized. */
        public Int8Quantization.RootConvolution root() {
            return int8Root ? Int8Quantization.RootConvolution.INT8 : Int8Quantization.RootConvolution.FLOAT;
        }

        /**
         * Refuses the options with a precision other than int8 ({@code precision} is the {@code --precision} label),
         * and a batch count out of range, before anything is built.
         */
        void check(boolean int8, String precision) {
            if (!int8 && given()) {
                throw new IllegalArgumentException(
                        (source != null ? "--calibration" : batches != null ? "--calibration-batches" : "--int8-root")
                                + ": only with --precision int8 (it calibrates the int8 quantization), got --precision "
                                + precision + "; allowed --precision with it: int8");
            }
            int n = count();
            if (n < 1 || n > CalibrationSet.MAX_BATCHES) {
                throw new IllegalArgumentException(
                        "--calibration-batches: must be in 1.." + CalibrationSet.MAX_BATCHES + ", got " + n);
            }
        }

        /** The {@code --calibration} folder; null for synthetic (also when not given). */
        Path folder() {
            return source == null || source.equalsIgnoreCase(CalibrationSet.SYNTHETIC) ? null : Path.of(source);
        }

        /** {@code --calibration-batches}, or the default. */
        int count() {
            return batches == null ? CalibrationSet.DEFAULT_BATCHES : batches;
        }

        /**
         * The calibration set of {@code batchSize × height × width} batches: the folder's images, or synthetic uniform
         * batches in {@code [low, high)} seeded with {@code seed} (the run's input distribution).
         *
         * @throws IllegalArgumentException naming {@code --calibration} for a missing folder or one without images
         */
        public CalibrationSet toSet(int batchSize, int height, int width, long seed, float low, float high) {
            try {
                return source == null || source.equalsIgnoreCase(CalibrationSet.SYNTHETIC)
                        ? CalibrationSet.synthetic(count(), batchSize, height, width, seed, low, high)
                        : CalibrationSet.images(Path.of(source), count(), batchSize, height, width);
            } catch (IllegalArgumentException e) {
                throw BenchCommand.optionNamed(e, name -> name.startsWith("calibration") ? "--" + name : null);
            }
        }
    }
}
