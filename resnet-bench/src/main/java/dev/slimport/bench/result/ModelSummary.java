/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;

/**
 * A Keras {@code model.summary()}-like description of a built model: one row per layer, where the layers are slim's
 * end points plus every scope that owns variables (the {@code preact} and {@code postnorm} batch norms, which slim
 * does not collect), in graph order. Each variable and each convolution belongs to exactly one row — its owning
 * scope, or the innermost row scope enclosing the convolution — so the rows' parameters and multiply-adds add up to
 * the totals; container rows (units, blocks) own nothing themselves.
 *
 * @param model the model's scope
 * @param precision the compute precision
 * @param dataFormat the internal layout
 * @param inputShape the images' shape
 * @param rows the layers in graph order
 * @param totals the model's counts ({@link ResNetModel#parameterCount()}, {@link ResNetModel#multiplyAdds()})
 * @param variables every variable
 */
public record ModelSummary(
        String model,
        String precision,
        String dataFormat,
        List<Long> inputShape,
        List<Row> rows,
        Totals totals,
        List<Variable> variables) {

    /**
     * One layer.
     *
     * @param name the scope or end point name
     * @param type {@code conv2d}, {@code conv2d+batch_norm}, {@code batch_norm}, or the output op's type
     * @param outputShape the static output shape
     * @param parameters the scalars of the variables this scope owns
     * @param multiplyAdds the multiply-adds per image of the convolutions this row encloses most closely
     */
    public record Row(String name, String type, List<Long> outputShape, long parameters, long multiplyAdds) {}

    /**
     * The totals.
     *
     * @param parameters all variables' scalars
     * @param trainableParameters trainable scalars
     * @param nonTrainableParameters moving statistics
     * @param multiplyAddsPerImage the convolutions' multiply-adds per image
     * @param gflopPerImage {@code 2 * multiplyAdds / 1e9}
     * @param parameterBytes the float32 bytes of all variables
     */
    public record Totals(
            long parameters,
            long trainableParameters,
            long nonTrainableParameters,
            long multiplyAddsPerImage,
            double gflopPerImage,
            long parameterBytes) {}

    /**
     * One variable.
     *
     * @param name slim's name
     * @param shape its shape
     * @param size its scalars
     * @param role weights, biases, gamma, beta, moving_mean, moving_variance
     * @param trainable whether it is trainable
     */
    public record Variable(String name, List<Long> shape, long size, String role, boolean trainable) {}

    /** Summarizes {@code model}. */
    public static ModelSummary of(ResNetModel model) {
        Map<String, List<ModelVariable>> owned = model.variables().stream()
                .collect(Collectors.groupingBy(v -> owningScope(v.name()), LinkedHashMap::new, Collectors.toList()));
        Map<String, Operand<?>> outputs = new LinkedHashMap<>(model.endPoints());
        owned.keySet().forEach(scope -> outputs.putIfAbsent(scope, null));
        // A row's op: its end point's output, or the last op under its scope; the rows follow graph order.
        Map<String, GraphOperation> rowOps = new HashMap<>();
        outputs.forEach((name, out) -> rowOps.put(name, out == null ? null : (GraphOperation) out.op()));
        Map<String, Integer> order = new HashMap<>();
        for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            order.put(op.name(), order.size());
            String row = enclosingRow(op.name(), outputs);
            if (row != null && outputs.get(row) == null) {
                rowOps.put(row, op);
            }
        }
        Map<String, Long> macs = new HashMap<>();
        for (GraphStats.ConvCost c : GraphStats.convolutions(model.output())) {
            macs.merge(enclosingRow(c.opName(), outputs), Math.max(0, c.multiplyAddsPerImage()), Long::sum);
        }
        List<Row> rows = outputs.keySet().stream()
                .sorted(Comparator.comparing(name -> rowOps.get(name) == null
                        ? Integer.MAX_VALUE
                        : order.getOrDefault(rowOps.get(name).name(), Integer.MAX_VALUE)))
                .map(name -> {
                    GraphOperation op = rowOps.get(name);
                    Operand<?> out = outputs.get(name);
                    Shape shape = out != null
                            ? out.shape()
                            : op != null ? op.output(0).shape() : Shape.unknown();
                    List<ModelVariable> vars = owned.getOrDefault(name, List.of());
                    long params = vars.stream().mapToLong(ModelVariable::size).sum();
                    return new Row(name, type(vars, op), dims(shape), params, macs.getOrDefault(name, 0L));
                })
                .toList();
        long total = model.parameterCount();
        long trainable = model.trainableParameterCount();
        long mac = model.multiplyAdds().orElse(-1);
        List<Variable> variables = model.variables().stream()
                .map(v -> new Variable(
                        v.name(), dims(v.shape()), v.size(), v.role().name().toLowerCase(Locale.ROOT), v.trainable()))
                .toList();
        return new ModelSummary(
                model.scope(),
                model.spec().precision().label(),
                model.spec().dataFormat().name(),
                dims(model.images().shape()),
                rows,
                new Totals(total, trainable, total - trainable, mac, mac < 0 ? Double.NaN : 2.0 * mac / 1e9, total * 4),
                variables);
    }

    /** The layer scope a variable belongs to: its name without the leaf and without a trailing {@code BatchNorm}. */
    static String owningScope(String variableName) {
        String scope = parent(variableName);
        if (scope != null && scope.endsWith("/BatchNorm")) {
            scope = parent(scope);
        }
        return scope == null ? variableName : scope;
    }

    /** The innermost row whose scope encloses {@code opName}, or null. */
    private static String enclosingRow(String opName, Map<String, ?> rows) {
        for (String prefix = parent(opName); prefix != null; prefix = parent(prefix)) {
            if (rows.containsKey(prefix)) {
                return prefix;
            }
        }
        return null;
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }

    private static String type(List<ModelVariable> vars, GraphOperation op) {
        boolean weights = vars.stream().anyMatch(v -> v.role() == ModelVariable.Role.WEIGHTS);
        boolean norm = vars.stream().anyMatch(v -> v.role().isMovingStatistic());
        if (weights) {
            return norm ? "conv2d+batch_norm" : "conv2d";
        }
        return norm ? "batch_norm" : op == null ? "" : op.type();
    }

    private static List<Long> dims(Shape shape) {
        return shape.isUnknown()
                ? List.of()
                : Arrays.stream(shape.asArray()).boxed().toList();
    }

    /** The Keras-like table, totals and variable list. */
    public List<String> toText() {
        List<String> lines = new ArrayList<>();
        int nameWidth = Math.max(
                40,
                rows.stream()
                        .mapToInt(r -> r.name().length() + r.type().length() + 3)
                        .max()
                        .orElse(0));
        String rule = "-".repeat(nameWidth + 62);
        lines.add(String.format(
                Locale.ROOT, "Model: \"%s\" (%s, %s, images %s)", model, precision, dataFormat, inputShape));
        lines.add(rule);
        lines.add(String.format(
                Locale.ROOT,
                "%-" + nameWidth + "s %-22s %14s %22s",
                "Layer (type)",
                "Output Shape",
                "Param #",
                "Mult-Adds / image"));
        lines.add("=".repeat(rule.length()));
        for (Row r : rows) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%-" + nameWidth + "s %-22s %,14d %,22d",
                    r.name() + " (" + r.type() + ")",
                    r.outputShape(),
                    r.parameters(),
                    r.multiplyAdds()));
        }
        lines.add("=".repeat(rule.length()));
        lines.add(String.format(
                Locale.ROOT,
                "Total params: %,d (%.2f MB as float32)",
                totals.parameters(),
                totals.parameterBytes() / 1048576.0));
        lines.add(String.format(Locale.ROOT, "Trainable params: %,d", totals.trainableParameters()));
        lines.add(String.format(
                Locale.ROOT,
                "Non-trainable params: %,d (batch-norm moving statistics)",
                totals.nonTrainableParameters()));
        lines.add(String.format(
                Locale.ROOT,
                "Multiply-adds per image: %,d (%.3f GFLOP)",
                totals.multiplyAddsPerImage(),
                totals.gflopPerImage()));
        lines.add(rule);
        lines.add("Variables (" + variables.size() + "):");
        int varWidth = variables.stream().mapToInt(v -> v.name().length()).max().orElse(10);
        for (Variable v : variables) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  %-" + varWidth + "s %-22s %s",
                    v.name(),
                    v.shape(),
                    v.trainable() ? "trainable" : "not trainable"));
        }
        return lines;
    }
}
