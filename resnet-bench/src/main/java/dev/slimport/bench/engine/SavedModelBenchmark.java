/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.SessionConfigs;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.TensorSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * The forward benchmark of an exported model's signature ({@code forward --saved-model}): one owner of the loaded
 * SavedModel and of the host input tensors. A step runs what TF Serving's Predict runs for the signature — feed
 * every input by its tensor name, fetch every output — on a runner prepared once, and closes the {@link Result}.
 *
 * <p>The inputs are float32 host tensors of the signature's declared shapes, unknown dimensions filled from the
 * options ({@link #feedShapes}), uniform in [0, 1) from {@link ForwardBenchmark#uniform} (the values {@code forward
 * --input fixed} feeds).
 */
public final class SavedModelBenchmark extends Workload {

    private final LoadedSavedModel model;
    private final SignatureInfo signature;
    private final Map<String, Shape> fed;
    private final long seed;
    private final BenchmarkResult.ModelInfo modelInfo;
    private final MemoryEstimate memory;
    private final boolean batchNormsFolded;
    private final Map<String, TFloat32> inputs = new LinkedHashMap<>();

    /**
     * Loads the SavedModel at {@code dir} (tag {@code serve}) with {@code config}; timed. It then reads what the graph
     * holds at the {@code fed} shapes ({@link #modelInfo}, the memory one step needs, whether its batch norms are
     * folded: convolutions and no batch norm after one, as {@code export --optimize} leaves it); {@link #prepare} creates the inputs of signature
     * {@code key} at these shapes, input {@code i} from seed {@code seed + i}.
     *
     * @throws IllegalArgumentException if there is no SavedModel at {@code dir} or no signature {@code key}
     * @throws SavedModelException if it cannot be loaded or its graph does not take the fed shapes
     */
    public SavedModelBenchmark(Path dir, ConfigProto config, String key, Map<String, Shape> fed, long seed) {
        long t0 = System.nanoTime();
        this.model = LoadedSavedModel.load(dir, config, ServingSignature.TAG);
        this.initSeconds = (System.nanoTime() - t0) / 1e9;
        this.graph = model.bundle().graph();
        this.session = model.bundle().session();
        this.fed = fed;
        this.seed = seed;
        try {
            this.signature = model.signature(key);
            try (Graph g = graphAtFedShapes()) {
                Map<String, GraphStats.ConvCost> convs = new TreeMap<>();
                for (TensorSpec o : signature.outputs().values()) {
                    GraphStats.convolutions(g.outputOrThrow(o.tensorName())).forEach(c -> convs.put(c.opName(), c));
                }
                this.modelInfo = modelInfo(g, convs.values());
                this.memory = MemoryEstimate.of(g);
                this.batchNormsFolded = !convs.isEmpty() && GraphStats.batchNormsAfterConvolution(g) == 0;
            }
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * The session configuration for the loaded graph, whose ops carry no device: on the CPU, GPUs are hidden
     * ({@code device_count {GPU: 0}}); on a GPU, TensorFlow's placer puts the graph on the first one.
     */
    public static ConfigProto sessionConfig(SessionConfigs configs, DeviceRequest device) {
        ConfigProto config = configs.toConfigProto();
        if (!device.isGpu()) {
            return config.toBuilder().putDeviceCount("GPU", 0).build();
        }
        if (device.index() != 0) {
            throw new IllegalArgumentException(
                    "--device " + device + ": a SavedModel's graph is placed by TensorFlow, on the first"
                            + " GPU; allowed with --saved-model: cpu, gpu, gpu:0");
        }
        return config;
    }

    /**
     * The shape fed to each input of {@code signature} ({@link SignatureInfo#feedShapes}: an unknown first dimension
     * is {@code batch}, unknown dimensions 1 and 2 of a rank-4 input {@code height} and {@code width}). A declared
     * dimension wins over the options, except that an option given explicitly ({@code batchGiven}, {@code sizeGiven})
     * must agree with it.
     *
     * @throws IllegalArgumentException naming the option when an explicit option contradicts a declared dimension
     * @throws SavedModelException for an input that is not float32, has an unknown rank, or another unknown dimension
     */
    public static Map<String, Shape> feedShapes(
            SignatureInfo signature, int batch, int height, int width, boolean batchGiven, boolean sizeGiven) {
        Map<String, Shape> fed = signature.feedShapes(batch, height, width, -1);
        fed.forEach((name, shape) -> {
            for (int i = 0; i < shape.numDimensions(); i++) {
                boolean image = shape.numDimensions() == 4 && (i == 1 || i == 2);
                long want = i == 0 ? batch : i == 1 ? height : width;
                if ((i == 0 ? batchGiven : image && sizeGiven) && shape.get(i) != want) {
                    String option = i == 0 ? "--batch-size" : "--image-size/--height/--width";
                    throw new IllegalArgumentException(option + ": the SavedModel's input '" + name + "' is "
                            + signature.inputs().get(name) + ", so dimension " + i + " is fixed at " + shape.get(i)
                            + ", got " + want
                            + (i == 0 ? "" : " (export with --dynamic-size to choose the size at run time)"));
                }
            }
        });
        return fed;
    }

    /** Creates the host inputs: uniform in [0, 1), input {@code i} from seed {@code seed + i}. */
    @Override
    void open() {
        long s = seed;
        for (var e : fed.entrySet()) {
            inputs.put(e.getKey(), own(ForwardBenchmark.uniform(e.getValue(), s++)));
        }
    }

    @Override
    public MemoryEstimate memory() {
        return memory;
    }

    @Override
    public int batchSize() {
        return (int) fed.values().iterator().next().get(0);
    }

    /** Describes the run; the classes are the width of a {@code logits} output, 0 without one. */
    @Override
    void describe(BenchmarkResult.Config.Builder c) {
        Shape input = fed.values().iterator().next();
        boolean image = input.numDimensions() == 4;
        TensorSpec logits = signature.outputs().get(ServingSignature.LOGITS);
        c.model = modelInfo.scope();
        c.batchSize = batchSize();
        c.height = image ? (int) input.get(1) : 0;
        c.width = image ? (int) input.get(2) : 0;
        c.numClasses = logits != null
                        && logits.shape().numDimensions() == 2
                        && logits.shape().get(1) > 0
                ? (int) logits.shape().get(1)
                : 0;
        c.precision = "fp32";
        c.optimized = batchNormsFolded;
        c.input = "fixed";
        c.savedModel = model.dir().toString();
        c.signature = signature.key();
    }

    @Override
    BenchmarkResult.ModelInfo modelInfo() {
        return modelInfo;
    }

    @Override
    Session.Runner prepared(Session.Runner r) {
        inputs.forEach((name, tensor) -> r.feed(signature.inputs().get(name).tensorName(), tensor));
        signature.outputs().values().forEach(o -> r.fetch(o.tensorName()));
        return r;
    }

    /**
     * A copy of the SavedModel's graph whose input placeholders declare the fed shapes, so TensorFlow's shape
     * inference gives every activation and convolution a static shape, as in a built graph.
     */
    private Graph graphAtFedShapes() {
        GraphDef.Builder def = model.bundle().metaGraphDef().getGraphDef().toBuilder();
        Map<String, Shape> byNode = new TreeMap<>();
        fed.forEach((name, shape) ->
                byNode.put(signature.inputs().get(name).tensorName().replaceFirst(":\\d+$", ""), shape));
        for (NodeDef.Builder node : def.getNodeBuilderList()) {
            Shape shape = byNode.get(node.getName());
            if (shape != null && node.getOp().equals("PlaceholderWithDefault")) {
                // A fed PlaceholderWithDefault (the exports' images, whose default is the serving_bytes
                // preprocessing) is a placeholder for this run: its default is not computed, and need not fit.
                node.setOp("Placeholder").clearInput();
            }
            if (shape != null && node.getOp().equals("Placeholder")) {
                TensorShapeProto.Builder proto = TensorShapeProto.newBuilder();
                for (long d : shape.asArray()) {
                    proto.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
                }
                node.putAttr("shape", AttrValue.newBuilder().setShape(proto).build());
            }
        }
        Graph g = new Graph();
        try {
            g.importGraphDef(def.build());
            return g;
        } catch (IllegalArgumentException | TensorFlowException e) {
            g.close();
            throw new SavedModelException(
                    "the graph of " + model.dir() + " does not take the fed shapes " + fed + ": "
                            + RunFailure.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * The model's size at the fed shapes: the variables' scalars, their common first name component as the scope
     * (e.g. {@code resnet_v2_50}; the directory's name when there is none) and the multiply-adds per image of {@code
     * convs}, the convolutions the signature's outputs depend on (-1 if a shape stays unknown).
     */
    private BenchmarkResult.ModelInfo modelInfo(Graph g, Collection<GraphStats.ConvCost> convs) {
        long parameters = 0;
        TreeSet<String> scopes = new TreeSet<>();
        for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            Shape s = op.type().equals("VariableV2")
                    ? op.output(0).shape()
                    : op.type().equals("VarHandleOp") ? op.attributes().getAttrShape("shape") : null;
            if (s != null) {
                parameters += s.isUnknown() || s.hasUnknownDimension() ? 0 : s.size();
                int slash = op.name().indexOf('/');
                scopes.add(slash < 0 ? "" : op.name().substring(0, slash));
            }
        }
        String scope = scopes.size() == 1 && !scopes.first().isEmpty()
                ? scopes.first()
                : String.valueOf(model.dir().getParent().getFileName());
        boolean known = convs.stream().allMatch(c -> c.multiplyAddsPerImage() >= 0);
        long macs = known
                ? convs.stream()
                        .mapToLong(GraphStats.ConvCost::multiplyAddsPerImage)
                        .sum()
                : -1;
        double gflop = macs < 0 ? Double.NaN : 2.0 * macs * batchSize() / 1e9;
        return new BenchmarkResult.ModelInfo(scope, parameters, -1, macs, gflop);
    }

    @Override
    void release() {
        model.close();
    }
}
