/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.ModelSpec;
import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.StepMode;
import dev.slimport.bench.result.StepTrace;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.train.TrainingGraph;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
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
 * <p>The {@link Target} picks what a step runs. {@link StepMode#INFERENCE}: the inference network's logits (the
 * seed's). The training modes build slim's training-mode network ({@code is_training=True}, never folded) and a
 * {@link TrainingGraph} on it, with labels that are one host tensor of seeded uniform class indices fed at every
 * step; {@link StepMode#FORWARD_BACKWARD} fetches every gradient of the loss (fetching them is what makes TensorFlow
 * run the backward pass) and {@link StepMode#TRAIN} fetches {@link TrainingGraph#trainOp()}, a full momentum step
 * with its batch-norm update ops.
 */
public final class ForwardBenchmark implements Workload {

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

    /**
     * What a step runs.
     *
     * @param mode inference, forward-backward or train
     * @param learningRate the momentum step's learning rate (train)
     * @param momentum the momentum coefficient (train)
     */
    public record Target(StepMode mode, double learningRate, double momentum) {
        /** The seed's forward pass. */
        public static final Target INFERENCE =
                new Target(StepMode.INFERENCE, TrainingGraph.DEFAULT_LEARNING_RATE, TrainingGraph.DEFAULT_MOMENTUM);

        /** A target; {@code mode} is required. */
        public Target {
            if (mode == null) {
                throw new IllegalArgumentException("mode: must not be null");
            }
        }
    }

    private final ModelSpec spec;
    private final Target target;
    private final Graph graph;
    private final ResNetModel model;
    private final InferenceGraph inference;
    private final Operand<TFloat32> images;
    private final Operand<?> output;
    private final List<Operand<?>> fetches;
    private final Operand<?> probe;
    private final InputMode input;
    private final TrainingGraph training;
    private final ConfigProto config;
    private final double buildSeconds;
    private TFloat32 hostInput;
    private TInt32 hostLabels;
    private double initSeconds;
    private Session session;
    private Session.Runner runner;

    private ForwardBenchmark(
            ModelSpec spec,
            Target target,
            Graph graph,
            ResNetModel model,
            InferenceGraph inference,
            Operand<TFloat32> images,
            Operand<?> probe,
            InputMode input,
            TrainingGraph training,
            ConfigProto config,
            double seconds) {
        this.spec = spec;
        this.target = target;
        this.probe = probe;
        this.graph = graph;
        this.model = model;
        this.inference = inference;
        this.images = images;
        this.output = model.logits().isPresent() ? model.logits().get() : model.output();
        this.fetches = switch (target.mode()) {
            case INFERENCE -> List.of(output);
            case FORWARD_BACKWARD -> List.copyOf(training.forwardBackwardFetches());
            case TRAIN -> List.of(training.trainOp());
        };
        this.input = input;
        this.training = training;
        this.config = config;
        this.buildSeconds = seconds;
    }

    /**
     * Builds the graph for {@code target} (timed); {@link #prepare} creates the session with {@code config} and the
     * host tensors.
     *
     * @throws IllegalArgumentException for a training mode without logits ({@code numClasses} 0)
     */
    public static ForwardBenchmark build(
            ModelSpec spec, InputMode input, DeviceRequest device, Target target, ConfigProto config) {
        if (target.mode().training() && spec.numClasses() < 1) {
            throw new IllegalArgumentException(
                    "--num-classes: the " + target.mode().label()
                            + " mode needs logits for its loss; must be >= 1, got " + spec.numClasses());
        }
        long t0 = System.nanoTime();
        Graph graph = new Graph();
        try {
            Ops tf = Ops.create(graph).withDevice(device.toDeviceSpec());
            Shape shape = Shape.of(spec.batchSize(), spec.height(), spec.width(), 3);
            Operand<TFloat32> images;
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
            ResNetModel model;
            InferenceGraph inference = null;
            TrainingGraph training = null;
            if (target.mode().training()) {
                model = spec.buildTraining(Ops.create(graph), images, device);
                training = TrainingGraph.builder(model)
                        .learningRate(target.learningRate())
                        .momentum(target.momentum())
                        .build(tf);
            } else {
                inference = spec.build(Ops.create(graph), images, device);
                model = inference.model();
            }
            Operand<?> probe = tf.withName("noop_probe").constant(0);
            return new ForwardBenchmark(
                    spec,
                    target,
                    graph,
                    model,
                    inference,
                    images,
                    probe,
                    input,
                    training,
                    config,
                    (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /** {@code batch} class indices, uniform in {@code [0, numClasses)} from a Java RNG seeded with the model seed. */
    static TInt32 uniformLabels(ModelSpec spec, int batch) {
        Random rng = new Random(spec.seed() ^ 0x1abe15L);
        int[] values = new int[batch];
        for (int i = 0; i < batch; i++) {
            values[i] = rng.nextInt(spec.numClasses());
        }
        return TInt32.tensorOf(Shape.of(batch), DataBuffers.of(values, true, false));
    }

    /** A batch of uniform [0, 1) images from a Java RNG seeded with the model seed. */
    public static TFloat32 uniformImages(ModelSpec spec, int batch) {
        return uniform(Shape.of(batch, spec.height(), spec.width(), 3), spec.seed());
    }

    /**
     * A host tensor of {@code shape}, uniform in [0, 1) from a Java RNG seeded with {@code seed}.
     *
     * @throws RunFailure naming {@code --batch-size} when it holds more values than a Java array
     */
    public static TFloat32 uniform(Shape shape, long seed) {
        if (shape.size() > Integer.MAX_VALUE) {
            throw new RunFailure(
                    "--batch-size: an input of shape " + shape + " holds more than 2^31-1 values, more than"
                            + " one host tensor is built from here; use a smaller --batch-size or --image-size");
        }
        float[] values = new float[(int) shape.size()];
        Random rng = new Random(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextFloat();
        }
        return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    @Override
    public MemoryEstimate memory() {
        return MemoryEstimate.of(graph);
    }

    @Override
    public int batchSize() {
        return spec.batchSize();
    }

    @Override
    public void describe(BenchmarkResult.Config.Builder c) {
        boolean train = target.mode() == StepMode.TRAIN;
        c.model = spec.depth().scopeName();
        c.batchSize = spec.batchSize();
        c.height = spec.height();
        c.width = spec.width();
        c.numClasses = spec.numClasses();
        c.outputStride = spec.outputStride();
        c.dataFormat = spec.dataFormat().name();
        c.precision = spec.precision().label();
        c.optimized = spec.optimize();
        c.input = input.toString();
        c.mode = target.mode();
        c.learningRate = train ? target.learningRate() : null;
        c.momentum = train ? target.momentum() : null;
    }

    @Override
    public BenchmarkResult.ModelInfo modelInfo() {
        long step = stepMultiplyAddsPerImage();
        return new BenchmarkResult.ModelInfo(
                model.scope(),
                model.parameterCount(),
                model.trainableParameterCount(),
                model.multiplyAdds().orElse(-1),
                step < 0 ? Double.NaN : 2.0 * step * spec.batchSize() / 1e9);
    }

    /** The model built in the graph. */
    public ResNetModel model() {
        return model;
    }

    /** What a step runs. */
    public Target target() {
        return target;
    }

    /** The training graph of the training modes; empty for inference. */
    public Optional<TrainingGraph> training() {
        return Optional.ofNullable(training);
    }

    /**
     * The multiply-adds of the convolutions one step runs, per image: the forward pass's ({@link
     * ResNetModel#multiplyAdds()}); in the training modes plus the backward pass's, where every convolution's filter
     * gradient costs as much as the convolution and so does its input gradient, except for the root convolution
     * (its input is the images, which need no gradient). -1 when a convolution's shape is not static.
     */
    public long stepMultiplyAddsPerImage() {
        long forward = model.multiplyAdds().orElse(-1);
        if (forward < 0 || !target.mode().training()) {
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

    @Override
    public double buildSeconds() {
        return buildSeconds;
    }

    /** Creates the session, runs the variables' initializers (timed) and creates the host images and labels. */
    @Override
    public void prepare() {
        if (input == InputMode.FIXED) {
            hostInput = uniformImages(spec, spec.batchSize());
        }
        if (training != null) {
            hostLabels = uniformLabels(spec, spec.batchSize());
        }
        long t0 = System.nanoTime();
        session = new Session(graph, config);
        session.initialize();
        if (inference != null) {
            inference.loadWeights(session);
        }
        runner = prepared(session.runner());
        initSeconds = (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public double initSeconds() {
        return initSeconds;
    }

    /** {@code r} with this benchmark's feeds and fetches. */
    private Session.Runner prepared(Session.Runner r) {
        fetches.forEach(r::fetch);
        if (hostInput != null) {
            r.feed(images, hostInput);
        }
        if (hostLabels != null) {
            r.feed(training.labels(), hostLabels);
        }
        return r;
    }

    @Override
    public double step() {
        return Runs.seconds(runner);
    }

    /**
     * Two steps with {@code FULL_TRACE} step stats (the second is kept: the first traced call pays one-time costs),
     * plus the median of 100 no-op {@code run()} calls fetching a constant.
     */
    @Override
    public StepTrace trace() {
        return Runs.traceTwice(
                () -> prepared(session.runner()), session.runner().fetch(probe));
    }

    /**
     * The float32 logits (or outputs) for {@code input}, fed as the images; a forward pass only (in the training
     * modes on batch statistics, nothing updated).
     */
    public float[] outputs(TFloat32 input) {
        try (Result r = session.runner().feed(images, input).fetch(output).run()) {
            Tensor t = r.get(0);
            if (!(t instanceof TFloat32 f)) {
                throw new IllegalStateException("outputs: expected float32, got " + t.dataType());
            }
            float[] out = new float[Math.toIntExact(f.size())];
            f.copyTo(DataBuffers.of(out, false, false));
            return out;
        }
    }

    /**
     * Runs the benchmark graph and an fp32 twin (same seed, so the same weights) on the same host images and compares
     * their float32 logits.
     */
    public BenchmarkResult.PrecisionCheck compareWithFp32(DeviceRequest device) {
        try (TFloat32 images = uniformImages(spec, spec.batchSize());
                ForwardBenchmark reference =
                        build(spec.withPrecision(Precision.FP32), InputMode.RANDOM, device, target, config)) {
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

    /** The model configuration this benchmark runs. */
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        if (hostInput != null) {
            hostInput.close();
        }
        if (hostLabels != null) {
            hostLabels.close();
        }
        graph.close();
    }
}
