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
import dev.slimport.savedmodel.SavedModelInfo;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.TensorSpec;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
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
 * options ({@link #feedShapes}), uniform in [0, 1) from a {@link Random} seeded with the seed (the values {@code
 * forward --input fixed} feeds).
 */
public final class SavedModelBenchmark extends Workload {

    private final LoadedSavedModel model;
    private final String key;
    private final SignatureInfo signature;
    private final Map<String, Shape> fed;
    private final long seed;
    private final GraphFacts facts;
    private final Map<String, TFloat32> inputs = new LinkedHashMap<>();

    /**
     * Loads the SavedModel at {@code dir} (tag {@code serve}) with {@code config}; timed. {@link #prepare} then creates
     * the inputs of signature {@code key} at the {@code fed} shapes, input {@code i} from {@code Random(seed + i)}.
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
        this.key = key;
        this.fed = fed;
        this.seed = seed;
        try {
            this.signature = model.signature(key);
            this.facts = graphFacts();
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * The signature {@code forward --saved-model} runs: {@code asked} ({@code --signature}) if given, else {@code
     * serving_default}, else the only one.
     *
     * @throws IllegalArgumentException naming {@code --signature} when there is no such signature or no default
     */
    public static String signatureKey(SavedModelInfo.MetaGraph serve, Path dir, String asked) {
        List<String> keys = serve.signatures().stream().map(SignatureInfo::key).toList();
        if (asked != null) {
            if (!keys.contains(asked)) {
                throw new IllegalArgumentException("--signature: '" + asked + "' is not in SavedModel " + dir
                        + "; available: " + String.join(", ", keys));
            }
            return asked;
        }
        if (keys.contains("serving_default")) {
            return "serving_default";
        }
        if (keys.size() == 1) {
            return keys.get(0);
        }
        throw new IllegalArgumentException("--signature: SavedModel " + dir + " has no 'serving_default' signature;"
                + " name one of: " + (keys.isEmpty() ? "(none)" : String.join(", ", keys)));
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
     * The shape fed to each input of {@code signature}: its declared shape with an unknown first dimension set to
     * {@code batch} and, for a rank-4 input ({@code [B,H,W,C]}), unknown dimensions 1 and 2 set to {@code height} and
     * {@code width}. A declared dimension wins over the options, except that an option given explicitly ({@code
     * batchGiven}, {@code sizeGiven}) must agree with it.
     *
     * @throws IllegalArgumentException naming the option when an explicit option contradicts a declared dimension
     * @throws SavedModelException for an input that is not float32, has an unknown rank, or another unknown dimension
     */
    public static Map<String, Shape> feedShapes(
            SignatureInfo signature, int batch, int height, int width, boolean batchGiven, boolean sizeGiven) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (var e : signature.inputs().entrySet()) {
            String name = e.getKey();
            TensorSpec spec = e.getValue();
            if (spec.dtype() != DataType.DT_FLOAT) {
                throw new SavedModelException("signature '" + signature.key() + "' input '" + name + "' is " + spec
                        + "; forward --saved-model feeds float32 inputs only");
            }
            if (spec.shape().isUnknown()) {
                throw new SavedModelException("signature '" + signature.key() + "' input '" + name
                        + "' has an unknown rank; forward --saved-model cannot choose its shape");
            }
            long[] dims = spec.shape().asArray();
            for (int i = 0; i < dims.length; i++) {
                long want =
                        i == 0 ? batch : dims.length == 4 && i == 1 ? height : dims.length == 4 && i == 2 ? width : -1;
                boolean given = i == 0 ? batchGiven : (i == 1 || i == 2) && sizeGiven;
                if (dims[i] < 0) {
                    if (want < 0) {
                        throw new SavedModelException("signature '" + signature.key() + "' input '" + name + "' " + spec
                                + ": dimension " + i
                                + " is unknown and no option sets it (--batch-size sets dimension 0,"
                                + " --height/--width dimensions 1 and 2 of a rank-4 input)");
                    }
                    dims[i] = want;
                } else if (given && want >= 0 && dims[i] != want) {
                    String option = i == 0 ? "--batch-size" : "--image-size/--height/--width";
                    throw new IllegalArgumentException(option + ": the SavedModel's input '" + name + "' is " + spec
                            + ", so dimension " + i + " is fixed at " + dims[i] + ", got " + want
                            + (i == 0 ? "" : " (export with --dynamic-size to choose the size at run time)"));
                }
            }
            out.put(name, Shape.of(dims));
        }
        return out;
    }

    /** Creates the host inputs: uniform in [0, 1), input {@code i} from {@code Random(seed + i)}. */
    @Override
    void open() {
        long s = seed;
        for (var e : fed.entrySet()) {
            inputs.put(e.getKey(), own(ForwardBenchmark.uniform(e.getValue(), s++)));
        }
    }

    @Override
    public MemoryEstimate memory() {
        return facts.memory();
    }

    @Override
    public int batchSize() {
        return (int) fed.values().iterator().next().get(0);
    }

