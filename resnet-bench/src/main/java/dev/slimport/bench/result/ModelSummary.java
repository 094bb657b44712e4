/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import dev.slimport.bench.ModelSpec;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** Summarizes {@code model} (built by {@code spec}). */
    public static ModelSummary of(ResNetModel model, ModelSpec spec) {
        Map<String, Operand<?>> rowOutputs = new LinkedHashMap<>(model.endPoints());
        Map<String, List<ModelVariable>> owned = new HashMap<>();
        for (ModelVariable v : model.variables()) {
            String owner = owningScope(v.name());
            owned.computeIfAbsent(owner, k -> new ArrayList<>()).add(v);
            rowOutputs.putIfAbsent(owner, null);
        }
        Map<String, Integer> order = new HashMap<>();
        Map<String, GraphOperation> lastOpUnder = new HashMap<>();
        int index = 0;
        for (Iterator<GraphOperation> it = model.graph().operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            order.put(op.name(), index++);
            for (String prefix = parent(op.name()); prefix != null; prefix = parent(prefix)) {
                if (rowOutputs.containsKey(prefix) && rowOutputs.get(prefix) == null) {
                    lastOpUnder.put(prefix, op);
                }
            }
        }
        Map<String, Long> macs = new HashMap<>();
        for (GraphStats.ConvCost c : GraphStats.convolutions(model.output())) {
            String row = enclosingRow(c.opName(), rowOutputs);
            macs.merge(row, Math.max(0, c.multiplyAddsPerImage()), Long::sum);
        }
        List<Row> rows = new ArrayList<>();
        Map<Row, Integer> rowOrder = new HashMap<>();
        for (Map.Entry<String, Operand<?>> e : rowOutputs.entrySet()) {
            String name = e.getKey();
            Operand<?> out = e.getValue();
            GraphOperation op = out != null ? (GraphOperation) out.op() : lastOpUnder.get(name);
            Shape shape = out != null ? out.shape() : op != null ? op.output(0).shape() : Shape.unknown();
            List<ModelVariable> vars = owned.getOrDefault(name, List.of());
            long params = vars.stream().mapToLong(ModelVariable::size).sum();
            Row row = new Row(name, type(vars, op), dims(shape), params, macs.getOrDefault(name, 0L));
            rows.add(row);
            rowOrder.put(row, op == null ? Integer.MAX_VALUE : order.getOrDefault(op.name(), Integer.MAX_VALUE));
        }
        rows.sort(Comparator.comparing(rowOrder::get));
        for (String row : macs.keySet()) {
            if (!rowOutputs.containsKey(row)) {
                rows.add(new Row(row, "conv2d", List.of(), 0, macs.get(row)));
            }
        }
        long total = model.parameterCount();
        long trainable = model.trainableParameterCount();
        long mac = model.multiplyAdds().orElse(-1);
        List<Variable> variables = new ArrayList<>();
        for (ModelVariable v : model.variables()) {
            variables.add(new Variable(
                    v.name(), dims(v.shape()), v.size(), v.role().name().toLowerCase(Locale.ROOT), v.trainable()));
        }
        return new ModelSummary(
                model.scope(),
                spec.network().precision().label(),
                spec.network().dataFormat().name(),
                dims(model.images().shape()),
                List.copyOf(rows),
                new Totals(total, trainable, total - trainable, mac, mac < 0 ? Double.NaN : 2.0 * mac / 1e9, total * 4),
                List.copyOf(variables));
    }

    /** The layer scope a variable belongs to: its name without the leaf and without a trailing {@code BatchNorm}. */
    static String owningScope(String variableName) {
        String scope = parent(variableName);
        if (scope != null && scope.endsWith("/BatchNorm")) {
            scope = parent(scope);
        }
        return scope == null ? variableName : scope;
    }

    private static String enclosingRow(String opName, Map<String, ?> rows) {
        for (String prefix = parent(opName); prefix != null; prefix = parent(prefix)) {
            if (rows.containsKey(prefix)) {
                return prefix;
            }
        }
        String p = parent(opName);
        return p == null ? opName : p;
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
        if (norm) {
            return "batch_norm";
        }
        return op == null ? "" : op.type();
    }

    private static List<Long> dims(Shape shape) {
        if (shape.isUnknown()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < shape.numDimensions(); i++) {
            out.add(shape.get(i));
        }
        return List.copyOf(out);
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
