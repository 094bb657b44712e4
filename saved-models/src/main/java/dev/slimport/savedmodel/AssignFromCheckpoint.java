/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.slim.ModelVariable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Restores model variables from a checkpoint by slim name, with slim's exclude scopes: the port of slim's
 * fine-tuning init ({@code train_image_classifier.py:_get_init_fn}: {@code checkpoint_exclude_scopes} + {@code
 * slim.assign_from_checkpoint_fn}).
 *
 * <p>{@code Session.restore} (what {@code dev.slimport.resnet.train.Checkpoints} wraps for training, all variables of
 * the graph or nothing) restores every variable or fails; this class restores a chosen subset by name.
 * Like slim's {@code assign_from_checkpoint}, it reads each tensor with a {@link CheckpointReader} and feeds it to an
 * assignment: here the variable's own initializer {@code Assign}, whose value input is fed, so restoring adds no op to
 * the graph (an exported graph stays exactly the model) and needs no placeholder in the init scope.
 */
public final class AssignFromCheckpoint {
    private AssignFromCheckpoint() {}

    /** Feeds are grouped into runs of about this many bytes, so a large model is not held in memory twice. */
    private static final long FEED_CHUNK_BYTES = 64L << 20;

    /**
     * Whether slim's {@code _get_init_fn} excludes {@code variableName} for {@code exclude}: a plain string prefix
     * test, {@code var.op.name.startswith(exclusion)}. So {@code resnet_v2_50/logits} excludes {@code
     * resnet_v2_50/logits/weights} and {@code resnet_v2_50/logits/biases}.
     */
    private static boolean excludes(String exclude, String variableName) {
        return variableName.startsWith(exclude);
    }

    /**
     * Restores {@code variables} of {@code session}'s graph from the checkpoint at {@code prefix} by name, except
     * those an exclude scope matches, which keep their initializers. Initializes the session first (its initializers
     * that have not run yet), so excluded variables hold their seeded initial values afterwards.
     *
     * <p>Every restored variable must be in the checkpoint as float32 with the same shape; otherwise a {@link
     * CheckpointMismatchException} lists every missing and mis-shaped one and nothing is assigned. Extra checkpoint
     * keys (e.g. {@code global_step}, optimizer slots) are ignored and reported.
     *
     * @param session a session of the graph the variables live in
     * @param variables the variables to consider, e.g. {@code ResNetModel.variables()}
     * @param prefix the checkpoint prefix
     * @param excludes scope prefixes to skip (slim's {@code --checkpoint_exclude_scopes}); each must match a variable
     * @throws IllegalArgumentException for a missing checkpoint, a blank exclude or one that matches no variable
     * @throws CheckpointMismatchException if the checkpoint lacks a variable or holds one with another shape
     * @throws SavedModelException if the checkpoint cannot be read
     */
    public static RestoreResult restore(
            Session session, List<ModelVariable> variables, Path prefix, Collection<String> excludes) {
        return restore(session, variables, prefix, excludes, UnaryOperator.identity());
    }

