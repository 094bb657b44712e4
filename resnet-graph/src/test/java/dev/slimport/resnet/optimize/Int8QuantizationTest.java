/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.Bottleneck;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.net.UnitSpec;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.ModelWeights;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The int8 graph of a tiny network (custom blocks, few channels, small images) against a plain-Java simulation of
 * the same quantization arithmetic ({@link Int8Reference}) on the same calibrated ranges, and against fp32 within a
 * bound propagated from the ranges.
 */
class Int8QuantizationTest {
    static final int SIZE = 24;
    static final int CLASSES = 5;
    static final String SCOPE = "resnet_v2";

    /** Custom blocks: a stride-2 unit, projections at a depth change inside a block. */
    static List<BlockSpec> blocks() {
        return List.of(
                new BlockSpec("block1", Bottleneck.V2, List.of(new UnitSpec(8, 2, 1), new UnitSpec(8, 2, 2))),
                new BlockSpec("block2", Bottleneck.V2, List.of(new UnitSpec(16, 4, 1), new UnitSpec(12, 4, 1))));
    }

    static ResNetV2.Builder network(Integer outputStride) {
        return ResNetV2.builder(blocks())
                .isTraining(false)
                .spec(n -> n.withNumClasses(CLASSES).withOutputStride(outputStride));
    }

