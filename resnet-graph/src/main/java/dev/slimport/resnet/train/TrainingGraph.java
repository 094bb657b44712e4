/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.LayerContext;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

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
 * <p>Targets: fetch {@link #gradients()} to compute all gradients (the forward-backward pass, nothing
 * updated); fetch {@link #trainOp()} for a full optimizer step. {@link #trainStep}, {@link #forwardBackward} and
 * {@link #evaluate} run them on a caller-owned {@link Session} and close what they fetch. A {@code TrainingGraph}
 * owns nothing native; the graph and sessions belong to the caller. Build it before the first {@code
 * Session.save/restore}: the saver only knows the variables that exist then. Build it with {@link #builder}; the
 * components are what the builder added to the graph.
 *
 * <pre>{@code
 * try (Graph g = new Graph(); Session s = new Session(g)) {
 *   Ops tf = Ops.create(g);
 *   ResNetModel m = ResNetV2.builder(NetworkSpec.of(Depth.D50).withNumClasses(10)).isTraining(true)
 *       .build(tf, ResNetV2.imagesPlaceholder(tf, 32, 224, 224));
 *   TrainingGraph t = TrainingGraph.builder(m).learningRate(0.01).build(tf);
 *   s.initialize();
 *   StepMetrics step = t.trainStep(s, images, labels);
 * }
 * }</pre>
 *
 * @param model the model being trained
 * @param scope the name scope of the training ops
 * @param labels the int32 class labels {@code [batch]}, in {@code [0, numClasses)} (feed them)
 * @param learningRate a float32 scalar placeholder with the configured default; feed it to change it per step
 * @param defaultLearningRate the learning rate used when none is fed
 * @param momentum the momentum coefficient
 * @param crossEntropyLoss the mean softmax cross-entropy over the batch ({@code tf.losses.softmax_cross_entropy},
 *     weights 1)
 * @param regularizationLoss the sum of the model's regularization losses (0 when it has none)
 * @param totalLoss the loss that is minimized: cross-entropy plus regularization
 * @param accuracy the top-1 accuracy of the batch (the fraction of argmax(logits) equal to the label)
 * @param updates one entry per trainable variable, in the model's creation order
 * @param globalStep TF1's {@code global_step}: an int64 {@code VariableV2}, 0 initially, +1 per train step
 * @param trainOp the train target (slim's {@code train_op}): fetching it runs one full step — forward, backward, every
 *     momentum update, the global step increment and the batch-norm update ops — and yields the total loss of the
 *     batch before the update
 * @param optimizer the optimizer ({@link Optimizer#MOMENTUM} unless {@link Builder#optimizer} chose another);
 *     {@code momentum} is RMSProp's momentum for {@link Optimizer#RMSPROP}
 */
public record TrainingGraph(
        ResNetModel model,
        String scope,
        Operand<TInt32> labels,
        Operand<TFloat32> learningRate,
        double defaultLearningRate,
        double momentum,
        Operand<TFloat32> crossEntropyLoss,
        Operand<TFloat32> regularizationLoss,
        Operand<TFloat32> totalLoss,
        Operand<TFloat32> accuracy,
        List<VariableUpdate> updates,
        Variable<TInt64> globalStep,
        Operand<TFloat32> trainOp,
        Optimizer optimizer) {

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
     * @param accumulator the optimizer's first slot: {@code <variable>/Momentum}, {@code <variable>/RMSProp} (the
     *     mean square) or {@code <variable>/Adam} (the first moment)
     * @param update the {@code ApplyMomentum}, {@code ApplyRMSProp} or {@code ApplyAdam} op
     * @param slots every slot of the variable, {@code accumulator} first ({@code /RMSProp_1}: RMSProp's momentum,
     *     {@code /Adam_1}: Adam's second moment)
     */
    public record VariableUpdate(
            ModelVariable variable,
            Operand<TFloat32> gradient,
            Variable<TFloat32> accumulator,
            Op update,
            List<Variable<TFloat32>> slots) {
        /** The update; {@code slots} is copied. */
        public VariableUpdate {
            slots = List.copyOf(slots);
        }
    }

    /** The training graph; {@code updates} is copied. */
    public TrainingGraph {
        updates = List.copyOf(updates);
    }

    /** A builder for the training graph of {@code model}. */
    public static Builder builder(ResNetModel model) {
        return new Builder(model);
    }

    /** The images the model reads (feed a float32 NHWC batch). */
    public Operand<TFloat32> images() {
        return model.images();
    }

    /**
     * The gradients of {@link #totalLoss()} for the trainable variables, in {@link #updates()} order: what to fetch for
     * one forward-backward pass. Fetching them is what makes TensorFlow run the backward pass (a no-op that merely
     * depends on them lets it prune the work); nothing is updated.
     */
    public List<Operand<TFloat32>> gradients() {
        return updates.stream().map(VariableUpdate::gradient).toList();
    }

    /** The momentum accumulators {@code <var>/Momentum}, in {@link #updates()} order. */
    public List<Variable<TFloat32>> accumulators() {
        return updates.stream().map(VariableUpdate::accumulator).toList();
    }

    /** One optimizer step at the default learning rate; returns the loss and accuracy before the update. */
    public StepMetrics trainStep(Session session, TFloat32 images, TInt32 labels) {
        return metrics(feedBatch(session, images, labels).fetch(trainOp));
    }

    /**
     * One optimizer step at {@code learningRate}; returns the loss and accuracy of the batch before the update.
     *
     * @throws IllegalArgumentException when {@code learningRate} is negative or not finite
     */
    public StepMetrics trainStep(Session session, TFloat32 images, TInt32 labels, double learningRate) {
        checkRate(learningRate);
        try (TFloat32 lr = TFloat32.scalarOf((float) learningRate)) {
            return metrics(feedBatch(session, images, labels)
                    .feed(this.learningRate, lr)
                    .fetch(trainOp));
        }
    }

    /** One forward-backward pass: computes every gradient and discards them; no variable changes. */
    public void forwardBackward(Session session, TFloat32 images, TInt32 labels) {
        Session.Runner r = feedBatch(session, images, labels);
        gradients().forEach(r::fetch);
        r.run().close();
    }

    /**
     * The loss and accuracy of a batch without training: a forward pass only. With a training-mode model it uses
     * the batch statistics but runs no update op.
     */
    public StepMetrics evaluate(Session session, TFloat32 images, TInt32 labels) {
        return metrics(feedBatch(session, images, labels).fetch(totalLoss));
    }

    /** The current global step. */
    public long globalStepValue(Session session) {
        checkSession(session);
        try (Result res = session.runner().fetch(globalStep).run()) {
            return ((TInt64) res.get(0)).getLong();
        }
    }

    /** Runs {@code r} with {@link #accuracy()} fetched after its one loss fetch. */
    private StepMetrics metrics(Session.Runner r) {
        try (Result res = r.fetch(accuracy).run()) {
            return new StepMetrics(scalar(res.get(0)), scalar(res.get(1)));
        }
    }

    private Session.Runner feedBatch(Session session, TFloat32 images, TInt32 labels) {
        checkSession(session);
        Shape is = images.shape();
        Shape ls = labels.shape();
        if (is.numDimensions() != 4 || ls.numDimensions() != 1 || is.get(0) != ls.get(0)) {
            throw new IllegalArgumentException("images/labels: expected images [B,H,W,C] and labels [B] of the same"
                    + " batch, got " + is + " and " + ls);
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

    private static void checkRate(double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("learningRate: must be a finite number >= 0, got " + rate);
        }
    }

    /** Builds a {@link TrainingGraph}; every setter validates its argument, {@link #build} checks the graph first. */
    public static final class Builder {
        private final ResNetModel model;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double momentum = DEFAULT_MOMENTUM;
        private Operand<TInt32> labels;
        private String scope = DEFAULT_SCOPE;
        private List<String> trainableScopes = List.of();
        private Optimizer optimizer = Optimizer.MOMENTUM;
        private double rmspropDecay = Optimizer.RMSPROP_DECAY;
        private double epsilon = Optimizer.OPT_EPSILON;
        private double beta1 = Optimizer.ADAM_BETA1;
        private double beta2 = Optimizer.ADAM_BETA2;
        private double labelSmoothing;

        private Builder(ResNetModel model) {
            if (model == null) {
                throw new IllegalArgumentException("model: must not be null");
            }
            this.model = model;
        }

        /** The default learning rate (slim's default 0.01); {@link TrainingGraph#learningRate()} can be fed per step. */
        public Builder learningRate(double lr) {
            checkRate(lr);
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

        /**
         * The optimizer (slim's {@code --optimizer}; default {@link Optimizer#MOMENTUM}). For {@link
         * Optimizer#RMSPROP}, {@link #momentum} is {@code --rmsprop_momentum} (default 0.9).
         */
        public Builder optimizer(Optimizer o) {
            if (o == null) {
                throw new IllegalArgumentException("optimizer: must not be null");
            }
            this.optimizer = o;
            return this;
        }

        /** RMSProp's decay (slim's {@code --rmsprop_decay}, default 0.9), in (0, 1]. */
        public Builder rmspropDecay(double d) {
            if (!(d > 0 && d <= 1)) {
                throw new IllegalArgumentException("rmspropDecay: must be in (0, 1], got " + d);
            }
            this.rmspropDecay = d;
            return this;
        }

        /** RMSProp's and Adam's epsilon (slim's {@code --opt_epsilon}, default 1.0), > 0. */
        public Builder epsilon(double e) {
            if (!(e > 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("epsilon: must be a finite number > 0, got " + e);
            }
            this.epsilon = e;
            return this;
        }

        /** Adam's β1 and β2 (slim's {@code --adam_beta1/2}, defaults 0.9, 0.999), each in [0, 1). */
        public Builder adamBetas(double b1, double b2) {
            if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
                throw new IllegalArgumentException("adamBetas: must be in [0, 1), got " + b1 + ", " + b2);
            }
            this.beta1 = b1;
            this.beta2 = b2;
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

        /**
         * Trains only the trainable variables whose name starts with one of {@code scopes} (slim's {@code
         * --trainable_scopes}, {@code train_image_classifier.py _get_variables_to_train}: {@code
         * tf.get_collection(TRAINABLE_VARIABLES, scope)}, a name-prefix match); empty (the default) trains all. The
         * loss keeps every regularization loss, as slim's does.
         *
         * @throws IllegalArgumentException naming {@code trainableScopes} for a null or blank scope
         */
        public Builder trainableScopes(List<String> scopes) {
            if (scopes == null || scopes.stream().anyMatch(x -> x == null || x.isBlank())) {
                throw new IllegalArgumentException("trainableScopes: scopes must be non-blank, got " + scopes);
            }
            this.trainableScopes = scopes.stream().map(String::strip).toList();
            return this;
        }

        /**
         * slim's {@code --label_smoothing} ({@code tf.losses.softmax_cross_entropy(label_smoothing=ls)}): the one-hot
         * labels become {@code onehot·(1 − ls) + ls / num_classes}. Default 0.
         *
         * @throws IllegalArgumentException naming {@code labelSmoothing} when not in [0, 1]
         */
        public Builder labelSmoothing(double ls) {
            if (!(ls >= 0 && ls <= 1)) {
                throw new IllegalArgumentException("labelSmoothing: must be in [0, 1], got " + ls);
            }
            this.labelSmoothing = ls;
            return this;
        }

        /** The name scope of the training ops (default {@value #DEFAULT_SCOPE}). */
        public Builder scope(String name) {
            LayerContext.checkName("scope", name);
            this.scope = name;
            return this;
        }

        /**
         * Adds the training ops to the model's graph.
         *
         * @param root ops of the model's graph; its device applies to the training ops
         * @throws IllegalArgumentException when the model has no {@code [batch, classes]} logits, was built with {@code
         *     reuse} (its regularization losses live with the model that created the variables), or the graph already
         *     holds a training graph or ops in the chosen scope — before anything is added
         */
        public TrainingGraph build(Ops root) {
            Operand<TFloat32> logits = checkedLogits(root);
            List<ModelVariable> trainable = variablesToTrain();
            Ops tf = root.withSubScope(scope);
            Operand<TInt32> y = labels != null
                    ? labels
                    : tf.withName("labels")
                            .placeholder(
                                    TInt32.class,
                                    Placeholder.shape(
                                            Shape.of(model.images().shape().get(0))));
            Operand<TFloat32> rate = tf.withName("learning_rate")
                    .placeholderWithDefault(tf.constant((float) learningRate), Shape.scalar());

            int classes = (int) logits.shape().get(1);
            float off = (float) (labelSmoothing / classes);
            float on = (float) (1 - labelSmoothing) + off;
            Operand<TFloat32> oneHot =
                    tf.withName("one_hot").oneHot(y, tf.constant(classes), tf.constant(on), tf.constant(off));
            Operand<TFloat32> perExample = tf.withName("xentropy")
                    .nn
                    .softmaxCrossEntropyWithLogits(logits, oneHot)
                    .loss();
            Operand<TFloat32> crossEntropy =
                    tf.withName("cross_entropy_loss").math.mean(perExample, tf.constant(0));
            List<Operand<TFloat32>> reg = model.regularizationLosses();
            Operand<TFloat32> regularization = reg.isEmpty()
                    ? tf.withName("regularization_loss").constant(0f)
                    : tf.withName("regularization_loss").math.addN(reg);
            Operand<TFloat32> totalLoss = tf.withName("total_loss").math.addN(List.of(crossEntropy, regularization));
            Ops acc = tf.withSubScope("accuracy");
            Operand<TInt32> predicted = acc.dtypes.cast(acc.math.argMax(logits, acc.constant(1)), TInt32.class);
            Operand<TFloat32> accuracy = acc.withName("value")
                    .math
                    .mean(acc.dtypes.cast(acc.math.equal(predicted, y), TFloat32.class), acc.constant(0));

            Output<?>[] dys = model.graph()
                    .addGradients(
                            scope + "/gradients",
                            new Output<?>[] {totalLoss.asOutput()},
                            trainable.stream().map(v -> v.value().asOutput()).toArray(Output<?>[]::new),
                            null);
            List<Operand<TFloat32>> grads = new ArrayList<>();
            for (int i = 0; i < dys.length; i++) {
                if (dys[i] == null || dys[i].type() != TFloat32.class) {
                    throw new IllegalStateException(
                            "no float32 gradient for " + trainable.get(i).name());
                }
                grads.add(dys[i].expect(TFloat32.class));
            }
            List<Op> gateInputs = new ArrayList<>(grads);
            gateInputs.add(totalLoss);
            gateInputs.add(accuracy);
            Op gate = tf.withControlDependencies(gateInputs)
                    .withName("gradients_ready")
                    .noOp();

            // Slots and global_step keep TF1's exact names (checkpoint keys); their initializers live in the train
            // scope. Names come from withName, not per-variable sub-scopes, which would rescan the graph each time.
            Ops slots = tf.withSubScope(optimizer.slotName());
            Ops slotInit = slots.withInitScope();
            Ops gated = slots.withControlDependencies(List.of(gate));
            Operand<TFloat32> zero = slotInit.withName("zero").constant(0f);
            Operand<TFloat32> one = slotInit.withName("one").constant(1f);
            Operand<TFloat32> momentumValue = slots.withName("momentum").constant((float) momentum);
            Operand<TFloat32> epsilonValue = slots.withName("epsilon").constant((float) epsilon);
            Operand<TFloat32> decayValue = slots.withName("decay").constant((float) rmspropDecay);
            Operand<TFloat32> beta1Value = slots.withName("beta1").constant((float) beta1);
            Operand<TFloat32> beta2Value = slots.withName("beta2").constant((float) beta2);
            Variable<TFloat32> beta1Power = null;
            Variable<TFloat32> beta2Power = null;
            if (optimizer == Optimizer.ADAM) {
                beta1Power = variable(
                        slotInit, "beta1_power", slotInit.withName("beta1_init").constant((float) beta1));
                beta2Power = variable(
                        slotInit, "beta2_power", slotInit.withName("beta2_init").constant((float) beta2));
            }
            String name = optimizer.slotName();
            List<VariableUpdate> updates = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                ModelVariable v = trainable.get(i);
                Operand<TFloat32> g = grads.get(i);
                Operand<TInt64> shape = slotInit.constant(v.shape());
                Variable<TFloat32> first = variable(
                        slotInit,
                        v.name() + "/" + name,
                        slotInit.withName("init").fill(shape, optimizer == Optimizer.RMSPROP ? one : zero));
                Variable<TFloat32> second = optimizer == Optimizer.MOMENTUM
                        ? null
                        : variable(
                                slotInit,
                                v.name() + "/" + name + "_1",
                                slotInit.withName("init").fill(shape, zero));
                List<Variable<TFloat32>> slotList = second == null ? List.of(first) : List.of(first, second);
                Op apply;
                switch (optimizer) {
                    case MOMENTUM ->
                        apply = gated.withName("update")
                                .train
                                .applyMomentum(v.variable(), first, rate, g, momentumValue);
                    case RMSPROP ->
                        apply = gated.withName("update")
                                .train
                                .applyRmsProp(
                                        v.variable(), first, second, rate, decayValue, momentumValue, epsilonValue, g);
                    case ADAM -> {
                        apply = gated.withName("update")
                                .train
                                .applyAdam(
                                        v.variable(),
                                        first,
                                        second,
                                        beta1Power,
                                        beta2Power,
                                        rate,
                                        beta1Value,
                                        beta2Value,
                                        epsilonValue,
                                        g);
                    }
                    default -> throw new IllegalStateException("optimizer " + optimizer);
                }
                updates.add(new VariableUpdate(v, g, first, apply, slotList));
            }
            List<Op> applied =
                    new ArrayList<>(updates.stream().map(VariableUpdate::update).toList());
            if (optimizer == Optimizer.ADAM) {
                // TF1 AdamOptimizer._finish: beta powers advance after every variable's update
                Ops after = tf.withControlDependencies(List.copyOf(applied));
                Op b1 = after.withName("update_beta1_power").assign(beta1Power, after.math.mul(beta1Power, beta1Value));
                Op b2 = after.withName("update_beta2_power").assign(beta2Power, after.math.mul(beta2Power, beta2Value));
                applied.add(b1);
                applied.add(b2);
            }

            Ops init = tf.withInitScope();
            Variable<TInt64> globalStep = variable(
                    init, GLOBAL_STEP, init.withName("global_step_zero").constant(0L));
            Op increment = tf.withControlDependencies(applied)
                    .withName("increment_global_step")
                    .assignAdd(globalStep, tf.constant(1L));
            List<Op> finish = new ArrayList<>(List.of(increment));
            finish.addAll(model.updateOps());
            Operand<TFloat32> trainOp =
                    tf.withControlDependencies(finish).withName("train_op").identity(totalLoss);
            return new TrainingGraph(
                    model,
                    scope,
                    y,
                    rate,
                    learningRate,
                    momentum,
                    crossEntropy,
                    regularization,
                    totalLoss,
                    accuracy,
                    updates,
                    globalStep,
                    trainOp,
                    optimizer);
        }

        /** The trainable variables under {@link #trainableScopes} (all when none), in creation order. */
        private List<ModelVariable> variablesToTrain() {
            List<ModelVariable> all = model.trainableVariables();
            if (trainableScopes.isEmpty()) {
                return all;
            }
            for (String s : trainableScopes) {
                if (all.stream().noneMatch(v -> v.name().startsWith(s))) {
                    throw new IllegalArgumentException("trainableScopes: '" + s + "' matches no trainable variable"
                            + " (names start with " + all.get(0).name().split("/")[0] + "/, e.g. "
                            + all.get(all.size() - 1).name() + ")");
                }
            }
            return all.stream()
                    .filter(v -> trainableScopes.stream().anyMatch(s -> v.name().startsWith(s)))
                    .toList();
        }

        /** The model's {@code [batch, classes]} logits, once the model and graph are known to be trainable here. */
        private Operand<TFloat32> checkedLogits(Ops tf) {
            if (tf == null || tf.scope().env() != model.graph()) {
                throw new IllegalArgumentException("tf: must build in the model's graph");
            }
            Operand<TFloat32> logits = model.logits()
                    .orElseThrow(() ->
                            new IllegalArgumentException("model: needs logits to train; build it with numClasses > 0"));
            if (logits.shape().numDimensions() != 2) {
                throw new IllegalArgumentException("model: logits must be [batch, classes] (build with"
                        + " spatialSqueeze(true) or globalPool(true)), got " + logits.shape());
            }
            if (model.reuse()) {
                throw new IllegalArgumentException("model: built with reuse(true); train the model that created the"
                        + " variables (a reused build has no regularization losses)");
            }
            long batch = model.images().shape().get(0);
            if (labels != null
                    && labels.shape().get(0) >= 0
                    && batch >= 0
                    && labels.shape().get(0) != batch) {
                throw new IllegalArgumentException(
                        "labels: batch " + labels.shape().get(0) + " differs from the images' batch " + batch);
            }
            Graph graph = model.graph();
            if (graph.operation(GLOBAL_STEP) != null) {
                throw new IllegalArgumentException(
                        "graph: already has a " + GLOBAL_STEP + " variable; build one training graph per graph");
            }
            for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
                String name = it.next().name();
                if (name.equals(scope) || name.startsWith(scope + "/")) {
                    throw new IllegalArgumentException(
                            "scope: '" + scope + "' is already used in this graph; choose another");
                }
            }
            return logits;
        }

        /** The {@code VariableV2} {@code name}, exactly so named, set to {@code initial} by the graph's initializer. */
        private static <T extends TType> Variable<T> variable(Ops init, String name, Operand<T> initial) {
            Graph graph = (Graph) init.scope().env();
            Variable<T> v = new Variable<>(graph.opBuilder(Variable.OP_NAME, name, init.scope())
                    .setAttr("shape", initial.shape())
                    .setAttr("dtype", initial.asOutput().dataType())
                    .build());
            init.withName("assign").assign(v, initial);
            return v;
        }
    }
}