    /**
     * {@link #restore(Session, List, Path, Collection)} with each variable read from the checkpoint key {@code
     * checkpointKey.apply(variable name)} instead of its own name: what slim's {@code
     * ExponentialMovingAverage.variables_to_restore()} map does (the key {@code <var>/ExponentialMovingAverage} into
     * the variable {@code <var>}). Mismatches and the result's restored names are the checkpoint keys.
     */
    public static RestoreResult restore(
            Session session,
            List<ModelVariable> variables,
            Path prefix,
            Collection<String> excludes,
            UnaryOperator<String> checkpointKey) {
        if (session == null) {
            throw new IllegalArgumentException("session: must not be null");
        }
        if (variables == null || variables.isEmpty()) {
            throw new IllegalArgumentException("variables: at least one variable is required");
        }
        List<String> exclusions = checkExcludes(variables, excludes);

        Map<ModelVariable, GraphOperation> assigns = new LinkedHashMap<>();
        List<String> excluded = new ArrayList<>();
        for (ModelVariable v : variables) {
            if (exclusions.stream().anyMatch(e -> excludes(e, v.name()))) {
                excluded.add(v.name());
            } else {
                assigns.put(v, initializerAssign(session.graph(), v));
            }
        }
        List<ModelVariable> toRestore = List.copyOf(assigns.keySet());

        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            checkCompatible(reader, toRestore, exclusions.isEmpty(), checkpointKey);
            session.initialize();
            assignFromCheckpoint(session, reader, assigns, checkpointKey);
            Set<String> unused = new TreeSet<>();
            reader.entries().forEach(e -> unused.add(e.name()));
            toRestore.forEach(v -> unused.remove(checkpointKey.apply(v.name())));
            return new RestoreResult(
                    reader.prefix(),
                    toRestore.stream().map(v -> checkpointKey.apply(v.name())).toList(),
                    excluded,
                    new ArrayList<>(unused));
        }
    }

    private static List<String> checkExcludes(List<ModelVariable> variables, Collection<String> excludes) {
        List<String> out = new ArrayList<>();
        if (excludes == null) {
            return out;
        }
        for (String raw : new LinkedHashSet<>(excludes)) {
            String e = raw == null ? "" : raw.strip();
            if (e.isEmpty()) {
                throw new IllegalArgumentException(
                        "exclude: a scope must not be empty (it would exclude every variable)");
            }
            if (variables.stream().noneMatch(v -> excludes(e, v.name()))) {
                Set<String> scopes = new TreeSet<>();
                for (ModelVariable v : variables) {
                    String[] parts = v.name().split("/");
                    scopes.add(parts.length > 1 ? parts[0] + "/" + parts[1] : parts[0]);
                }
                throw new IllegalArgumentException("exclude: '" + e
                        + "' matches no model variable (a variable is excluded when its name starts with the"
                        + " scope); top-level scopes: " + String.join(", ", scopes));
            }
            out.add(e);
        }
        return out;
    }

    private static GraphOperation initializerAssign(Graph graph, ModelVariable v) {
        GraphOperation varOp = (GraphOperation) v.variable().op();
        for (GraphOperation consumer : varOp.consumers(0)) {
            if (consumer.type().equals("Assign") && graph.isInitializer(consumer)) {
                return consumer;
            }
        }
        throw new IllegalArgumentException("variables: " + v.name()
                + " has no initializer Assign in the session's graph; was it built in another" + " graph?");
    }

    private static void checkCompatible(
            CheckpointReader reader, List<ModelVariable> toRestore, boolean noExcludes, UnaryOperator<String> key) {
        List<CheckpointMismatchException.Mismatch> offending = new ArrayList<>();
        for (ModelVariable v : toRestore) {
            CheckpointEntry e = reader.entry(key.apply(v.name())).orElse(null);
            if (e == null || e.dtype() != DataType.DT_FLOAT || !e.shape().equals(v.shape())) {
                offending.add(new CheckpointMismatchException.Mismatch(key.apply(v.name()), v.shape(), e));
            }
        }
        if (offending.isEmpty()) {
            return;
        }
        Set<String> scopes = new TreeSet<>();
        offending.forEach(m -> scopes.add(parentScope(m.name())));
        String hint = "to keep their initial values instead, exclude their scope(s): " + String.join(", ", scopes);
        if (offending.stream().filter(m -> m.checkpoint() == null).count() == toRestore.size()) {
            hint = "no model variable is in the checkpoint: is it another network, or built with another scope name?"
                    + " Its keys start with: " + keyScopes(reader);
        } else if (!noExcludes) {
            hint = "(after excludes) " + hint;
        }
        throw new CheckpointMismatchException(reader.prefix().toString(), offending, hint);
    }

    private static String parentScope(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(0, slash);
    }

    private static String keyScopes(CheckpointReader reader) {
        Set<String> roots = new TreeSet<>();
        reader.entries().forEach(e -> roots.add(e.name().split("/")[0]));
        return String.join(", ", roots);
    }

    /** Feeds each checkpoint value to its variable's initializer {@code Assign}, in runs of {@link #FEED_CHUNK_BYTES}. */
    private static void assignFromCheckpoint(
            Session session,
            CheckpointReader reader,
            Map<ModelVariable, GraphOperation> assigns,
            UnaryOperator<String> key) {
        Iterator<Map.Entry<ModelVariable, GraphOperation>> next =
                assigns.entrySet().iterator();
        while (next.hasNext()) {
            List<TFloat32> fed = new ArrayList<>();
            try {
                Session.Runner runner = session.runner();
                long bytes = 0;
                while (next.hasNext() && bytes < FEED_CHUNK_BYTES) {
                    Map.Entry<ModelVariable, GraphOperation> e = next.next();
                    TFloat32 value = reader.readFloat32(key.apply(e.getKey().name()));
                    fed.add(value);
                    bytes += value.numBytes();
                    runner.feed(e.getValue().input(1), value).addTarget(e.getValue());
                }
                runner.run().close();
            } finally {
                fed.forEach(Tensor::close);
            }
        }
    }

    /** TF1's {@code ExponentialMovingAverage} shadow suffix: the shadow of variable {@code v} is {@code v/<SUFFIX>}. */
    public static final String MOVING_AVERAGE_SUFFIX = "ExponentialMovingAverage";

    /**
     * slim's eval with {@code --moving_average_decay} ({@code variables_to_restore()} of its {@code
     * ExponentialMovingAverage}): restores each of {@code variables} from the checkpoint key {@code
     * <var>/ExponentialMovingAverage}.
     *
     * @param option the option to name in messages (e.g. {@code --moving-average-decay})
     * @throws IllegalArgumentException naming {@code option} when the checkpoint has no moving averages at all
     * @throws CheckpointMismatchException when some are missing or mis-shaped
     */
    public static RestoreResult restoreMovingAverages(
            Session session, List<ModelVariable> variables, Path prefix, String option) {
        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            if (reader.entries().stream().noneMatch(e -> e.name().endsWith("/" + MOVING_AVERAGE_SUFFIX))) {
                throw new IllegalArgumentException(option + ": the checkpoint " + prefix + " has no moving averages"
                        + " (no key ends with /" + MOVING_AVERAGE_SUFFIX + "); was it trained with"
                        + " --moving-average-decay?");
            }
        }
        return restore(session, variables, prefix, List.of(), v -> v + "/" + MOVING_AVERAGE_SUFFIX);
    }
}
