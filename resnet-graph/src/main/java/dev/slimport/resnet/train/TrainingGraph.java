/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training half of slim's contract, built into the caller's {@link Graph} next to a {@link ResNetModel}: what
 * {@code train_image_classifier.py} wires around {@code resnet_v2} with {@code tf.losses.softmax_cross_entropy},
 * {@code tf.train.MomentumOptimizer} and {@code UPDATE_OPS}.
 *
 * <ul>
 *   <li>loss: mean softmax cross-entropy of the logits against one-hot labels ({@code
 *       tf.losses.softmax_cross_entropy}) plus the sum of the model's L2 regularization losses ({@code
 *       tf.add_n(losses + regularization_losses)});
 *   <li>gradients of that loss for the trainable variables only (weights, biases, gamma, beta; never the moving
 *       statistics), from TensorFlow's gradient registry ({@link Graph#addGradients});
 *   <li>a momentum step ({@code ApplyMomentum}: {@code accum = momentum·accum + g; var -= lr·accum}) with one
 *       accumulator {@code VariableV2} per variable named {@code <var>/Momentum} (TF1's slot name, so checkpoints
 *       match slim's) and a {@code global_step} incremented once per step;
 *   <li>the model's batch-norm update ops (slim's {@code UPDATE_OPS}), run by the same train target.
 * </ul>
 *
 * <p>Every variable update waits for all gradients and for the reported loss and accuracy: ref variables update in
 * place, and an ungated update would race with backward-pass ops that still read the weights.
 *
 * <p>The model is normally built with {@code isTraining(true)}. A model built with {@code isTraining(false)} trains
 * with frozen batch-norm statistics (no update ops), as slim users do when fine-tuning small batches.
 *
 * <p>Targets: fetch {@link #forwardBackwardFetches()} to compute all gradients (the forward-backward pass, nothing
 * updated); fetch {@link #trainOp()} for a full optimizer step. {@link #trainStep}, {@link #forwardBackward} and
 * {@link #evaluate} run them on a caller-owned {@link Session} and close what they fetch. A {@code TrainingGraph}
 * owns nothing native; the graph and sessions belong to the caller. Build it before the first {@code
 * Session.save/restore}: the saver only knows the variables that exist then.
 *
 * <pre>{@code
 * try (Graph g = new Graph(); Session s = new Session(g)) {
 *   Ops tf = Ops.create(g);
 *   ResNetModel m = ResNetV2.builder(Depth.D50).numClasses(10).isTraining(true)
 *       .build(tf, ResNetV2.imagesPlaceholder(tf, 32, 224, 224));
 *   TrainingGraph t = TrainingGraph.builder(m).learningRate(0.01).build(tf);
 *   s.initialize();
 *   StepMetrics step = t.trainStep(s, images, labels);
 * }
 * }</pre>
 */
public final class TrainingGraph {

    /** slim's {@code --learning_rate} default. */
    public static final double DEFAULT_LEARNING_RATE = 0.01;
    /** slim's {@code --momentum} default. */
    public static final double DEFAULT_MOMENTUM = 0.9;
    /** The default name scope of the training ops (variables keep TF1's names). */
    public static final String DEFAULT_SCOPE = "train";
    /** TF1's global step variable name ({@code tf.train.create_global_step}). */
    public static final String GLOBAL_STEP = "global_step";
    /** TF1's momentum slot suffix: the accumulator of {@code v} is {@code v/Momentum}. */
    public static final String SLOT_NAME = "Momentum";

    /**
     * One trainable variable with what training adds for it.
     *
     * @param variable the model variable
     * @param gradient d(total loss)/d(variable), float32, the variable's shape
     * @param accumulator the momentum accumulator {@code <variable>/Momentum}
     * @param update the {@code ApplyMomentum} op
     */
    public record VariableUpdate(
            ModelVariable variable, Operand<TFloat32> gradient, Variable<TFloat32> accumulator, Op update) {}

    private final ResNetModel model;
    private final String scope;
    private final Operand<TInt32> labels;
    private final Operand<TFloat32> learningRate;
    private final double defaultLearningRate;
    private final double momentum;
    private final Operand<TFloat32> crossEntropy;
    private final Operand<TFloat32> regularization;
    private final Operand<TFloat32> totalLoss;
    private final Operand<TFloat32> accuracy;
    private final List<VariableUpdate> updates;
    private final Variable<TInt64> globalStep;
    private final Operand<TFloat32> trainOp;

    private TrainingGraph(Builder b, Parts p) {
        this.model = b.model;
        this.scope = b.scope;
        this.labels = p.labels;
        this.learningRate = p.learningRate;
        this.defaultLearningRate = b.learningRate;
        this.momentum = b.momentum;
        this.crossEntropy = p.crossEntropy;
        this.regularization = p.regularization;
        this.totalLoss = p.totalLoss;
        this.accuracy = p.accuracy;
        this.updates = List.copyOf(p.updates);
        this.globalStep = p.globalStep;
        this.trainOp = p.trainOp;
    }

    /** A builder for the training graph of {@code model}. */
    public static Builder builder(ResNetModel model) {
        return new Builder(model);
    }

    /** The model being trained. */
    public ResNetModel model() {
        return model;
    }

    /** The name scope of the training ops. */
    public String scope() {
        return scope;
    }

    /** The images the model reads (feed a float32 NHWC batch). */
    public Operand<TFloat32> images() {
        return model.images();
    }

    /** The int32 class labels {@code [batch]}, in {@code [0, numClasses)} (feed them). */
    public Operand<TInt32> labels() {
        return labels;
    }

    /** The learning rate: a float32 scalar placeholder with the configured default; feed it to change it per step. */
    public Operand<TFloat32> learningRate() {
        return learningRate;
    }

    /** The learning rate used when none is fed. */
    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /** The momentum coefficient. */
    public double momentum() {
        return momentum;
    }

    /** The mean softmax cross-entropy over the batch ({@code tf.losses.softmax_cross_entropy}, weights 1). */
    public Operand<TFloat32> crossEntropyLoss() {
        return crossEntropy;
    }

    /** The sum of the model's regularization losses (0 when it has none). */
    public Operand<TFloat32> regularizationLoss() {
        return regularization;
    }

    /** The loss that is minimized: cross-entropy plus regularization. */
    public Operand<TFloat32> totalLoss() {
        return totalLoss;
    }

    /** The top-1 accuracy of the batch (the fraction of argmax(logits) equal to the label). */
    public Operand<TFloat32> accuracy() {
        return accuracy;
    }

    /** One entry per trainable variable, in the model's creation order. */
    public List<VariableUpdate> updates() {
        return updates;
    }

    /** The gradients of {@link #totalLoss()} for the trainable variables, in {@link #updates()} order. */
    public List<Operand<TFloat32>> gradients() {
        return updates.stream().map(VariableUpdate::gradient).toList();
    }

    /**
     * What to fetch for one forward-backward pass: every gradient. Fetching them is what makes TensorFlow run the
     * backward pass (a no-op that merely depends on them lets it prune the work); nothing is updated.
     */
    public List<Operand<TFloat32>> forwardBackwardFetches() {
        return gradients();
    }

    /** The momentum accumulators {@code <var>/Momentum}, in {@link #updates()} order. */
    public List<Variable<TFloat32>> accumulators() {
        return updates.stream().map(VariableUpdate::accumulator).toList();
    }

    /** TF1's {@code global_step}: an int64 {@code VariableV2}, 0 initially, +1 per train step. */
    public Variable<TInt64> globalStep() {
        return globalStep;
    }

    /**
     * The train target (slim's {@code train_op}): fetching it runs one full step — forward, backward, every momentum
     * update, the global step increment and the batch-norm update ops — and yields the total loss of the batch before
     * the update.
     */
    public Operand<TFloat32> trainOp() {
        return trainOp;
    }

    /** One optimizer step at the default learning rate; returns the loss and accuracy before the update. */
    public StepMetrics trainStep(Session session, TFloat32 images, TInt32 labels) {
        return step(session, images, labels, null);
    }

    /**
     * One optimizer step at {@code learningRate}; returns the loss and accuracy of the batch before the update.
     *
     * @throws IllegalArgumentException when {@code learningRate} is negative or not finite
     */
    public StepMetrics trainStep(Session session, TFloat32 images, TInt32 labels, double learningRate) {
        checkRate("learningRate", learningRate);
        return step(session, images, labels, (float) learningRate);
    }

    private StepMetrics step(Session session, TFloat32 images, TInt32 labels, Float rate) {
        checkSession(session);
        Session.Runner r = feedBatch(session, images, labels).fetch(trainOp).fetch(accuracy);
        try (TFloat32 lr = rate == null ? null : TFloat32.scalarOf(rate)) {
            if (lr != null) {
                r.feed(learningRate, lr);
            }
            try (Result res = r.run()) {
                return new StepMetrics(scalar(res.get(0)), scalar(res.get(1)));
            }
        }
    }

    /** One forward-backward pass: computes every gradient and discards them; no variable changes. */
    public void forwardBackward(Session session, TFloat32 images, TInt32 labels) {
        checkSession(session);
        Session.Runner r = feedBatch(session, images, labels);
        for (Operand<TFloat32> g : forwardBackwardFetches()) {
            r.fetch(g);
        }
        try (Result res = r.run()) {
            if (res.size() != updates.size()) {
                throw new IllegalStateException("fetched " + res.size() + " gradients, expected " + updates.size());
            }
        }
    }

    /**
     * The loss and accuracy of a batch without training: a forward pass only. With a training-mode model it uses
     * the batch statistics but runs no update op.
     */
    public StepMetrics evaluate(Session session, TFloat32 images, TInt32 labels) {
        checkSession(session);
        try (Result res = feedBatch(session, images, labels)
                .fetch(totalLoss)
                .fetch(accuracy)
                .run()) {
            return new StepMetrics(scalar(res.get(0)), scalar(res.get(1)));
        }
    }

    /** The current global step. */
    public long globalStepValue(Session session) {
        checkSession(session);
        try (Result res = session.runner().fetch(globalStep).run()) {
            return ((TInt64) res.get(0)).getLong();
        }
    }

    private Session.Runner feedBatch(Session session, TFloat32 images, TInt32 labels) {
        if (images == null || labels == null) {
            throw new IllegalArgumentException("images and labels: must not be null");
        }
        Shape is = images.shape();
        Shape ls = labels.shape();
        if (is.numDimensions() != 4 || ls.numDimensions() != 1 || is.get(0) != ls.get(0)) {
            throw new IllegalArgumentException(
                    "images/labels: expected images [B,H,W,C] and labels [B] of the same batch, got " + is + " and "
                            + ls);
        }
        return session.runner().feed(images(), images).feed(this.labels, labels);
    }

    private void checkSession(Session session) {
        if (session == null || session.graph() != model.graph()) {
            throw new IllegalArgumentException("session: must be a session of the graph this training graph is in");
        }
    }

    private static float scalar(Tensor t) {
        return ((TFloat32) t).getFloat();
    }

    static void checkRate(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + ": must be a finite number >= 0, got " + v);
        }
    }

    private static final class Parts {
        Operand<TInt32> labels;
        Operand<TFloat32> learningRate;
        Operand<TFloat32> crossEntropy;
        Operand<TFloat32> regularization;
        Operand<TFloat32> totalLoss;
        Operand<TFloat32> accuracy;
        List<VariableUpdate> updates = new ArrayList<>();
        Variable<TInt64> globalStep;
        Operand<TFloat32> trainOp;
    }

    /** Builds a {@link TrainingGraph}; every setter validates its argument, {@link #build} checks the graph first. */
    public static final class Builder {
        private final ResNetModel model;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double momentum = DEFAULT_MOMENTUM;
        private Operand<TInt32> labels;
        private String scope = DEFAULT_SCOPE;

        private Builder(ResNetModel model) {
            if (model == null) {
                throw new IllegalArgumentException("model: must not be null");
            }
            this.model = model;
        }

        /** The default learning rate (slim's default 0.01); {@link TrainingGraph#learningRate()} can be fed per step. */
        public Builder learningRate(double lr) {
            checkRate("learningRate", lr);
            this.learningRate = lr;
            return this;
        }

        /** The momentum coefficient in {@code [0, 1)} (slim's default 0.9). */
        public Builder momentum(double m) {
            if (!(m >= 0 && m < 1)) {
                throw new IllegalArgumentException("momentum: must be in [0, 1), got " + m);
            }
            this.momentum = m;
            return this;
        }

        /** int32 labels {@code [batch]} to train on (default: a placeholder {@code <scope>/labels}). */
        public Builder labels(Operand<TInt32> l) {
            if (l == null || l.shape().numDimensions() != 1) {
                throw new IllegalArgumentException(
                        "labels: must be an int32 operand of rank 1 [batch], got " + (l == null ? null : l.shape()));
            }
            this.labels = l;
            return this;
        }

        /** The name scope of the training ops (default {@value #DEFAULT_SCOPE}). */
        public Builder scope(String name) {
            if (name == null || !name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*")) {
                throw new IllegalArgumentException("scope: '" + name + "' is not a valid TensorFlow name");
            }
            this.scope = name;
            return this;
        }

        /**
         * Adds the training ops to the model's graph.
         *
         * @param tf ops of the model's graph; its device applies to the training ops
         * @throws IllegalArgumentException when the model has no {@code [batch, classes]} logits, was built with {@code
         *     reuse} (its regularization losses live with the model that created the variables), or the graph already
         *     holds a training graph or ops in the chosen scope — before anything is added
         */
        public TrainingGraph build(Ops tf) {
            if (tf == null || tf.scope().env() != model.graph()) {
                throw new IllegalArgumentException("tf: must build in the model's graph");
            }
            Operand<TFloat32> logits = model.logits()
                    .orElseThrow(() ->
                            new IllegalArgumentException("model: needs logits to train; build it with numClasses > 0"));
            if (logits.shape().numDimensions() != 2) {
                throw new IllegalArgumentException(
                        "model: logits must be [batch, classes] (build with spatialSqueeze(true) or globalPool(true)), got "
                                + logits.shape());
            }
            if (model.reuse()) {
                throw new IllegalArgumentException(
                        "model: built with reuse(true); train the model that created the variables (a reused build has no"
                                + " regularization losses)");
            }
            Operand<TFloat32> images = model.images();
            if (labels != null
                    && labels.shape().get(0) >= 0
                    && images.shape().get(0) >= 0
                    && labels.shape().get(0) != images.shape().get(0)) {
                throw new IllegalArgumentException(
                        "labels: batch " + labels.shape().get(0) + " differs from the images' batch "
                                + images.shape().get(0));
            }
            checkNamesFree(model.graph());
            Parts p = new Parts();
            buildInto(tf, logits, p);
            return new TrainingGraph(this, p);
        }

        private void checkNamesFree(Graph graph) {
            Set<String> taken = new HashSet<>();
            for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
                String name = it.next().name();
                int slash = name.indexOf('/');
                taken.add(slash < 0 ? name : name.substring(0, slash));
                if (name.endsWith("/" + SLOT_NAME)) {
                    taken.add(name);
                }
            }
            if (taken.contains(GLOBAL_STEP)) {
                throw new IllegalArgumentException(
                        "graph: already has a " + GLOBAL_STEP + " variable; build one training graph per graph");
            }
            if (taken.contains(scope)) {
                throw new IllegalArgumentException(
                        "scope: '" + scope + "' is already used in this graph; choose another");
            }
            for (ModelVariable v : model.trainableVariables()) {
                if (taken.contains(v.name() + "/" + SLOT_NAME)) {
                    throw new IllegalArgumentException("graph: " + v.name() + "/" + SLOT_NAME
                            + " already exists; build one training graph per graph");
                }
            }
        }

        private void buildInto(Ops root, Operand<TFloat32> logits, Parts p) {
            Graph graph = model.graph();
            Ops tf = root.withSubScope(scope);
            long numClasses = logits.shape().get(1);
            p.labels = labels != null
                    ? labels
                    : tf.withName("labels")
                            .placeholder(
                                    TInt32.class,
                                    Placeholder.shape(
                                            Shape.of(model.images().shape().get(0))));
            p.learningRate = tf.withName("learning_rate")
                    .placeholderWithDefault(tf.constant((float) learningRate), Shape.scalar());

            Operand<TFloat32> oneHot = tf.withName("one_hot")
                    .oneHot(p.labels, tf.constant((int) numClasses), tf.constant(1f), tf.constant(0f));
            Operand<TFloat32> perExample = tf.withName("xentropy")
                    .nn
                    .softmaxCrossEntropyWithLogits(logits, oneHot)
                    .loss();
            p.crossEntropy = tf.withName("cross_entropy_loss").math.mean(perExample, tf.constant(0));
            List<Operand<TFloat32>> reg = model.regularizationLosses();
            p.regularization = reg.isEmpty()
                    ? tf.withName("regularization_loss").constant(0f)
                    : tf.withName("regularization_loss").math.addN(reg);
            p.totalLoss = tf.withName("total_loss").math.addN(List.of(p.crossEntropy, p.regularization));
            Ops acc = tf.withSubScope("accuracy");
            Operand<TInt32> predicted = acc.dtypes.cast(acc.math.argMax(logits, acc.constant(1)), TInt32.class);
            p.accuracy = acc.withName("value")
                    .math
                    .mean(
                            acc.dtypes.cast(acc.math.equal(predicted, p.labels), TFloat32.class),
                            acc.constant(0),
                            Mean.keepDims(false));

            List<ModelVariable> trainable = model.trainableVariables();
            Output<?>[] xs = new Output<?>[trainable.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = trainable.get(i).value().asOutput();
            }
            Output<?>[] dys =
                    graph.addGradients(scope + "/gradients", new Output<?>[] {p.totalLoss.asOutput()}, xs, null);

            List<Op> gateInputs = new ArrayList<>();
            List<Operand<TFloat32>> grads = new ArrayList<>();
            for (int i = 0; i < dys.length; i++) {
                if (dys[i] == null || dys[i].op() == null || dys[i].type() != TFloat32.class) {
                    throw new IllegalStateException(
                            "no float32 gradient for " + trainable.get(i).name());
                }
                @SuppressWarnings("unchecked")
                Output<TFloat32> g = (Output<TFloat32>) dys[i];
                grads.add(g);
                gateInputs.add(g);
            }
            gateInputs.add(p.totalLoss);
            gateInputs.add(p.accuracy);
            Op gate = tf.withControlDependencies(gateInputs)
                    .withName("gradients_ready")
                    .noOp();

            Ops init = root.withInitScope();
            Scope gated = root.withControlDependencies(List.of(gate)).scope();
            Operand<TFloat32> momentumValue = tf.withName("momentum").constant((float) momentum);
            List<Op> applies = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                ModelVariable v = trainable.get(i);
                Variable<TFloat32> slot = zeroSlot(graph, init, v);
                ApplyMomentum<TFloat32> apply = new ApplyMomentum<>(graph.opBuilder(
                                "ApplyMomentum",
                                scope + "/" + SLOT_NAME + "/update_" + v.name() + "/ApplyMomentum",
                                gated)
                        .addInput(v.variable().asOutput())
                        .addInput(slot.asOutput())
                        .addInput(p.learningRate.asOutput())
                        .addInput(grads.get(i).asOutput())
                        .addInput(momentumValue.asOutput())
                        .setAttr("use_locking", false)
                        .setAttr("use_nesterov", false)
                        .build());
                applies.add(apply);
                p.updates.add(new VariableUpdate(v, grads.get(i), slot, apply));
            }

            p.globalStep = globalStepVariable(graph, init);
            Op increment = tf.withControlDependencies(applies)
                    .withName("increment_global_step")
                    .assignAdd(p.globalStep, tf.constant(1L));
            List<Op> finish = new ArrayList<>();
            finish.add(increment);
            finish.addAll(model.updateOps());
            p.trainOp = tf.withControlDependencies(finish).withName("train_op").identity(p.totalLoss);
        }

        /** {@code <var>/Momentum}: a float32 VariableV2 of the variable's shape, zero-initialized in the init scope. */
        private static Variable<TFloat32> zeroSlot(Graph graph, Ops init, ModelVariable v) {
            String name = v.name() + "/" + SLOT_NAME;
            Scope s = init.scope();
            Variable<TFloat32> slot = new Variable<>(graph.opBuilder(Variable.OP_NAME, name, s)
                    .setAttr("shape", v.shape())
                    .setAttr("dtype", DataType.DT_FLOAT)
                    .build());
            GraphOperation dims;
            GraphOperation zero;
            try (TInt64 shape = TInt64.vectorOf(v.shape().asArray());
                    TFloat32 zeroValue = TFloat32.scalarOf(0f)) {
                dims = constant(graph, s, name + "/Initializer/zeros/shape_as_tensor", DataType.DT_INT64, shape);
                zero = constant(graph, s, name + "/Initializer/zeros/Const", DataType.DT_FLOAT, zeroValue);
            }
            GraphOperation fill = graph.opBuilder("Fill", name + "/Initializer/zeros", s)
                    .addInput(dims.output(0))
                    .addInput(zero.output(0))
                    .build();
            graph.opBuilder("Assign", name + "/Assign", s)
                    .addInput(slot.asOutput())
                    .addInput(fill.output(0))
                    .build();
            return slot;
        }

        private static Variable<TInt64> globalStepVariable(Graph graph, Ops init) {
            Scope s = init.scope();
            Variable<TInt64> step = new Variable<>(graph.opBuilder(Variable.OP_NAME, GLOBAL_STEP, s)
                    .setAttr("shape", Shape.scalar())
                    .setAttr("dtype", DataType.DT_INT64)
                    .build());
            GraphOperation zero;
            try (TInt64 zeroValue = TInt64.scalarOf(0L)) {
                zero = constant(graph, s, GLOBAL_STEP + "/Initializer/zeros", DataType.DT_INT64, zeroValue);
            }
            graph.opBuilder("Assign", GLOBAL_STEP + "/Assign", s)
                    .addInput(step.asOutput())
                    .addInput(zero.output(0))
                    .build();
            return step;
        }

        private static GraphOperation constant(Graph graph, Scope s, String name, DataType type, Tensor value) {
            return graph.opBuilder("Const", name, s)
                    .setAttr("dtype", type)
                    .setAttr("value", value)
                    .build();
        }
    }
}