    @Override
    void describe(BenchmarkResult.Config.Builder c) {
        Shape input = fed.values().iterator().next();
        boolean image = input.numDimensions() == 4;
        c.model = facts.scope();
        c.batchSize = batchSize();
        c.height = image ? (int) input.get(1) : 0;
        c.width = image ? (int) input.get(2) : 0;
        c.numClasses = facts.numClasses();
        c.precision = "fp32";
        c.optimized = facts.batchNormsFolded();
        c.input = "fixed";
        c.savedModel = dir().toString();
        c.signature = key;
    }

    @Override
    BenchmarkResult.ModelInfo modelInfo() {
        long macs = facts.multiplyAddsPerImage();
        double gflop = macs < 0 ? Double.NaN : 2.0 * macs * batchSize() / 1e9;
        return new BenchmarkResult.ModelInfo(facts.scope(), facts.parameters(), -1, macs, gflop);
    }

    @Override
    Session.Runner prepared(Session.Runner r) {
        inputs.forEach((name, tensor) -> r.feed(signature.inputs().get(name).tensorName(), tensor));
        signature.outputs().values().forEach(o -> r.fetch(o.tensorName()));
        return r;
    }

    /** The resolved SavedModel directory. */
    public Path dir() {
        return model.dir();
    }

    /**
     * What the graph holds at the fed shapes.
     *
     * @param scope the common first name component of the variables (e.g. {@code resnet_v2_50}), or the directory
     *     name when there is none
     * @param parameters the variables' scalars
     * @param multiplyAddsPerImage the convolutions' multiply-adds per image the signature's outputs depend on, at the
     *     fed shapes; -1 if a shape stays unknown
     * @param memory the memory one step needs at the fed shapes (as for a built graph)
     * @param numClasses the width of a {@code logits} output, 0 without one
     * @param batchNormsFolded whether the graph has convolutions and no batch norm after one (an {@code export --optimize})
     */
    record GraphFacts(
            String scope,
            long parameters,
            long multiplyAddsPerImage,
            MemoryEstimate memory,
            int numClasses,
            boolean batchNormsFolded) {}

    /**
     * Reads {@link GraphFacts} from a copy of the SavedModel's graph whose input placeholders declare the fed shapes,
     * so TensorFlow's shape inference gives every activation and convolution a static shape, as in a built graph.
     */
    private GraphFacts graphFacts() {
        GraphDef.Builder def = model.bundle().metaGraphDef().getGraphDef().toBuilder();
        Map<String, Shape> byNode = new TreeMap<>();
        fed.forEach((name, shape) ->
                byNode.put(nodeName(signature.inputs().get(name).tensorName()), shape));
        for (NodeDef.Builder node : def.getNodeBuilderList()) {
            Shape shape = byNode.get(node.getName());
            if (shape != null && node.getOp().equals("Placeholder")) {
                TensorShapeProto.Builder proto = TensorShapeProto.newBuilder();
                for (long d : shape.asArray()) {
                    proto.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
                }
                node.putAttr("shape", AttrValue.newBuilder().setShape(proto).build());
            }
        }
        try (Graph g = new Graph()) {
            try {
                g.importGraphDef(def.build());
            } catch (IllegalArgumentException | TensorFlowException e) {
                throw new SavedModelException(
                        "the graph of " + dir() + " does not take the fed shapes " + fed + ": "
                                + RunFailure.firstLine(e.getMessage()),
                        e);
            }
            long parameters = 0;
            TreeSet<String> scopes = new TreeSet<>();
            for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                Shape s = null;
                if (op.type().equals("VariableV2")) {
                    s = op.output(0).shape();
                } else if (op.type().equals("VarHandleOp")) {
                    s = op.attributes().getAttrShape("shape");
                }
                if (s != null) {
                    parameters += s.isUnknown() || s.hasUnknownDimension() ? 0 : s.size();
                    int slash = op.name().indexOf('/');
                    scopes.add(slash < 0 ? "" : op.name().substring(0, slash));
                }
            }
            Map<String, GraphStats.ConvCost> convs = new TreeMap<>();
            for (TensorSpec o : signature.outputs().values()) {
                Output<?> out = g.outputOrThrow(o.tensorName());
                for (GraphStats.ConvCost c : GraphStats.convolutions((Operand<?>) out)) {
                    convs.put(c.opName(), c);
                }
            }
            long macs = 0;
            boolean known = true;
            for (GraphStats.ConvCost c : convs.values()) {
                known &= c.multiplyAddsPerImage() >= 0;
                macs += Math.max(0, c.multiplyAddsPerImage());
            }
            String scope = scopes.size() == 1 && !scopes.first().isEmpty()
                    ? scopes.first()
                    : String.valueOf(dir().getParent().getFileName());
            TensorSpec logits = signature.outputs().get(ServingSignature.LOGITS);
            int classes = logits != null
                            && logits.shape().numDimensions() == 2
                            && logits.shape().get(1) > 0
                    ? (int) logits.shape().get(1)
                    : 0;
            return new GraphFacts(
                    scope,
                    parameters,
                    known ? macs : -1,
                    MemoryEstimate.of(g),
                    classes,
                    !convs.isEmpty() && GraphStats.batchNormsAfterConvolution(g) == 0);
        }
    }

    private static String nodeName(String tensorName) {
        int colon = tensorName.lastIndexOf(':');
        return colon < 0 ? tensorName : tensorName.substring(0, colon);
    }

    @Override
    void release() {
        model.close();
    }
}
