/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.savedmodel.AssignFromCheckpoint;
import dev.slimport.savedmodel.CheckpointReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * slim's {@code --moving_average_decay}: TF1's {@code tf.train.ExponentialMovingAverage(decay, num_updates =
 * global_step)} over the model variables ({@code slim.get_model_variables()}: weights, biases, batch-norm beta and
 * gamma, and the moving mean and variance), and the eval side, {@code variables_to_restore()}.
 *
 * <p><b>Training</b> ({@link #build}): one shadow {@code VariableV2} per model variable, named {@code
 * <var>/ExponentialMovingAverage} (TF1's slot name, so the checkpoint matches slim's), saved with every checkpoint.
 * Each training step, after the optimizer's updates, the global-step increment and the batch-norm update ops, the
 * update does what {@code ExponentialMovingAverage.apply} does with {@code zero_debias=False}, in float32 as TF1
 * computes it:
 *
 * <pre>
 * n     = float(global_step)                      # after the increment: the steps done, 1 after the first
 * decay = min(D, (1 + n) / (10 + n))
 * shadow -= (shadow − var) · (1 − decay)          # assign_moving_average: AssignSub
 * </pre>
 *
 * slim groups the average's update with the train op without ordering them (TF1's ref variables then race); this
 * port orders it after the step as TF's {@code ExponentialMovingAverage} documentation does ({@code
 * control_dependencies([opt_op])}), so the shadows average the updated weights and the run is reproducible.
 *
 * <p>The shadows start at their variables' values once these are initialized or restored ({@link #reset}): TF1 starts
 * them at {@code var.initialized_value()} (the initializer's value, not a fine-tuning checkpoint's), which the small
 * early decays forget within about ten steps either way.
 *
 * <p><b>Eval</b> ({@link #restore}): slim's {@code eval_image_classifier.py --moving_average_decay} restores every
 * model variable {@code v} from the checkpoint key {@code v/ExponentialMovingAverage}; the decay value names no key
 * and is not used beyond that.
 *
 * <p>A {@code MovingAverages} owns nothing native: its ops live in the caller's graph.
 */
public final class MovingAverages {
    /** TF1's {@code ExponentialMovingAverage} name, the shadow suffix: the shadow of {@code v} is {@code v/<SUFFIX>}. */
    public static final String SUFFIX = AssignFromCheckpoint.MOVING_AVERAGE_SUFFIX;

    private final double decay;
    private final List<ModelVariable> variables;
    private final List<Variable<TFloat32>> shadows;
    private final Op update;
    private final Op reset;

    private MovingAverages(
            double decay, List<ModelVariable> variables, List<Variable<TFloat32>> shadows, Op update, Op reset) {
        this.decay = decay;
        this.variables = List.copyOf(variables);
        this.shadows = List.copyOf(shadows);
        this.update = update;
        this.reset = reset;
    }

    /** The checkpoint name of {@code variable}'s shadow: {@code <variable>/ExponentialMovingAverage}. */
    public static String shadowName(String variable) {
        return variable + "/" + SUFFIX;
    }

    /**
     * TF1's effective decay with {@code num_updates}: {@code min(decay, (1 + n) / (10 + n))} in float32.
     *
     * @param decay slim's {@code --moving_average_decay}
     * @param numUpdates the global step the update reads
     */
    public static float effectiveDecay(double decay, long numUpdates) {
        float n = numUpdates;
        return Math.min((float) decay, (1f + n) / (10f + n));
    }

    /**
     * Checks slim's {@code --moving_average_decay} value.
     *
     * @throws IllegalArgumentException naming {@code option} unless {@code decay} is in (0, 1)
     */
    public static double checkDecay(String option, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException(option + ": must be in (0, 1) (e.g. 0.9999), got " + decay);
        }
        return decay;
    }

    /**
     * Adds the shadows and their update to the graph of {@code tf}.
     *
     * @param tf where to build (the shadows keep their exact names; the ops go under {@code moving_average/})
     * @param variables the model variables to average (slim: {@code slim.get_model_variables()})
     * @param decay slim's {@code --moving_average_decay}, in (0, 1)
     * @param globalStep the int64 global step ({@code num_updates}), read after {@code after}
     * @param after what the update waits for: the train op, so the shadows see the updated variables
     * @throws IllegalArgumentException for a bad decay, no variables, or a shadow name already in the graph
     */
    public static MovingAverages build(
            Ops tf, List<ModelVariable> variables, double decay, Operand<TInt64> globalStep, Op after) {
        checkDecay("moving_average_decay", decay);
        if (variables == null || variables.isEmpty()) {
            throw new IllegalArgumentException("variables: at least one model variable is required");
        }
        Graph graph = (Graph) tf.scope().env();
        Ops scope = tf.withSubScope("moving_average");
        Ops init = scope.withInitScope();
        Ops gated = scope.withControlDependencies(List.of(after));
        Operand<TFloat32> n = gated.dtypes.cast(gated.withName("num_updates").identity(globalStep), TFloat32.class);
        Operand<TFloat32> one = scope.constant(1f);
        Operand<TFloat32> ratio = scope.math.div(scope.math.add(one, n), scope.math.add(scope.constant(10f), n));
        Operand<TFloat32> effective = scope.withName("decay").math.minimum(scope.constant((float) decay), ratio);
        Operand<TFloat32> oneMinus = scope.withName("one_minus_decay").math.sub(one, effective);
        List<Variable<TFloat32>> shadows = new ArrayList<>();
        List<Op> updates = new ArrayList<>();
        List<Op> resets = new ArrayList<>();
        for (ModelVariable v : variables) {
            String name = shadowName(v.name());
            if (graph.operation(name) != null) {
                throw new IllegalArgumentException("variables: the graph already has " + name);
            }
            Variable<TFloat32> shadow = new Variable<>(graph.opBuilder(Variable.OP_NAME, name, init.scope())
                    .setAttr("shape", v.shape())
                    .setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT)
                    .build());
            // a zero initializer so that Session.initialize() covers the shadow; reset() sets it to the variable
            init.withName("init").assign(shadow, init.fill(init.constant(v.shape()), init.constant(0f)));
            Operand<TFloat32> value = gated.withName("value").identity(v.variable());
            updates.add(gated.withName("update")
                    .assignSub(shadow, gated.math.mul(gated.math.sub(shadow, value), oneMinus)));
            resets.add(scope.withName("reset_one").assign(shadow, v.variable()));
            shadows.add(shadow);
        }
        Op update =
                scope.withControlDependencies(updates).withName("update_all").noOp();
        Op reset = scope.withControlDependencies(resets).withName("reset").noOp();
        return new MovingAverages(decay, variables, shadows, update, reset);
    }

    /** The decay D. */
    public double decay() {
        return decay;
    }

    /** The averaged variables, in {@link #shadows()} order. */
    public List<ModelVariable> variables() {
        return variables;
    }

    /** The shadow variables {@code <var>/ExponentialMovingAverage}. */
    public List<Variable<TFloat32>> shadows() {
        return shadows;
    }

    /** The update: run it as a target of the same run as the train op (it waits for the step). */
    public Op update() {
        return update;
    }

    /** Sets every shadow to its variable's value (after the variables are initialized or restored). */
    public void reset(Session session) {
        session.runner().addTarget(reset).run();
    }

    /**
     * Whether the checkpoint at {@code prefix} holds the shadow of every one of {@code variables}.
     *
     * @throws dev.slimport.savedmodel.SavedModelException if it cannot be read
     */
    public static boolean inCheckpoint(Path prefix, List<ModelVariable> variables) {
        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            return variables.stream()
                    .allMatch(v -> reader.entry(shadowName(v.name())).isPresent());
        }
    }
}
