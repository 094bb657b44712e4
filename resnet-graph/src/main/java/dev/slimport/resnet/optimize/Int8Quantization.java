/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import com.google.protobuf.ByteString;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.slim.ModelWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Post-training static int8 quantization of a folded inference graph ({@link InferenceGraph#foldBatchNorms}, float32,
 * NHWC), the second graph optimization beside batch-norm folding. It follows TensorFlow's quantize graph transforms
 * ({@code quantize_weights} / {@code freeze_requantization_ranges} of the Graph Transform Tool, and the Intel
 * quantization tool's fused {@code QuantizedConv2DWithBias*AndRequantize} patterns) on oneDNN's int8 kernels; the
 * arithmetic of each op is in {@link Int8Ops}.
 *
 * <p><b>Calibration</b> ({@link #calibrate}): the fp32 graph runs over the calibration batches and records, per
 * tensor that will be quantized, its range ({@link RangeMethod#MIN_MAX}: the smallest and largest value seen).
 *
 * <p><b>Rewrite</b> ({@link #quantize}): the folded graph's {@code GraphDef} with every variable frozen to a {@code
 * Const} of its session value (the {@code load_weights} placeholders and assigns, the initializers, dropped), then
 * every convolution followed by its bias whose input is a ReLU output (optionally through slim's explicit {@code Pad}
 * of {@code conv2d_same} or the {@code SpaceToBatchND} of an atrous convolution) — each bottleneck unit's {@code
 * shortcut} projection, {@code conv1}, {@code conv2} and {@code conv3} — and, with {@link RootConvolution#INT8},
 * the root {@code conv1} on the images:
 *
 * <ul>
 *   <li>the ReLU output enters as quint8 through {@code QuantizeV2} over {@code [0, R]} (R calibrated); the
 *       pre-activation's batch norm and ReLU stay float and run fused: the rewrite writes the {@code
 *       _FusedBatchNormEx} that grappler's remapper makes of them in the fp32 graph, because the int8 graph runs
 *       without grappler ({@link Int8Graph#sessionConfig}) (quantizing the batch norm's output directly gives the
 *       same values, since quint8 saturates negatives at 0, but lets grappler split the frozen batch norm into
 *       {@code Mul} + {@code Add}: measured no faster); a
 *       ReLU that is itself an int8 convolution's output is used as the quint8 tensor directly;
 *   <li>the filter is a qint8 {@code Const} quantized symmetrically per output channel, the bias stays float;
 *   <li>a convolution followed by a ReLU ({@code conv1}, {@code conv2}) runs as {@code
 *       QuantizedConv2DWithBiasAndReluAndRequantize} to quint8 over its calibrated output range, feeding the next
 *       convolution without leaving int8; the stride-2 {@code conv2}'s zero {@code Pad} ({@code conv2d_same})
 *       becomes the quantized convolution's explicit {@code padding_list} (oneDNN pads inside the kernel; quint8 0
 *       is float 0; a separate {@code Pad} of the quint8 tensor measured far slower); an atrous one becomes a
 *       dilated quantized convolution;
 *   <li>a convolution without ReLU ({@code conv3}, {@code shortcut}) runs as {@code
 *       QuantizedConv2DWithBiasAndRequantize} to qint8 over {@code ±R}, dequantized to the float the residual add
 *       needs: the residual stream stays float, because the v2 unit adds without a ReLU (oneDNN's fused
 *       sum-and-ReLU convolutions do not apply) and its pre-activation batch norm follows the add;
 *   <li>the root {@code conv1} ({@link RootConvolution#INT8} only): its input, the images, is signed, so after slim's float {@code Pad} the images are
 *       shifted by their calibrated minimum {@code m <= 0} ({@code x' = x - m >= 0}, quint8 over {@code [0, max -
 *       m]}) and the shift is folded into the bias ({@code conv(w, x) = conv(w, x') + m·Σw}); it runs as {@code
 *       QuantizedConv2DWithBiasAndRequantize} to qint8, {@code pool1} as {@code QuantizedMaxPool} on the qint8
 *       tensor (max pooling commutes with the monotone dequantization), dequantized after the pool.
 * </ul>
 *
 * <p>Names: every node the rewrite replaces keeps its name on a node yielding its float tensor — a convolution's
 * {@code Relu} (or its {@code BiasAdd} when no ReLU follows) and {@code pool1/MaxPool} become a {@code Dequantize} of
 * the int8 result, a frozen weights variable becomes a {@code Dequantize} of its qint8 constant (so {@code
 * weights/read} still yields float weights), and the float {@code Conv2D} / {@code BiasAdd} / {@code Pad} nodes remain
 * as they were on those float tensors, computed only when fetched. So every end point, {@code images}, the logits,
 * predictions, pool and feature outputs and any signature built on them keep their names, and the function library
 * and all other nodes are copied unchanged.
 *
 * <p>Left float: the root {@code conv1} and {@code pool1} unless {@link RootConvolution#INT8} (the default keeps
 * them float: the images are signed and 3 channels deep, 0.8–3.4% of the multiply-adds at 224×224), the logits (1×1 on the pooled features, 0.06% of the multiply-adds at 224×224, kept float for the
 * accuracy of the output), the batch norms that follow no convolution, the residual adds, the subsampling shortcuts,
 * {@code pool5} and the softmax.
 */
public final class Int8Quantization {
    private Int8Quantization() {}

    /**
     * {@link #calibrate} adds its range reductions beneath the root scope {@code <model scope>_int8_calibration}.
     */
    public static final String CALIBRATION_SCOPE = "int8_calibration";

    /**
     * The smallest range a quantized tensor gets (a tensor that was 0 over the whole calibration set), so that every
     * scale is finite.
     */
    public static final float MIN_RANGE = 1e-6f;

    /** Whether the root {@code conv1} (on the signed images) runs in int8. */
    public enum RootConvolution {
        /** The root {@code conv1} and {@code pool1} stay fp32 (the 4-argument {@link #quantize}'s choice). */
        FLOAT,
        /**
         * The root {@code conv1} in int8: the padded images shifted by their calibrated minimum to non-negative values,
         * the shift folded into the bias, {@code pool1} as {@code QuantizedMaxPool} (see the class comment).
         */
        INT8
    }

    /** How a tensor's range is taken from the values the calibration saw. */
    public enum RangeMethod {
        /**
         * The smallest and the largest value over all calibration images: nothing the calibration saw saturates. The
         * range of a ReLU output is {@code [0, max]}, of a signed output {@code ±max|x|}.
         */
        MIN_MAX
    }

    /**
     * A calibrated range.
     *
     * @param min the smallest value seen
     * @param max the largest value seen
     */
    public record Range(float min, float max) {
        /** A range; {@code min <= max}, both finite. */
        public Range {
            if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
                throw new IllegalArgumentException("range: finite min <= max required, got [" + min + ", " + max + "]");
            }
        }

        /** {@code max(|min|, |max|)}, at least {@link #MIN_RANGE}: the symmetric range of a signed tensor. */
        public float absMax() {
            return Math.max(MIN_RANGE, Math.max(Math.abs(min), Math.abs(max)));
        }

        /** {@code max}, at least {@link #MIN_RANGE}: the range {@code [0, R]} of a ReLU output. */
        public float reluMax() {
            return Math.max(MIN_RANGE, max);
        }
    }

    /**
     * The calibrated ranges of a folded graph.
     *
     * @param method how the ranges were taken
     * @param batches the number of calibration batches
     * @param images the number of calibration images
     * @param ranges the range of every tensor that is quantized, by the name of the node yielding it (output 0), in
     *     name order
     */
    public record Calibration(RangeMethod method, int batches, long images, Map<String, Range> ranges) {
        /** A calibration; {@code ranges} is copied in name order. */
        public Calibration {
            if (method == null) {
                throw new IllegalArgumentException("method: one of " + List.of(RangeMethod.values()) + ", got null");
            }
            if (batches < 1 || images < 1) {
                throw new IllegalArgumentException(
                        "calibration: at least one batch and one image, got " + batches + ", " + images);
            }
            ranges = java.util.Collections.unmodifiableMap(new TreeMap<>(ranges));
        }

        /**
         * This calibration as JSON-friendly data: {@code {"method": "MIN_MAX", "batches": n, "images": n, "ranges":
         * {name: [min, max], ...}}} (strings, numbers, lists and maps only).
         */
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            ranges.forEach((k, v) -> r.put(k, List.of((double) v.min(), (double) v.max())));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method.name());
            m.put("batches", batches);
            m.put("images", images);
            m.put("ranges", r);
            return m;
        }

        /**
         * Reads {@link #toMap}'s form (numbers of any {@link Number} type).
         *
         * @throws IllegalArgumentException for a missing or malformed entry, naming it
         */
        public static Calibration fromMap(Map<String, ?> map) {
            if (map == null) {
                throw new IllegalArgumentException("map: a calibration map is required, got null");
            }
            Object method = map.get("method");
            RangeMethod m;
            try {
                m = RangeMethod.valueOf(String.valueOf(method));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "method: one of " + List.of(RangeMethod.values()) + ", got " + method, e);
            }
            Map<String, Range> ranges = new TreeMap<>();
            if (!(map.get("ranges") instanceof Map<?, ?> rs)) {
                throw new IllegalArgumentException("ranges: a map of name to [min, max] is required");
            }
            for (Map.Entry<?, ?> e : rs.entrySet()) {
                if (!(e.getValue() instanceof List<?> l)
                        || l.size() != 2
                        || !(l.get(0) instanceof Number lo)
                        || !(l.get(1) instanceof Number hi)) {
                    throw new IllegalArgumentException(
                            "ranges: " + e.getKey() + " must be [min, max], got " + e.getValue());
                }
                ranges.put(String.valueOf(e.getKey()), new Range(lo.floatValue(), hi.floatValue()));
            }
            return new Calibration(
                    m, number(map, "batches").intValue(), number(map, "images").longValue(), ranges);
        }

        private static Number number(Map<String, ?> map, String key) {
            if (!(map.get(key) instanceof Number n)) {
                throw new IllegalArgumentException(key + ": a number is required, got " + map.get(key));
            }
            return n;
        }

        /** The range of {@code tensor}, or an error naming it. */
        public Range range(String tensor) {
            Range r = ranges.get(tensor);
            if (r == null) {
                throw new IllegalArgumentException("calibration: no range for " + tensor
                        + "; calibrate the same folded network (" + ranges.size() + " ranges held)");
            }
            return r;
        }
    }

    /**
     * Runs the fp32 folded graph over {@code batches} (each {@code [n, h, w, 3]}, fed to {@code folded.images()}) and
     * records the range of every tensor {@link #quantize} quantizes. The ranges are reduced in the graph: the first
     * call adds {@code Min}/{@code Max} ops beneath {@code <scope>_int8_calibration} to {@code folded}'s graph
     * (later calls reuse them; {@link #quantize} does not copy them). Deterministic for a fixed set of batches. The batches are not closed.
     *
     * @param session a session of {@code folded.graph()} holding its weights ({@link InferenceGraph#loadWeights})
     * @throws IllegalArgumentException for a graph that is not a folded float32 NHWC one, no batches, or a null
     *     method
     */
    public static Calibration calibrate(
            Session session, ResNetModel folded, Iterable<TFloat32> batches, RangeMethod method) {
        if (method == null) {
            throw new IllegalArgumentException("method: one of " + List.of(RangeMethod.values()) + ", got null");
        }
        requireFolded(session, folded);
        if (batches == null) {
            throw new IllegalArgumentException("batches: at least one calibration batch is required, got null");
        }
        Plan plan = Plan.of(
                folded.graph().toGraphDef(),
                folded.scope(),
                folded.images().op().name());
        List<String> tensors = new ArrayList<>(plan.calibrated());
        Graph g = folded.graph();
        Operand<TFloat32> reduced = reductions(g, folded.scope(), tensors);
        float[] lo = new float[tensors.size()];
        float[] hi = new float[tensors.size()];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        int count = 0;
        long images = 0;
        for (TFloat32 batch : batches) {
            if (batch == null
                    || batch.shape().numDimensions() != 4
                    || batch.shape().get(3) != 3) {
                throw new IllegalArgumentException(
                        "batches: each batch must be [n, h, w, 3], got " + (batch == null ? "null" : batch.shape()));
            }
            try (Result r =
                    session.runner().feed(folded.images(), batch).fetch(reduced).run()) {
                TFloat32 v = (TFloat32) r.get(0);
                for (int i = 0; i < tensors.size(); i++) {
                    lo[i] = Math.min(lo[i], v.getFloat(2L * i));
                    hi[i] = Math.max(hi[i], v.getFloat(2L * i + 1));
                }
            }
            count++;
            images += batch.shape().get(0);
        }
        if (count == 0) {
            throw new IllegalArgumentException("batches: at least one calibration batch is required, got none");
        }
        Map<String, Range> ranges = new TreeMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            ranges.put(tensors.get(i), new Range(lo[i], hi[i]));
        }
        return new Calibration(method, count, images, ranges);
    }

    /**
     * The concatenated {@code [min, max]} of {@code tensors}: built once beneath {@code <scope>_int8_calibration}, then
     * found again by name (the tensor list of a graph does not change).
     */
    @SuppressWarnings("unchecked")
    private static synchronized Operand<TFloat32> reductions(Graph g, String scope, List<String> tensors) {
        String name = scope + "_" + CALIBRATION_SCOPE + "/ranges";
        GraphOperation existing = g.operation(name);
        if (existing != null && existing.output(0).shape().get(0) == 2L * tensors.size()) {
            return (Output<TFloat32>) (Output<?>) existing.output(0);
        }
        Ops tf = Ops.create(g).withSubScope(scope + "_" + CALIBRATION_SCOPE);
        List<Operand<TFloat32>> parts = new ArrayList<>();
        for (String t : tensors) {
            Output<TFloat32> x =
                    (Output<TFloat32>) (Output<?>) g.operationOrThrow(t).output(0);
            Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1}));
            parts.add(tf.reshape(tf.min(flat, tf.constant(0)), tf.constant(new int[] {1})));
            parts.add(tf.reshape(tf.max(flat, tf.constant(0)), tf.constant(new int[] {1})));
        }
        return tf.withName("ranges").concat(parts, tf.constant(0));
    }

    /**
     * Writes the int8 graph of {@code folded} into the empty graph {@code target} (see the class comment): variables
     * frozen to their values in {@code session}, the bottleneck convolutions rewritten to oneDNN's quantized ops with
     * the calibrated ranges.
     *
     * @param session a session of {@code folded.graph()} holding its weights
     * @param folded the folded float32 NHWC network ({@link InferenceGraph#foldBatchNorms}); NCHW is refused (oneDNN's
     *     quantized convolutions are NHWC only)
     * @param calibration {@link #calibrate}'s ranges for this network
     * @param target an empty graph
     * @throws IllegalArgumentException for a graph that is not a folded float32 NHWC one, a calibration lacking a
     *     range, or a non-empty target
     */
    public static Int8Graph quantize(Session session, ResNetModel folded, Calibration calibration, Graph target) {
        return quantize(session, folded, calibration, target, RootConvolution.FLOAT);
    }

    /**
     * As {@link #quantize(Session, ResNetModel, Calibration, Graph)}, with the root {@code conv1} in int8 or float.
     * One calibration serves both.
     *
     * @param root whether the root convolution runs in int8
     * @throws IllegalArgumentException as the 4-argument form, or for a null {@code root}
     */
    public static Int8Graph quantize(
            Session session, ResNetModel folded, Calibration calibration, Graph target, RootConvolution root) {
        if (root == null) {
            throw new IllegalArgumentException("root: one of " + List.of(RootConvolution.values()) + ", got null");
        }
        requireFolded(session, folded);
        if (calibration == null) {
            throw new IllegalArgumentException("calibration: the calibrated ranges are required, got null");
        }
        if (target == null || target.operations().hasNext()) {
            throw new IllegalArgumentException("target: an empty graph is required");
        }
        GraphDef source = folded.graph().toGraphDef();
        Plan plan = Plan.of(source, folded.scope(), folded.images().op().name());
        if (root == RootConvolution.FLOAT) {
            plan = plan.withoutSignedSites();
        }
        plan.calibrated().forEach(calibration::range);
        Map<String, ModelWeights.Value> values = new HashMap<>();
        ModelWeights weights = ModelWeights.read(session, folded.variables());
        for (ModelVariable v : folded.variables()) {
            values.put(v.variable().op().name(), weights.get(v.name()));
        }
        GraphDef rewritten = new Rewrite(source, plan, calibration, values).run();
        target.importGraphDef(rewritten);
        Optional<Operand<TFloat32>> logits = folded.logits().map(l -> lookup(target, l));
        Optional<Operand<TFloat32>> predictions = folded.predictions().map(p -> lookup(target, p));
        return new Int8Graph(target, lookup(target, folded.images()), logits, predictions, stats(folded, plan));
    }

    private static void requireFolded(Session session, ResNetModel folded) {
        if (session == null) {
            throw new IllegalArgumentException("session: a session of the folded graph is required, got null");
        }
        if (folded == null) {
            throw new IllegalArgumentException("folded: the folded network is required, got null");
        }
        if (folded.isTraining()) {
            throw new IllegalArgumentException("folded: int8 needs an inference network (isTraining(false))");
        }
        if (folded.spec().dataFormat() != DataFormat.NHWC) {
            throw new IllegalArgumentException("folded: int8 needs NHWC (oneDNN's quantized convolutions are NHWC"
                    + " only), got " + folded.spec().dataFormat() + "; build the folded graph with DataFormat.NHWC");
        }
        if (folded.spec().precision() != Precision.FP32) {
            throw new IllegalArgumentException("folded: int8 quantizes the fp32 folded graph, got precision "
                    + folded.spec().precision() + "; build it with Precision.FP32");
        }
        if (GraphStats.batchNormsAfterConvolution(folded.graph()) > 0) {
            throw new IllegalArgumentException("folded: the graph has batch norms after convolutions; quantize"
                    + " InferenceGraph.foldBatchNorms' network");
        }
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> lookup(Graph target, Operand<TFloat32> original) {
        Output<?> o = original.asOutput();
        GraphOperation op = target.operationOrThrow(o.op().name());
        return (Output<TFloat32>) (Output<?>) op.output(o.index());
    }

    private static Int8Graph.Stats stats(ResNetModel folded, Plan plan) {
        Map<String, Site> byConv = new HashMap<>();
        plan.sites().forEach(s -> byConv.put(s.conv2d().getName(), s));
        List<Int8Graph.Convolution> convs = new ArrayList<>();
        for (GraphStats.ConvCost c : GraphStats.convolutions(folded.output())) {
            String scope = c.opName().substring(0, Math.max(0, c.opName().lastIndexOf('/')));
            Site s = byConv.get(c.opName());
            String reason = s != null
                    ? (s.relu() != null ? Int8Ops.ConvOutput.QUINT8_RELU : Int8Ops.ConvOutput.QINT8).opType()
                    : plan.leftFloat().getOrDefault(c.opName(), "not a convolution with bias on a ReLU output");
            convs.add(new Int8Graph.Convolution(scope, s != null, reason, c.multiplyAddsPerImage()));
        }
        return new Int8Graph.Stats(List.copyOf(convs));
    }

    // ---- the pattern: Relu [-> Pad | -> SpaceToBatchND] -> Conv2D [-> BatchToSpaceND] -> BiasAdd [-> Relu]

    /** One convolution to quantize, as nodes of the folded graph. */
    private record Site(
            NodeDef conv2d,
            NodeDef biasAdd,
            NodeDef relu,
            String input,
            NodeDef pad,
            NodeDef spaceToBatch,
            String weights,
            String biases,
            int stride,
            int rate,
            String padding,
            boolean signedInput,
            NodeDef maxPool) {
        String scope() {
            return conv2d.getName().substring(0, conv2d.getName().lastIndexOf('/'));
        }

        String output() {
            return relu != null ? relu.getName() : biasAdd.getName();
        }
    }

    private record Plan(
            List<Site> sites, Map<String, String> leftFloat, Set<String> calibrated, Set<String> calibrationNodes) {

        /** This plan with the convolutions of the images left float (the calibrated tensors unchanged). */
        Plan withoutSignedSites() {
            Map<String, String> left = new TreeMap<>(leftFloat);
            List<Site> kept = new ArrayList<>();
            for (Site s : sites) {
                if (s.signedInput()) {
                    left.put(
                            s.conv2d().getName(),
                            "its input, the images, is signed; kept float (RootConvolution.INT8 shifts the images to"
                                    + " quantize it)");
                } else {
                    kept.add(s);
                }
            }
            Set<String> needed = new LinkedHashSet<>();
            for (Site s : kept) {
                needed.add(s.input());
                needed.add(s.output());
            }
            return new Plan(List.copyOf(kept), left, needed, calibrationNodes);
        }

        static Plan of(GraphDef gd, String modelScope, String images) {
            String calibrationPrefix = modelScope + "_" + CALIBRATION_SCOPE;
            Map<String, NodeDef> nodes = new LinkedHashMap<>();
            Set<String> calibrationNodes = new HashSet<>();
            for (NodeDef n : gd.getNodeList()) {
                if (n.getName().startsWith(calibrationPrefix)) {
                    calibrationNodes.add(n.getName());
                } else {
                    nodes.put(n.getName(), n);
                }
            }
            Map<String, List<NodeDef>> consumers = new HashMap<>();
            for (NodeDef n : nodes.values()) {
                for (String in : n.getInputList()) {
                    if (!in.startsWith("^")) {
                        consumers
                                .computeIfAbsent(nodeName(in), k -> new ArrayList<>())
                                .add(n);
                    }
                }
            }
            List<Site> sites = new ArrayList<>();
            Map<String, String> leftFloat = new TreeMap<>();
            for (NodeDef c : nodes.values()) {
                if (!c.getOp().equals("Conv2D")) {
                    continue;
                }
                String why = site(c, nodes, consumers, sites, images);
                if (why != null) {
                    leftFloat.put(c.getName(), why);
                }
            }
            Set<String> calibrated = new LinkedHashSet<>();
            for (Site s : sites) {
                calibrated.add(s.input());
                calibrated.add(s.output());
            }
            return new Plan(List.copyOf(sites), leftFloat, calibrated, calibrationNodes);
        }

        /** Adds {@code c}'s site, or returns why it stays float. */
        private static String site(
                NodeDef c,
                Map<String, NodeDef> nodes,
                Map<String, List<NodeDef>> consumers,
                List<Site> sites,
                String images) {
            String weights = variableOf(c.getInput(1), nodes);
            if (weights == null) {
                return "its filter is not a variable";
            }
            NodeDef in = nodes.get(nodeName(c.getInput(0)));
            NodeDef s2b = null;
            NodeDef pad = null;
            if (in != null && in.getOp().equals("SpaceToBatchND")) {
                s2b = in;
                in = nodes.get(nodeName(in.getInput(0)));
            }
            if (in != null && in.getOp().equals("Pad") && s2b == null) {
                pad = in;
                in = nodes.get(nodeName(in.getInput(0)));
            }
            boolean signed = in != null && in.getName().equals(images) && s2b == null;
            if (in == null || !(in.getOp().equals("Relu") || signed)) {
                if (in != null && in.getOp().equals("Mean")) {
                    return "the logits: their input is the pooled features, not a ReLU output; kept float"
                            + " (a fraction of a percent of the work)";
                }
                return "its input is not a ReLU output (signed, e.g. the images: quint8 cannot hold it)";
            }
            NodeDef out = only(consumers.get(c.getName()));
            if (s2b != null) {
                if (out == null || !out.getOp().equals("BatchToSpaceND")) {
                    return "an atrous convolution not ending in BatchToSpaceND";
                }
                out = only(consumers.get(out.getName()));
            }
            if (out == null || !out.getOp().equals("BiasAdd")) {
                return "not followed by its bias alone (not a folded convolution)";
            }
            String biases = variableOf(out.getInput(1), nodes);
            if (biases == null) {
                return "its bias is not a variable";
            }
            List<NodeDef> after = consumers.getOrDefault(out.getName(), List.of());
            NodeDef relu = after.size() == 1 && after.get(0).getOp().equals("Relu") ? after.get(0) : null;
            if (signed && relu != null) {
                return "a convolution of the images followed by a ReLU (not slim's root block)";
            }
            NodeDef maxPool = signed
                            && after.size() == 1
                            && after.get(0).getOp().equals("MaxPool")
                            && after.get(0)
                                    .getAttrOrThrow("data_format")
                                    .getS()
                                    .toStringUtf8()
                                    .equals("NHWC")
                    ? after.get(0)
                    : null;
            List<Long> strides = c.getAttrOrThrow("strides").getList().getIList();
            int stride = strides.get(1).intValue();
            if (strides.get(2).intValue() != stride) {
                return "unequal strides " + strides;
            }
            int rate = 1;
            String padding = c.getAttrOrThrow("padding").getS().toStringUtf8();
            if (pad != null) {
                int[] p = intValues(nodes.get(nodeName(pad.getInput(1))));
                if (p == null || p.length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
                    return "its Pad is not a constant zero padding of height and width";
                }
                if (!padding.equals("VALID")) {
                    return "a Pad before a convolution with " + padding + " padding";
                }
            }
            if (s2b != null) {
                int[] block = intValues(nodes.get(nodeName(s2b.getInput(1))));
                int[] pads = intValues(nodes.get(nodeName(s2b.getInput(2))));
                if (block == null || pads == null || block.length != 2 || block[0] != block[1]) {
                    return "an atrous convolution with a non-constant or unequal rate";
                }
                rate = block[0];
                long kh = filterHeight(weights, nodes);
                padding = pads[0] == ((kh - 1) * rate) / 2 && pads[0] > 0 ? "SAME" : pads[0] == 0 ? "VALID" : null;
                if (padding == null) {
                    return "an atrous convolution with other than SAME or VALID padding";
                }
            }
            if (signed && !padding.equals("VALID")) {
                return "a " + padding + "-padded convolution of the images (the shift would move its implicit zero"
                        + " padding; slim's root conv1 pads explicitly)";
            }
            sites.add(new Site(
                    c, out, relu, in.getName(), pad, s2b, weights, biases, stride, rate, padding, signed, maxPool));
            return null;
        }

        private static long filterHeight(String variable, Map<String, NodeDef> nodes) {
            TensorShapeProto s = nodes.get(variable).getAttrOrThrow("shape").getShape();
            return s.getDim(0).getSize();
        }

        private static NodeDef only(List<NodeDef> list) {
            return list != null && list.size() == 1 ? list.get(0) : null;
        }

        /** The VariableV2 {@code X} when {@code input} is {@code X/read} (an Identity of it), else null. */
        private static String variableOf(String input, Map<String, NodeDef> nodes) {
            NodeDef read = nodes.get(nodeName(input));
            if (read == null || !read.getOp().equals("Identity")) {
                return null;
            }
            NodeDef v = nodes.get(nodeName(read.getInput(0)));
            return v != null && v.getOp().equals("VariableV2") ? v.getName() : null;
        }

        private static int[] intValues(NodeDef constant) {
            if (constant == null || !constant.getOp().equals("Const")) {
                return null;
            }
            TensorProto t = constant.getAttrOrThrow("value").getTensor();
            if (t.getDtype() != DataType.DT_INT32) {
                return null;
            }
            if (!t.getTensorContent().isEmpty()) {
                ByteBuffer b = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                int[] v = new int[b.remaining() / 4];
                b.asIntBuffer().get(v);
                return v;
            }
            return t.getIntValList().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    static String nodeName(String input) {
        String s = input.startsWith("^") ? input.substring(1) : input;
        int colon = s.lastIndexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    // ---- the rewrite

    private static final class Rewrite {
        private final GraphDef source;
        private final Plan plan;
        private final Calibration calibration;
        private final Map<String, ModelWeights.Value> values;
        private final List<NodeDef> out = new ArrayList<>();
        /** quint8 tensors with their range inputs, by the name of the ReLU they stand for. */
        private final Map<String, String[]> quantized = new HashMap<>();

        Rewrite(GraphDef source, Plan plan, Calibration calibration, Map<String, ModelWeights.Value> values) {
            this.source = source;
            this.plan = plan;
            this.calibration = calibration;
            this.values = values;
        }

        GraphDef run() {
            Map<String, NodeDef> nodes = new LinkedHashMap<>();
            source.getNodeList().stream()
                    .filter(n -> !plan.calibrationNodes().contains(n.getName()))
                    .forEach(n -> nodes.put(n.getName(), n));
            Set<String> dropped = droppedByFreezing(nodes);
            Map<String, Site> replaced = new HashMap<>();
            Map<String, Site> quantizedWeights = new HashMap<>();
            for (Site s : plan.sites()) {
                replaced.put(s.output(), s);
                quantizedWeights.put(s.weights(), s);
                if (s.maxPool() != null) {
                    replaced.put(s.maxPool().getName(), s);
                }
            }
            Map<String, Site> byReluOutput = new HashMap<>();
            for (Site s : plan.sites()) {
                if (s.relu() != null) {
                    byReluOutput.put(s.relu().getName(), s);
                }
            }
            Map<String, Integer> consumers = new HashMap<>();
            for (NodeDef n : nodes.values()) {
                for (String in : n.getInputList()) {
                    consumers.merge(in.startsWith("^") ? in : nodeName(in) + ":" + outputIndex(in), 1, Integer::sum);
                }
            }
            for (NodeDef n : nodes.values()) {
                if (dropped.contains(n.getName()) || replaced.containsKey(n.getName())) {
                    continue;
                }
                NodeDef fused = fusedBatchNormRelu(n, nodes, consumers);
                if (fused != null) {
                    out.add(fused);
                    continue;
                }
                if (n.getOp().equals("VariableV2")) {
                    if (quantizedWeights.containsKey(n.getName())) {
                        quantizedFilter(n.getName());
                    } else {
                        out.add(floatConst(n.getName(), values.get(n.getName())));
                    }
                    continue;
                }
                NodeDef.Builder b = n.toBuilder().clearInput();
                for (String in : n.getInputList()) {
                    if (!(in.startsWith("^") && dropped.contains(nodeName(in)))) {
                        b.addInput(in);
                    }
                }
                out.add(b.build());
            }
            Set<String> done = new HashSet<>();
            for (Site s : plan.sites()) {
                emit(s, byReluOutput, nodes, done);
            }
            return GraphDef.newBuilder()
                    .setVersions(source.getVersions())
                    .setLibrary(source.getLibrary())
                    .addAllNode(out)
                    .build();
        }

        /** Emits {@code s} after the site producing its input, if any. */
        private void emit(Site s, Map<String, Site> byReluOutput, Map<String, NodeDef> nodes, Set<String> done) {
            if (!done.add(s.output())) {
                return;
            }
            Site producer = byReluOutput.get(s.input());
            if (producer != null) {
                emit(producer, byReluOutput, nodes, done);
            }
            String scope = s.scope() + "/int8";
            String bias = s.biases() + "/read";
            String[] in;
            long[] paddingList = new long[0];
            if (s.signedInput()) {
                // x = x' + m with x' = x - m >= 0 over [0, max - m]: conv(w, x) = conv(w, x') + m·Σw, in the bias; the
                // float Pad stays in front, so that the padded zeros are shifted too
                Range images = calibration.range(s.input());
                float m = Math.min(0f, images.min());
                float span = Math.max(MIN_RANGE, images.max() - m);
                String x = s.pad() != null ? s.pad().getName() : s.input();
                out.add(scalar(scope + "/shift", -m));
                out.add(node(scope + "/shifted", "AddV2", x, scope + "/shift")
                        .putAttr("T", type(DataType.DT_FLOAT))
                        .build());
                in = quantizeV2(scope, scope + "/shifted", span);
                ModelWeights.Value b = values.get(s.biases());
                Int8Ops.QuantizedFilter f = filter(s.weights());
                int channels = f.maxAbs().length;
                double[] sum = new double[channels];
                for (int i = 0; i < f.values().length; i++) {
                    sum[i % channels] += f.dequantized(i);
                }
                float[] shifted = new float[channels];
                for (int c = 0; c < channels; c++) {
                    shifted[c] = (float) (b.data()[c] + m * sum[c]);
                }
                bias = scope + "/bias";
                out.add(floatConst(bias, new ModelWeights.Value(Shape.of(channels), shifted)));
            } else {
                in = quint8(s.input(), nodes);
            }
            if (s.pad() != null && !s.signedInput()) {
                int[] p = Plan.intValues(nodes.get(nodeName(s.pad().getInput(1))));
                if (p == null || p.length != 8) {
                    throw new IllegalStateException("the Pad of " + s.scope() + " has no constant NHWC paddings");
                }
                paddingList = new long[] {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]};
            }
            boolean relu = s.relu() != null;
            Int8Ops.ConvOutput kind = relu ? Int8Ops.ConvOutput.QUINT8_RELU : Int8Ops.ConvOutput.QINT8;
            Range r = calibration.range(s.output());
            float range = relu ? r.reluMax() : r.absMax();
            String conv = scope + "/" + kind.opType();
            out.add(scalar(scope + "/min_output", relu ? 0f : -range));
            out.add(scalar(scope + "/max_output", range));
            out.add(node(
                            conv,
                            kind.opType(),
                            in[0],
                            s.weights() + "/int8",
                            bias,
                            in[1],
                            in[2],
                            s.weights() + "/int8_min",
                            s.weights() + "/int8_max",
                            scope + "/min_output",
                            scope + "/max_output")
                    .putAttr("Tinput", type(DataType.DT_QUINT8))
                    .putAttr("Tfilter", type(DataType.DT_QINT8))
                    .putAttr("Tbias", type(DataType.DT_FLOAT))
                    .putAttr("out_type", type(relu ? DataType.DT_QUINT8 : DataType.DT_QINT8))
                    .putAttr("strides", ints(1, s.stride(), s.stride(), 1))
                    .putAttr("dilations", ints(1, s.rate(), s.rate(), 1))
                    .putAttr("padding", string(s.padding()))
                    .putAttr("padding_list", ints(paddingList))
                    .build());
            out.add(dequantize(s.output(), conv, relu ? DataType.DT_QUINT8 : DataType.DT_QINT8, -1));
            if (relu) {
                quantized.put(s.output(), new String[] {conv, conv + ":1", conv + ":2"});
            }
            if (s.maxPool() != null) {
                NodeDef pool = s.maxPool();
                String q = pool.getName() + "_int8";
                out.add(node(q, "QuantizedMaxPool", conv, conv + ":1", conv + ":2")
                        .putAttr("T", type(DataType.DT_QINT8))
                        .putAttr("ksize", pool.getAttrOrThrow("ksize"))
                        .putAttr("strides", pool.getAttrOrThrow("strides"))
                        .putAttr("padding", pool.getAttrOrThrow("padding"))
                        .build());
                out.add(dequantize(pool.getName(), q, DataType.DT_QINT8, -1));
            }
        }

        /** The quint8 form of ReLU output {@code relu}: an int8 convolution's output, or a QuantizeV2 of its input. */
        private String[] quint8(String relu, Map<String, NodeDef> nodes) {
            String[] q = quantized.get(relu);
            if (q != null) {
                return q;
            }
            q = quantizeV2(relu + "_int8", relu, calibration.range(relu).reluMax());
            quantized.put(relu, q);
            return q;
        }

        /** {@code name/QuantizeV2} of {@code input} to quint8 over {@code [0, max]}, with its range constants. */
        private String[] quantizeV2(String name, String input, float max) {
            out.add(scalar(name + "/min", 0f));
            out.add(scalar(name + "/max", max));
            String op = name + "/QuantizeV2";
            out.add(node(op, "QuantizeV2", input, name + "/min", name + "/max")
                    .putAttr("T", type(DataType.DT_QUINT8))
                    .putAttr("mode", string("SCALED"))
                    .putAttr("round_mode", string("HALF_TO_EVEN"))
                    .putAttr("narrow_range", AttrValue.newBuilder().setB(false).build())
                    .putAttr("axis", AttrValue.newBuilder().setI(-1).build())
                    .putAttr(
                            "ensure_minimum_range",
                            AttrValue.newBuilder().setF(0f).build())
                    .build());
            return new String[] {op, op + ":1", op + ":2"};
        }

        private final Map<String, Int8Ops.QuantizedFilter> filters = new HashMap<>();

        private Int8Ops.QuantizedFilter filter(String variable) {
            return filters.computeIfAbsent(variable, v -> {
                ModelWeights.Value w = values.get(v);
                return Int8Ops.quantizeFilter(w.data(), w.shape());
            });
        }

        /** {@code W/int8} (qint8 Const), {@code W/int8_min|max} and {@code W} = their per-channel Dequantize. */
        private void quantizedFilter(String variable) {
            Int8Ops.QuantizedFilter f = filter(variable);
            float[] min = f.maxAbs().clone();
            for (int i = 0; i < min.length; i++) {
                min[i] = -min[i];
            }
            TensorProto q = TensorProto.newBuilder()
                    .setDtype(DataType.DT_QINT8)
                    .setTensorShape(shape(f.shape()))
                    .setTensorContent(ByteString.copyFrom(f.values()))
                    .build();
            out.add(NodeDef.newBuilder()
                    .setName(variable + "/int8")
                    .setOp("Const")
                    .putAttr("dtype", type(DataType.DT_QINT8))
                    .putAttr("value", AttrValue.newBuilder().setTensor(q).build())
                    .build());
            out.add(floatConst(variable + "/int8_min", new ModelWeights.Value(Shape.of(min.length), min)));
            out.add(floatConst(variable + "/int8_max", new ModelWeights.Value(Shape.of(min.length), f.maxAbs())));
            out.add(dequantize(variable, variable + "/int8", DataType.DT_QINT8, 3));
        }

        private static NodeDef dequantize(String name, String q, DataType t, int axis) {
            String min = axis < 0 ? q + ":1" : q + "_min";
            String max = axis < 0 ? q + ":2" : q + "_max";
            return node(name, "Dequantize", q, min, max)
                    .putAttr("T", type(t))
                    .putAttr("mode", string("SCALED"))
                    .putAttr("narrow_range", AttrValue.newBuilder().setB(false).build())
                    .putAttr("axis", AttrValue.newBuilder().setI(axis).build())
                    .putAttr("dtype", type(DataType.DT_FLOAT))
                    .build();
        }

        /** Variables' initializers and assigns, the load_weights feeds: every node whose only consumers are those. */
        private static Set<String> droppedByFreezing(Map<String, NodeDef> nodes) {
            Set<String> dropped = new HashSet<>();
            Map<String, List<String>> consumers = new HashMap<>();
            for (NodeDef n : nodes.values()) {
                if (n.getOp().startsWith("Assign") && n.getInputCount() > 0) {
                    NodeDef target = nodes.get(nodeName(n.getInput(0)));
                    if (target != null && target.getOp().equals("VariableV2")) {
                        dropped.add(n.getName());
                    }
                }
                for (String in : n.getInputList()) {
                    if (!in.startsWith("^")) {
                        consumers
                                .computeIfAbsent(nodeName(in), k -> new ArrayList<>())
                                .add(n.getName());
                    }
                }
            }
            for (NodeDef n : nodes.values()) {
                int slash = n.getName().indexOf("/Initializer/");
                if (slash > 0 && isVariable(nodes.get(n.getName().substring(0, slash)))) {
                    dropped.add(n.getName());
                }
            }
            boolean changed = true;
            while (changed) {
                changed = false;
                for (NodeDef n : nodes.values()) {
                    List<String> cs = consumers.get(n.getName());
                    if (n.getOp().equals("VariableV2") || dropped.contains(n.getName()) || cs == null) {
                        continue;
                    }
                    if (dropped.containsAll(cs)) {
                        dropped.add(n.getName());
                        changed = true;
                    }
                }
            }
            for (NodeDef n : nodes.values()) {
                boolean initOnly = n.getOp().equals("NoOp") && n.getInputCount() > 0;
                for (String in : n.getInputList()) {
                    String src = nodeName(in);
                    initOnly &= in.startsWith("^") && (dropped.contains(src) || isVariable(nodes.get(src)));
                }
                if (initOnly) {
                    dropped.add(n.getName());
                }
            }
            return dropped;
        }

        /**
         * For a {@code Relu} whose only input is the {@code y} of an inference {@code FusedBatchNormV3} used by nothing
         * else, the {@code _FusedBatchNormEx} with {@code activation_mode = Relu} that grappler's remapper makes of the
         * pair in the fp32 graph, under the {@code Relu}'s name (the int8 session runs without grappler: {@link
         * Int8Graph#sessionConfig}); otherwise null. The {@code FusedBatchNormV3} stays, computed only when fetched.
         */
        private static NodeDef fusedBatchNormRelu(
                NodeDef relu, Map<String, NodeDef> nodes, Map<String, Integer> consumers) {
            if (!relu.getOp().equals("Relu") || relu.getInputCount() != 1 || outputIndex(relu.getInput(0)) != 0) {
                return null;
            }
            NodeDef bn = nodes.get(nodeName(relu.getInput(0)));
            if (bn == null
                    || !bn.getOp().equals("FusedBatchNormV3")
                    || bn.getInputCount() != 5
                    || (bn.containsAttr("is_training")
                            && bn.getAttrOrThrow("is_training").getB())
                    || bn.getAttrOrThrow("T").getType() != DataType.DT_FLOAT
                    || consumers.getOrDefault(bn.getName() + ":0", 0) != 1
                    || bn.getInputList().stream().anyMatch(i -> i.startsWith("^"))) {
                return null;
            }
            NodeDef.Builder b = node(
                            relu.getName(),
                            "_FusedBatchNormEx",
                            bn.getInputList().toArray(String[]::new))
                    .setDevice(relu.getDevice())
                    .putAttr("T", type(DataType.DT_FLOAT))
                    .putAttr("U", type(DataType.DT_FLOAT))
                    .putAttr("num_side_inputs", AttrValue.newBuilder().setI(0).build())
                    .putAttr("activation_mode", string("Relu"))
                    .putAttr("is_training", AttrValue.newBuilder().setB(false).build());
            for (String attr : List.of("epsilon", "exponential_avg_factor", "data_format")) {
                if (bn.containsAttr(attr)) {
                    b.putAttr(attr, bn.getAttrOrThrow(attr));
                }
            }
            return b.build();
        }

        private static int outputIndex(String input) {
            int colon = input.lastIndexOf(':');
            return colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
        }

        private static boolean isVariable(NodeDef n) {
            return n != null && n.getOp().equals("VariableV2");
        }

        private static NodeDef.Builder node(String name, String op, String... inputs) {
            NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(op);
            for (String in : inputs) {
                b.addInput(in);
            }
            return b;
        }

        private static NodeDef scalar(String name, float v) {
            TensorProto t = TensorProto.newBuilder()
                    .setDtype(DataType.DT_FLOAT)
                    .setTensorShape(TensorShapeProto.getDefaultInstance())
                    .addFloatVal(v)
                    .build();
            return node(name, "Const")
                    .putAttr("dtype", type(DataType.DT_FLOAT))
                    .putAttr("value", AttrValue.newBuilder().setTensor(t).build())
                    .build();
        }

        private static NodeDef floatConst(String name, ModelWeights.Value v) {
            ByteBuffer b = ByteBuffer.allocate(v.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v.data());
            TensorProto t = TensorProto.newBuilder()
                    .setDtype(DataType.DT_FLOAT)
                    .setTensorShape(shape(v.shape()))
                    .setTensorContent(ByteString.copyFrom(b))
                    .build();
            return node(name, "Const")
                    .putAttr("dtype", type(DataType.DT_FLOAT))
                    .putAttr("value", AttrValue.newBuilder().setTensor(t).build())
                    .build();
        }

        private static TensorShapeProto shape(Shape s) {
            TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
            for (long d : s.asArray()) {
                b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
            }
            return b.build();
        }

        private static AttrValue type(DataType t) {
            return AttrValue.newBuilder().setType(t).build();
        }

        private static AttrValue string(String s) {
            return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
        }

        private static AttrValue ints(long... v) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (long x : v) {
                l.addI(x);
            }
            return AttrValue.newBuilder().setList(l).build();
        }
    }
}
