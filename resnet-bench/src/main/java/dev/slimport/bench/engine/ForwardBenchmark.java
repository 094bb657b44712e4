/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.StepMode;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.optimize.Int8Graph;
import dev.slimport.resnet.optimize.Int8Quantization;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.train.TrainingGraph;
import dev.slimport.savedmodel.CalibrationSet;
import dev.slimport.savedmodel.FloatValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The seed notebook's forward benchmark as one owner of its native resources: the graph (built once, here), the
 * session and, for {@code --input fixed}, the host input tensor. A step is {@code Runner.run()} on a runner prepared
 * once, and closing its {@link Result} — nothing else happens in Java per step.
 *
 * <p>With the random input the images are {@code random_uniform([B,H,W,3])} generated in the graph at every step,
 * as in the seed, behind a {@code PlaceholderWithDefault} named {@code images} so that a host batch can be fed for
 * the precision check; with the fixed input they are a placeholder fed the same host tensor at every step.
 *
 * <p>The {@link StepMode} picks what a step runs. {@link StepMode#INFERENCE}: the inference network's logits (the
 * seed's). The training modes build slim's training-mode network ({@code is_training=True}, never folded) and a
 * {@link TrainingGraph} on it, with labels that are one host tensor of seeded uniform class indices fed at every
 * step; {@link StepMode#FORWARD_BACKWARD} fetches every gradient of the loss (fetching them is what makes TensorFlow
 * run the backward pass) and {@link StepMode#TRAIN} fetches {@link TrainingGraph#trainOp()}, a full momentum step
 * with its batch-norm update ops.
 */
public final class ForwardBenchmark extends Workload {

    /** Where the images come from. */
    public enum InputMode {
        /** {@code random_uniform} in the graph, new values each step (the seed's). */
        RANDOM,
        /** One host tensor fed at every step. */
        FIXED;

        /** The lower-case name: the {@code --input} value. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ModelSpec spec;
    private final CalibrationSet calibration;
    private final Int8Quantization.RootConvolution root;
    private final Consumer<String> phase;
    private final StepMode mode;
    private final InputMode input;
    private final ConfigProto config;
    private Operand<TFloat32> images;
    private final ResNetModel model;
    private final InferenceGraph inference;
    private final TrainingGraph training;
    private Operand<?> output;
    // int8: the folded fp32 graph (kept for the model's statistics; its session is closed after the quantization),
    // the quantized graph (then `graph`) and what the quantization measured.
    private Graph fp32Graph;
    private Int8Graph int8;
    private Int8Quantization.Calibration calibrated;
    private float[] fp32Reference;
    private double calibrateSeconds;
    private double quantizeSeconds;
    private TFloat32 hostInput;
    private TInt32 hostLabels;

    /**
     * Builds the graph for {@code mode} (timed; the training modes with a momentum step of {@code learningRate} and
     * {@code momentum}); {@link #prepare} creates the session with {@code config} and the host tensors. Not int8.
     */
    public ForwardBenchmark(
            ModelSpec spec,
            InputMode input,
            DeviceRequest device,
            StepMode mode,
            double learningRate,
            double momentum,
            ConfigProto config) {
        this(spec, input, device, mode, learningRate, momentum, config, null, null, phase -> {});
    }

    /**
     * Builds the graph for {@code mode}, as above; for an int8 {@code spec} the folded fp32 graph, which {@link
     * #prepare} calibrates over {@code calibration} and quantizes (the root convolution as {@code root} says),
     * reporting its phases to {@code phase}.
     *
     * @throws IllegalArgumentException naming {@code calibration} when it is missing for int8 or given otherwise
     */
    public ForwardBenchmark(
            ModelSpec spec,
            InputMode input,
            DeviceRequest device,
            StepMode mode,
            double learningRate,
            double momentum,
            ConfigProto config,
            CalibrationSet calibration,
            Int8Quantization.RootConvolution root,
            Consumer<String> phase) {
        if (spec.int8() != (calibration != null)) {
            throw new IllegalArgumentException("calibration: " + (spec.int8() ? "required" : "only") + " for int8");
        }
        if (spec.int8() && mode != StepMode.INFERENCE) {
            throw new IllegalArgumentException("mode: int8 quantizes the inference graph, got " + mode.label());
        }
        this.calibration = calibration;
        this.root = root == null ? Int8Quantization.RootConvolution.FLOAT : root;
        this.phase = phase;
        this.spec = spec;
        this.mode = mode;
        this.input = input;
        this.config = config;
        graph = new Graph();
        long t0 = System.nanoTime();
        try {
            Ops tf = Ops.create(graph).withDevice(device.toDeviceSpec());
            Shape shape = Shape.of(spec.batchSize(), spec.height(), spec.width(), 3);
            if (input == InputMode.RANDOM) {
                Operand<TFloat32> random = tf.withName("random_uniform")
                        .random
                        .randomUniform(
                                tf.constant(shape.asArray()),
                                TFloat32.class,
                                RandomUniform.seed(spec.seed()),
                                RandomUniform.seed2(1L));
                images = tf.withName("images").placeholderWithDefault(random, shape);
            } else {
                images = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(shape));
            }
            if (mode.training()) {
                inference = null;
                model = spec.buildTraining(Ops.create(graph), images, device);
                training = TrainingGraph.builder(model)
                        .learningRate(learningRate)
                        .momentum(momentum)
                        .build(tf);
            } else {
                training = null;
                inference = spec.build(Ops.create(graph), images, device);
                model = inference.model();
            }
            output = model.logits().isPresent() ? model.logits().get() : model.output();
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
        buildSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** {@code batch} class indices, uniform in {@code [0, numClasses)} from a Java RNG seeded with the model seed. */
    static TInt32 uniformLabels(ModelSpec spec, int batch) {
        Random rng = new Random(spec.seed() ^ 0x1abe15L);
        int[] values = new int[batch];
        for (int i = 0; i < batch; i++) {
            values[i] = rng.nextInt(spec.network().numClasses());
        }
        return TInt32.tensorOf(Shape.of(batch), DataBuffers.of(values, true, false));
    }

    /** A batch of uniform [0, 1) images from a Java RNG seeded with the model seed. */
    public static TFloat32 uniformImages(ModelSpec spec, int batch) {
        return uniform(Shape.of(batch, spec.height(), spec.width(), 3), spec.seed());
    }

    /**
     * A host tensor of {@code shape}, uniform in [0, 1): {@link FloatValues#uniform} with {@code seed}, the values
     * {@code verify} and the export's check batch draw the same way.
     *
     * @throws RunFailure naming {@code --batch-size} when it holds more values than a Java array
     */
    public static TFloat32 uniform(Shape shape, long seed) {
        if (shape.size() > Integer.MAX_VALUE) {
            throw new RunFailure(
                    "--batch-size: an input of shape " + shape + " holds more than 2^31-1 values, more than"
                            + " one host tensor is built from here; use a smaller --batch-size or --image-size");
        }
        return FloatValues.uniform(shape, seed, 0f, 1f).toTensor();
    }

    @Override
    public int batchSize() {
        return spec.batchSize();
    }

    @Override
    void describe(BenchmarkResult.Config.Builder c) {
        NetworkSpec network = spec.network();
        c.model = network.scope();
        c.batchSize = spec.batchSize();
        c.height = spec.height();
        c.width = spec.width();
        c.numClasses = network.numClasses();
        c.outputStride = network.outputStride();
        c.dataFormat = network.dataFormat().name();
        c.precision = spec.runPrecision().label();
        c.optimized = spec.optimize();
        c.input = input.toString();
        c.mode = mode;
        c.calibration = calibrationDescription();
        if (mode == StepMode.TRAIN) {
            c.learningRate = training.defaultLearningRate();
            c.momentum = training.momentum();
        }
    }

    @Override
    BenchmarkResult.ModelInfo modelInfo() {
        long step = stepMultiplyAddsPerImage();
        return new BenchmarkResult.ModelInfo(
                model.scope(),
                model.parameterCount(),
                model.trainableParameterCount(),
                model.multiplyAdds().orElse(-1),
                step < 0 ? Double.NaN : 2.0 * step * spec.batchSize() / 1e9);
    }

    /**
     * The multiply-adds of the convolutions one step runs, per image: the forward pass's ({@link
     * ResNetModel#multiplyAdds()}); in the training modes plus the backward pass's, where every convolution's filter
     * gradient costs as much as the convolution and so does its input gradient, except for the root convolution
     * (its input is the images, which need no gradient). -1 when a convolution's shape is not static.
     */
    public long stepMultiplyAddsPerImage() {
        long forward = model.multiplyAdds().orElse(-1);
        if (forward < 0 || !mode.training()) {
            return forward;
        }
        String root = model.scope() + "/conv1/";
        long backward = 0;
        for (GraphStats.ConvCost c : GraphStats.convolutions(model.output())) {
            if (c.multiplyAddsPerImage() < 0) {
                return -1;
            }
            backward += c.opName().startsWith(root) ? c.multiplyAddsPerImage() : 2 * c.multiplyAddsPerImage();
        }
        return forward + backward;
    }

    /** The training graph's {@code global_step} (after {@link #prepare}); -1 for inference. */
    public long globalStep() {
        return training == null ? -1 : training.globalStepValue(session);
    }

    /**
     * Creates the host images and labels, the session and runs the variables' initializers (timed). For int8, then
     * calibrates the fp32 session over the calibration set, keeps the fp32 logits of the precision check's batch,
     * quantizes into a new graph, closes the fp32 session and opens the int8 one: the steps run the int8 graph.
     */
    @Override
    void open() {
        if (input == InputMode.FIXED) {
            hostInput = own(uniformImages(spec, spec.batchSize()));
        }
        if (training != null) {
            hostLabels = own(uniformLabels(spec, spec.batchSize()));
        }
        long t0 = System.nanoTime();
        session = new Session(graph, config);
        session.initialize();
        if (inference != null) {
            inference.loadWeights(session);
        }
        initSeconds = (System.nanoTime() - t0) / 1e9;
        if (spec.int8()) {
            quantize();
        }
    }

    private void quantize() {
        Session fp32 = session;
        session = null;
        Graph target = new Graph();
        try {
            phase.accept("calibrating on " + calibration.describe());
            long t0 = System.nanoTime();
            calibrated = Int8Quantization.calibrate(fp32, model, calibration, Int8Quantization.RangeMethod.MIN_MAX);
            calibrateSeconds = (System.nanoTime() - t0) / 1e9;
            try (TFloat32 check = uniformImages(spec, spec.batchSize())) {
                fp32Reference = outputs(fp32, images, output, check);
            }
            phase.accept("quantizing to int8");
            long t1 = System.nanoTime();
            int8 = Int8Quantization.quantize(fp32, model, calibrated, target, root);
            session = new Session(target, Int8Graph.sessionConfig(config));
            quantizeSeconds = (System.nanoTime() - t1) / 1e9;
            images = int8.images();
            output = int8.output(output.op().name());
            fp32Graph = graph;
            graph = target;
        } catch (RuntimeException | Error e) {
            if (session != null) {
                session.close();
                session = null;
            }
            target.close();
            throw e;
        } finally {
            fp32.close();
        }
    }

    @Override
    Session.Runner prepared(Session.Runner r) {
        switch (mode) {
            case INFERENCE -> r.fetch(output);
            case FORWARD_BACKWARD -> training.gradients().forEach(r::fetch);
            case TRAIN -> r.fetch(training.trainOp());
        }
        if (hostInput != null) {
            r.feed(images, hostInput);
        }
        if (hostLabels != null) {
            r.feed(training.labels(), hostLabels);
        }
        return r;
    }

    /**
     * The float32 logits (or outputs) for {@code input}, fed as the images; a forward pass only (in the training
     * modes on batch statistics, nothing updated).
     */
    public float[] outputs(TFloat32 input) {
        return outputs(session, images, output, input);
    }

    private static float[] outputs(Session session, Operand<TFloat32> images, Operand<?> output, TFloat32 input) {
        try (Result r = session.runner().feed(images, input).fetch(output).run()) {
            if (!(r.get(0) instanceof TFloat32 f)) {
                throw new IllegalStateException(
                        "outputs: expected float32, got " + r.get(0).dataType());
            }
            return FloatValues.of(f).data();
        }
    }

    /**
     * Runs the benchmark graph and an fp32 twin (same seed, so the same weights) on the same host images and compares
     * their float32 logits. For int8 the fp32 logits are the folded fp32 graph's, computed before it was quantized.
     */
    public BenchmarkResult.PrecisionCheck compareWithFp32(DeviceRequest device) {
        if (int8 != null) {
            try (TFloat32 check = uniformImages(spec, spec.batchSize())) {
                return compare(outputs(check), fp32Reference, spec.batchSize());
            }
        }
        try (TFloat32 images = uniformImages(spec, spec.batchSize());
                ForwardBenchmark reference = new ForwardBenchmark(
                        spec.withPrecision(Precision.FP32),
                        InputMode.RANDOM,
                        device,
                        mode,
                        TrainingGraph.DEFAULT_LEARNING_RATE,
                        TrainingGraph.DEFAULT_MOMENTUM,
                        config)) {
            reference.prepare();
            float[] low = outputs(images);
            float[] ref = reference.outputs(images);
            return compare(low, ref, spec.batchSize());
        }
    }

    /** The comparison of {@code low} with {@code ref}, both {@code [batch, classes]} row-major. */
    private static BenchmarkResult.PrecisionCheck compare(float[] low, float[] ref, int batch) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) low[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs((double) ref[i]));
        }
        int classes = ref.length / batch;
        int matches = 0;
        for (int b = 0; b < batch; b++) {
            if (argMax(low, b * classes, classes) == argMax(ref, b * classes, classes)) {
                matches++;
            }
        }
        return new BenchmarkResult.PrecisionCheck(
                "fp32", batch, maxDiff, maxRef, maxRef > 0 ? maxDiff / maxRef : maxDiff, matches);
    }

    private static int argMax(float[] v, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[offset + i] > v[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The compute precision the network is built in (fp32 for int8). */
    public Precision precision() {
        return spec.network().precision();
    }

    /** What {@code --precision} asked for: int8 or the compute precision. */
    public RunPrecision runPrecision() {
        return spec.runPrecision();
    }

    /** What a step runs. */
    public StepMode mode() {
        return mode;
    }

    /**
     * What the training modes add to the summary: the gradients fetched, or the updates and, when {@code globalStep}
     * is known (>= 0), the global step after {@code warmup + timed + traced} steps.
     */
    public List<String> modeLines(long globalStep, int warmup, int timed, int traced) {
        return switch (mode) {
            case INFERENCE -> List.of();
            case FORWARD_BACKWARD ->
                List.of(String.format(
                        Locale.ROOT,
                        "  gradients      %d fetched per step (every trainable variable's), nothing updated; labels: %d seeded"
                                + " class indices fed each step",
                        training.gradients().size(),
                        spec.batchSize()));
            case TRAIN -> {
                String step = String.format(
                        Locale.ROOT,
                        "  train step     momentum %s, learning rate %s: %d variables updated (gated on all gradients),"
                                + " %d batch-norm update ops, global_step += 1",
                        number(training.momentum()),
                        number(training.defaultLearningRate()),
                        training.gradients().size(),
                        model.updateOps().size());
                yield globalStep < 0
                        ? List.of(step)
                        : List.of(
                                step,
                                String.format(
                                        Locale.ROOT,
                                        "  global step    %d after the run (%d warm-up + %d timed + %d traced steps)",
                                        globalStep,
                                        warmup,
                                        timed,
                                        traced));
            }
        };
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * What int8 adds to the summary: the calibration, the quantization's time, the convolutions in int8 and their
     * share of the multiply-adds, the ones left float and why; empty otherwise.
     */
    public List<String> int8Lines() {
        if (int8 == null) {
            return List.of();
        }
        Int8Graph.Stats stats = int8.stats();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "  int8           calibrated on %s, %s ranges, in %.1f s; quantized in %.1f s",
                calibration.describe(),
                calibrated.method().name().toLowerCase(Locale.ROOT).replace('_', '/'),
                calibrateSeconds,
                quantizeSeconds));
        lines.add(String.format(
                Locale.ROOT,
                "  int8 convs     %d of %d convolutions int8, %s of the convolutions' multiply-adds",
                stats.quantized(),
                stats.convolutions().size(),
                percent(stats.int8Fraction())));
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Int8Graph.Convolution c : stats.leftFloat()) {
            byReason.computeIfAbsent(c.reason(), r -> new ArrayList<>()).add(c.name());
        }
        byReason.forEach((reason, names) -> lines.add("  left float     " + names.size() + ": " + reason + " ("
                + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", ..." : "") + ")"));
        return lines;
    }

    /** {@code fraction} as a percentage with one decimal, {@code >99.9%} when it is below 1 but rounds to 100. */
    public static String percent(double fraction) {
        String p = String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
        return fraction < 1 && p.equals("100.0%") ? ">99.9%" : p;
    }

    /** The calibration set of an int8 run, its description; null otherwise. */
    public String calibrationDescription() {
        return calibration == null ? null : calibration.describe();
    }

    @Override
    void release() {
        try {
            if (session != null) {
                session.close();
            }
            graph.close();
        } finally {
            if (fp32Graph != null) {
                fp32Graph.close();
            }
        }
    }
}