    /** Random unfolded weights with non-trivial moving statistics. */
    static ModelWeights randomWeights(ResNetV2.Builder builder, long seed) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = builder.build(tf, ResNetV2.imagesPlaceholder(tf, -1, SIZE, SIZE));
            s.initialize();
            Graphs.randomize(s, tf, m.variables(), seed);
            return ModelWeights.read(s, m.variables());
        }
    }

    static List<Nhwc> calibrationSet() {
        return List.of(Nhwc.uniform(11, -1, 1, 2, SIZE, SIZE, 3), Nhwc.uniform(12, -1, 1, 2, SIZE, SIZE, 3));
    }

    /** The folded fp32 network in its own graph and session. */
    static final class Folded implements AutoCloseable {
        final Graph graph = new Graph();
        final Session session = new Session(graph);
        final ResNetModel model;

        Folded(ResNetV2.Builder network, ModelWeights weights) {
            Ops tf = Ops.create(graph);
            InferenceGraph ig =
                    InferenceGraph.foldBatchNorms(network, weights, tf, ResNetV2.imagesPlaceholder(tf, -1, SIZE, SIZE));
            model = ig.model();
            session.initialize();
            ig.loadWeights(session);
        }

        Int8Quantization.Calibration calibrate(List<Nhwc> set) {
            List<TFloat32> batches = new ArrayList<>();
            try {
                set.forEach(b -> batches.add(b.toTensor()));
                return Int8Quantization.calibrate(session, model, batches, Int8Quantization.RangeMethod.MIN_MAX);
            } finally {
                batches.forEach(TFloat32::close);
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"0, FLOAT", "4, FLOAT", "0, INT8", "4, INT8"})
    void int8LogitsMatchThePlainJavaSimulationAndStayWithinTheFp32Bound(
            int outputStride, Int8Quantization.RootConvolution root) {
        boolean int8Root = root == Int8Quantization.RootConvolution.INT8;
        Integer os = outputStride == 0 ? null : outputStride;
        ResNetV2.Builder network = network(os);
        ModelWeights weights = randomWeights(network, 31);
        List<Nhwc> set = calibrationSet();
        Nhwc images = set.get(0);
        try (Folded folded = new Folded(network, weights);
                Graph target = new Graph()) {
            Int8Quantization.Calibration cal = folded.calibrate(set);
            Int8Graph int8 = Int8Quantization.quantize(folded.session, folded.model, cal, target, root);
            Nhwc fp32 = Graphs.run(
                    folded.session,
                    Map.of(folded.model.images(), images),
                    folded.model.logits().orElseThrow());
            Map<String, Nhwc> vars = Graphs.values(folded.session, folded.model);
            Int8Sim sim =
                    new Int8Sim(vars, cal, SCOPE, folded.model.images().op().name(), int8Root, blocks(), os);
            try (Session s = new Session(target, Int8Graph.sessionConfig(null))) {
                Nhwc got = Graphs.run(s, Map.of(int8.images(), images), int8.logits());
                // every stage from the int8 graph's own float input: exact, or one step where float rounding ties
                Int8Sim.StageCheck stages = sim.checkStages(s, int8, images);
                assertThat(stages.stages()).isEqualTo((int8Root ? 1 : 0) + 4 * 3 + 3);
                assertThat(stages.maxSteps()).isLessThanOrEqualTo(1);
                assertThat(stages.offByOne()).isLessThanOrEqualTo(stages.elements() / 1000 + 2);
                // the whole network simulated from the images
                Int8Sim.Result whole = sim.run(images);
                double simDiff = got.maxAbsDiff(whole.logits());
                double fp32Diff = got.maxAbsDiff(fp32);
                System.out.printf(
                        "os=%s root=%s: int8 vs simulation %.3g, int8 vs fp32 %.3g, max|logit| %.3g, stages %d, off-by-one %d of"
                                + " %d, stage error / fp32 bound <= %.3f%n",
                        os,
                        root,
                        simDiff,
                        fp32Diff,
                        fp32.maxAbs(),
                        stages.stages(),
                        stages.offByOne(),
                        stages.elements(),
                        stages.fp32Ratio());
                // exact stages give the simulation's logits up to float rounding; a one-step stage, the propagated
                // bound
                assertThat(simDiff)
                        .isLessThanOrEqualTo(stages.offByOne() == 0 ? 1e-4 * fp32.maxAbs() : whole.oneStepBound());
                // against fp32, stage by stage on the same float input: within the bound from the ranges
                assertThat(stages.fp32Ratio()).isLessThanOrEqualTo(1.0);
                // and int8 is not fp32 in disguise
                assertThat(fp32Diff).isGreaterThan(0);
            }
            assertThat(int8.stats().quantized()).isEqualTo((int8Root ? 1 : 0) + 4 * 3 + 3);
            assertThat(int8.stats().leftFloat())
                    .extracting(Int8Graph.Convolution::name)
                    .containsExactlyElementsOf(
                            int8Root ? List.of(SCOPE + "/logits") : List.of(SCOPE + "/conv1", SCOPE + "/logits"));
        }
    }

    @Test
    void calibrationIsTheDeterministicMinMaxOfTheFp32Tensors() {
        ResNetV2.Builder network = network(null);
        ModelWeights weights = randomWeights(network, 32);
        List<Nhwc> set = calibrationSet();
        try (Folded folded = new Folded(network, weights)) {
            Int8Quantization.Calibration first = folded.calibrate(set);
            int ops = Graphs.opCount(folded.graph);
            Int8Quantization.Calibration again = folded.calibrate(set);
            assertThat(again).isEqualTo(first);
            assertThat(Graphs.opCount(folded.graph))
                    .as("the reductions are reused")
                    .isEqualTo(ops);
            assertThat(first.method()).isEqualTo(Int8Quantization.RangeMethod.MIN_MAX);
            assertThat(first.batches()).isEqualTo(2);
            assertThat(first.images()).isEqualTo(4);
            // the images and the root conv1, 4 pre-activations, 4 × (conv1, conv2, conv3) outputs, 3 projections
            assertThat(first.ranges()).hasSize(2 + 4 + 4 * 3 + 3);
            // each range is the min and max of the tensor fetched from the fp32 graph over the whole set
            for (Map.Entry<String, Int8Quantization.Range> e : first.ranges().entrySet()) {
                Operand<?> t = folded.graph.operationOrThrow(e.getKey()).output(0);
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                boolean images = e.getKey().equals(folded.model.images().op().name());
                for (Nhwc batch : set) {
                    Nhwc v = images ? batch : Graphs.run(folded.session, Map.of(folded.model.images(), batch), t);
                    for (float x : v.data()) {
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                }
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(new Int8Quantization.Range(lo, hi));
                if (e.getKey().endsWith("/Relu")) {
                    assertThat(lo).isGreaterThanOrEqualTo(0f);
                }
            }
            // a calibration on another set differs, and the JSON-friendly form reads back equal
            Int8Quantization.Calibration other = folded.calibrate(List.of(set.get(0)));
            assertThat(other.ranges()).isNotEqualTo(first.ranges());
            assertThat(Int8Quantization.Calibration.fromMap(first.toMap())).isEqualTo(first);
        }
    }

    @Test
    void everyNameOfTheFoldedGraphIsKeptAndTheVariablesAreFrozen() {
        ResNetV2.Builder network = network(null);
        ModelWeights weights = randomWeights(network, 33);
        List<Nhwc> set = calibrationSet();
        try (Folded folded = new Folded(network, weights);
                Graph target = new Graph()) {
            Int8Quantization.Calibration cal = folded.calibrate(set);
            Int8Graph int8 = Int8Quantization.quantize(
                    folded.session, folded.model, cal, target, Int8Quantization.RootConvolution.INT8);
            List<String> missing = new ArrayList<>();
            for (Iterator<GraphOperation> it = folded.graph.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                String n = op.name();
                boolean loading = n.contains("/load_weights/")
                        || n.contains("/Initializer/")
                        || n.contains("_" + Int8Quantization.CALIBRATION_SCOPE)
                        || op.type().equals("Assign")
                        || n.equals("Init");
                if (!loading && target.operation(n) == null) {
                    missing.add(n);
                }
            }
            assertThat(missing).isEmpty();
            for (Iterator<GraphOperation> it = target.operations(); it.hasNext(); ) {
                assertThat(it.next().type()).isNotIn("VariableV2", "Assign", "Placeholder_load");
            }
            assertThat(target.operation(SCOPE + "/block1/unit_1/bottleneck_v2/conv1/Relu")
                            .type())
                    .isEqualTo("Dequantize");
            assertThat(target.operation(SCOPE + "/block1/unit_1/bottleneck_v2/conv3/BiasAdd")
                            .type())
                    .isEqualTo("Dequantize");
            assertThat(target.operation(SCOPE + "/conv1/weights").type()).isEqualTo("Dequantize");
            assertThat(target.operation(SCOPE + "/pool1/MaxPool").type()).isEqualTo("Dequantize");
            assertThat(target.operation(SCOPE + "/logits/weights").type()).isEqualTo("Const");
            try (Graph floatRoot = new Graph()) {
                Int8Quantization.quantize(folded.session, folded.model, cal, floatRoot);
                assertThat(floatRoot.operation(SCOPE + "/conv1/weights").type()).isEqualTo("Const");
                assertThat(floatRoot.operation(SCOPE + "/pool1/MaxPool").type()).isEqualTo("MaxPool");
            }
            try (Session s = new Session(target, Int8Graph.sessionConfig(null))) {
                Nhwc images = set.get(0);
                // every end point runs under its name, in float
                List<Operand<?>> ends = new ArrayList<>();
                new java.util.TreeSet<>(folded.model.endPoints().values().stream()
                                .map(e -> e.op().name())
                                .toList())
                        .forEach(name -> ends.add(int8.output(name)));
                List<Nhwc> values = Graphs.run(s, Map.of(int8.images(), images), ends);
                assertThat(values)
                        .hasSize(ends.size())
                        .allSatisfy(v -> assertThat(v.maxAbs()).isGreaterThan(0));
                // a quantized filter's weights/read is its dequantized int8 filter
                String w = SCOPE + "/block2/unit_1/bottleneck_v2/conv2/weights";
                Nhwc read = Graphs.run(s, Map.of(), int8.output(w + "/read"));
                Nhwc fp32 = Graphs.values(folded.session, folded.model).get(w);
                Int8Ops.QuantizedFilter f = Int8Ops.quantizeFilter(fp32.data(), Shape.of(fp32.shape()));
                for (int i = 0; i < read.data().length; i++) {
                    assertThat((double) read.data()[i]).isCloseTo(f.dequantized(i), within(1e-6));
                }
                // the float Conv2D left under its name computes from the int8 graph's float tensors
                assertThat(Graphs.run(s, Map.of(int8.images(), images), int8.output(w.replace("/weights", "/Conv2D")))
                                .maxAbs())
                        .isGreaterThan(0);
                // predictions are a softmax of the logits
                Nhwc p = Graphs.run(s, Map.of(int8.images(), images), int8.predictions());
                assertThat(p.data()[0] + p.data()[1] + p.data()[2] + p.data()[3] + p.data()[4])
                        .isCloseTo(1f, within(1e-5f));
            }
        }
    }

    @Test
    void badInputIsRefusedByName() {
        ResNetV2.Builder network = network(null);
        ModelWeights weights = randomWeights(network, 34);
        try (Folded folded = new Folded(network, weights);
                Graph target = new Graph()) {
            Int8Quantization.Calibration cal = folded.calibrate(calibrationSet());
            Ops.create(target).constant(1f);
            assertThatThrownBy(() -> Int8Quantization.quantize(folded.session, folded.model, cal, target))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("target");
            try (Graph empty = new Graph()) {
                Map<String, Int8Quantization.Range> fewer = new TreeMap<>(cal.ranges());
                String removed = fewer.keySet().iterator().next();
                fewer.remove(removed);
                Int8Quantization.Calibration partial = new Int8Quantization.Calibration(cal.method(), 1, 1, fewer);
                assertThatThrownBy(() -> Int8Quantization.quantize(
                                folded.session, folded.model, partial, empty, Int8Quantization.RootConvolution.INT8))
                        .hasMessageContaining("calibration: no range for " + removed);
                assertThatThrownBy(() -> Int8Quantization.quantize(folded.session, folded.model, cal, empty, null))
                        .hasMessageContaining("root");
            }
            assertThatThrownBy(() -> Int8Quantization.calibrate(
                            folded.session, folded.model, List.of(), Int8Quantization.RangeMethod.MIN_MAX))
                    .hasMessageContaining("batches");
            assertThatThrownBy(() -> Int8Quantization.calibrate(folded.session, folded.model, null, null))
                    .hasMessageContaining("method");
            assertThatThrownBy(() -> Int8Quantization.Calibration.fromMap(Map.of("method", "KL")))
                    .hasMessageContaining("method");
        }
        try (Folded nchw = new Folded(network(null).spec(n -> n.withDataFormat(DataFormat.NCHW)), weights);
                Graph target = new Graph()) {
            assertThatThrownBy(() -> Int8Quantization.quantize(nchw.session, nchw.model, null, target))
                    .hasMessageContaining("NHWC");
        }
        try (Graph g = new Graph();
                Session s = new Session(g);
                Graph target = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel unfolded = InferenceGraph.withWeights(
                            network, weights, tf, ResNetV2.imagesPlaceholder(tf, -1, SIZE, SIZE))
                    .model();
            assertThatThrownBy(() -> Int8Quantization.quantize(s, unfolded, null, target))
                    .hasMessageContaining("foldBatchNorms");
        }
    }
}
