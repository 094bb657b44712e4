/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.optimize.Int8Graph;
import dev.slimport.resnet.optimize.Int8Quantization;
import dev.slimport.resnet.preprocess.EncodedImages;
import dev.slimport.resnet.slim.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * The inference graph of one ResNet v2 and the session that holds its variables: what gets exported. It owns its
 * {@link Graph} and {@link Session}; close it.
 *
 * <p>The graph is slim's network built with {@code is_training=False} (moving statistics, no update ops), {@code
 * global_pool=True} and {@code spatial_squeeze=True}, on the placeholder {@code images} (float32 NHWC {@code [-1, imageSize, imageSize, 3]}, or {@code [-1, -1, -1, 3]}
 * with a dynamic size), plus
 * the float32 signature outputs {@code serving_default/logits} and {@code serving_default/predictions} (identities
 * of slim's) and {@code serving_default/features} (the {@code global_pool} end point squeezed to {@code [B, F]});
 * see {@link ServingSignature}. Variables are initialized from the model seed on first use, or restored from a checkpoint.
 *
 * <p>{@code images} is a {@code PlaceholderWithDefault} whose default is the string placeholder {@code image_bytes}
 * (encoded images {@code [-1]}) through {@link EncodedImages#evalBatch} at the network's image size (ops under {@code
 * serving_bytes/}): feeding {@code images} runs the network alone ({@link #signature()}, {@link #run}), feeding
 * {@code image_bytes} runs slim's eval preprocessing first ({@link #bytesSignature()}, {@link #runEncoded}). One
 * network, one set of variables, two signatures.
 *
 * <p>{@link #buildFolded} builds the inference-optimized variant of the same network from another model's {@link
 * #weights()}: slim's graph with every batch norm that follows a convolution folded into it,
 * same inputs and outputs; see {@link InferenceGraph#foldBatchNorms}. Either way the network is an {@link
 * InferenceGraph} (verbatim or folded), built as the benchmark builds it; {@link #initialize()} loads its weights.
 *
 * <p>{@link #quantize} makes the int8 variant of a folded model: a graph of its own with no variables (the weights
 * are constants, the convolutions oneDNN's quantized ops), the same inputs, outputs and signatures by name.
 */
public final class InferenceModel implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final InferenceGraph inference;
    private final boolean folded;
    private final Int8 int8;
    private final Operand<TFloat32> images;
    private final Operand<TString> imageBytes;
    private final Operand<TFloat32> preprocessed;
    private final Map<String, Operand<TFloat32>> outputs;

    /**
     * What made an int8 model: its calibration and the quantized graph's handles and statistics.
     *
     * @param calibration the calibrated ranges
     * @param graph the int8 graph's handles and what was quantized
     */
    public record Int8(Int8Quantization.Calibration calibration, Int8Graph graph) {}

    private InferenceModel(
            Graph graph,
            Session session,
            InferenceGraph inference,
            boolean folded,
            Int8 int8,
            Operand<TFloat32> images,
            Operand<TString> imageBytes,
            Operand<TFloat32> preprocessed,
            Map<String, Operand<TFloat32>> outputs) {
        this.graph = graph;
        this.session = session;
        this.inference = inference;
        this.folded = folded;
        this.int8 = int8;
        this.images = images;
        this.imageBytes = imageBytes;
        this.preprocessed = preprocessed;
        this.outputs = outputs;
    }

    /**
     * Builds the graph for {@code network} and opens a session with TensorFlow's default configuration.
     *
     * @param seed the model seed: the same seed gives byte-identical initial variables
     * @param dynamicSize leave height and width unknown in the graph (else {@code network.imageSize()})
     */
    public static InferenceModel build(NetworkSpec network, long seed, boolean dynamicSize) {
        return build(network, seed, dynamicSize, false, null);
    }

    /**
     * Builds the inference-optimized graph for {@code network}: batch norms folded into the convolutions with the values
     * in {@code weights} (read with {@link #weights()} from a model built, initialized or restored, with the same
     * network). {@link #initialize()} assigns the folded values. Its outputs equal the unfolded model's up to float
     * rounding.
     *
     * @throws IllegalArgumentException for an invalid spec, missing weights, or weights that lack a variable of the
     *     network or hold it with another shape
     */
    public static InferenceModel buildFolded(NetworkSpec network, boolean dynamicSize, ModelWeights weights) {
        return build(network, 0, dynamicSize, true, weights);
    }

    /** Slim's graph verbatim ({@link InferenceGraph#verbatim}), or folded with {@code weights}. */
    private static InferenceModel build(
            NetworkSpec network, long seed, boolean dynamicSize, boolean fold, ModelWeights weights) {
        if (network == null) {
            throw new IllegalArgumentException("network: must not be null");
        }
        ResNetV2.Builder builder = network.builder()
                .isTraining(false)
                .globalPool(true)
                .spatialSqueeze(true)
                .seed(seed);
        long size = dynamicSize ? -1 : network.imageSize();
        Graph graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            // serving_bytes: encoded images -> slim's eval preprocessing at the image size, in the graph. The network
            // reads `images`, a PlaceholderWithDefault over the preprocessed batch: serving_default feeds it (the
            // preprocessing is then pruned from the run), serving_bytes feeds image_bytes and leaves it to its default.
            Placeholder<TString> imageBytes = tf.withName(ServingSignature.IMAGE_BYTES)
                    .placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            int preprocessSize = network.imageSize();
            Operand<TFloat32> preprocessed = EncodedImages.evalBatch(
                    tf.withSubScope(ServingSignature.BYTES_KEY), imageBytes, preprocessSize, preprocessSize);
            Operand<TFloat32> images = tf.withName(ServingSignature.IMAGES)
                    .placeholderWithDefault(preprocessed, Shape.of(-1, size, size, 3));
            InferenceGraph inference = fold
                    ? InferenceGraph.foldBatchNorms(builder, weights, tf, images)
                    : InferenceGraph.verbatim(builder.build(tf, images));
            ResNetModel model = inference.model();
            Ops out = tf.withSubScope(ServingSignature.OUTPUT_SCOPE);
            Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
            if (network.numClasses() > 0) {
                outputs.put(
                        ServingSignature.LOGITS,
                        out.withName(ServingSignature.LOGITS)
                                .identity(model.logits().orElseThrow()));
                outputs.put(
                        ServingSignature.PREDICTIONS,
                        out.withName(ServingSignature.PREDICTIONS)
                                .identity(model.predictions().orElseThrow()));
            }
            @SuppressWarnings("unchecked")
            Operand<TFloat32> pooled = (Operand<TFloat32>) model.globalPool().orElseThrow();
            outputs.put(
                    ServingSignature.FEATURES,
                    out.withName(ServingSignature.FEATURES).squeeze(pooled, Squeeze.axis(1L, 2L)));
            return new InferenceModel(
                    graph,
                    new Session(graph),
                    inference,
                    fold,
                    null,
                    model.images(),
                    imageBytes,
                    preprocessed,
                    Collections.unmodifiableMap(outputs));
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /**
     * The int8 twin of a {@linkplain #buildFolded folded} model, its weights loaded ({@link #initialize()}): its
     * activation ranges calibrated by running {@code folded} over {@code calibration} ({@link
     * Int8Quantization#calibrate}, min/max), then the graph written anew with its variables frozen to constants and
     * its convolutions quantized ({@link Int8Quantization#quantize}). Every other node keeps its name, so the inputs
     * {@code images} and {@code image_bytes}, the serving_bytes preprocessing and the signature outputs are the same
     * as {@code folded}'s; the new model has no variables. {@code folded} is left open: close it.
     *
     * @throws IllegalArgumentException when {@code folded} is not a folded float model
     */
    public static InferenceModel quantize(InferenceModel folded, CalibrationSet calibration) {
        return quantize(folded, calibration, Int8Quantization.RootConvolution.FLOAT);
    }

    /**
     * As {@link #quantize(InferenceModel, CalibrationSet)}, the root {@code conv1} in int8 or float as {@code root}
     * says ({@link Int8Quantization#quantize(Session, ResNetModel, Int8Quantization.Calibration, Graph,
     * Int8Quantization.RootConvolution)}).
     */
    public static InferenceModel quantize(
            InferenceModel folded, CalibrationSet calibration, Int8Quantization.RootConvolution root) {
        if (folded == null || folded.int8 != null || !folded.folded) {
            throw new IllegalArgumentException(
                    "folded: an int8 model is quantized from a folded float model" + " (buildFolded, initialized)");
        }
        Int8Quantization.Calibration ranges = Int8Quantization.calibrate(
                folded.session, folded.model(), calibration, Int8Quantization.RangeMethod.MIN_MAX);
        Graph target = new Graph();
        Session session = null;
        try {
            Int8Graph quantized = Int8Quantization.quantize(folded.session, folded.model(), ranges, target, root);
            Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
            folded.outputs.forEach((name, o) -> outputs.put(name, same(target, o)));
            session = new Session(target, Int8Graph.sessionConfig(null));
            return new InferenceModel(
                    target,
                    session,
                    null,
                    true,
                    new Int8(ranges, quantized),
                    quantized.images(),
                    same(target, folded.imageBytes),
                    same(target, folded.preprocessed),
                    Collections.unmodifiableMap(outputs));
        } catch (RuntimeException | Error e) {
            if (session != null) {
                session.close();
            }
            target.close();
            throw e;
        }
    }

    /** The output of {@code target} with {@code o}'s operation name and index (the quantization keeps names). */
    @SuppressWarnings("unchecked")
    private static <T extends TType> Operand<T> same(Graph target, Operand<T> o) {
        Output<T> out = o.asOutput();
        GraphOperation op = target.operation(out.op().name());
        if (op == null) {
            throw new IllegalStateException(
                    "the int8 graph lost the node " + out.op().name());
        }
        return (Operand<T>) op.output(out.index());
    }

    /** The session (owned by this object); its graph is {@code model().graph()}. */
    public Session session() {
        return session;
    }

    /**
     * The built network: images, variables, end points, configuration.
     *
     * @throws IllegalStateException for an int8 model ({@link #int8()}), whose graph is the quantized rewrite
     */
    public ResNetModel model() {
        if (inference == null) {
            throw new IllegalStateException("model: an int8 model has no ResNetModel (see int8())");
        }
        return inference.model();
    }

    /** How an int8 model was made; empty for a float model. */
    public Optional<Int8> int8() {
        return Optional.ofNullable(int8);
    }

    /** The graph (owned by this object). */
    public Graph graph() {
        return graph;
    }

    /** The float32 {@code images} input. */
    public Operand<TFloat32> images() {
        return images;
    }

    /**
     * The {@code serving_default} signature over the {@code images} placeholder and the outputs, in order {@code
     * logits, predictions, features} (only features with 0 classes).
     */
    public Signature signature() {
        Signature.Builder b = Signature.builder()
                .key(ServingSignature.KEY)
                .methodName(ServingSignature.METHOD_NAME)
                .input(ServingSignature.IMAGES, images);
        outputs.forEach(b::output);
        return b.build();
    }

    /**
     * The {@code serving_bytes} signature: input {@code image_bytes} (string {@code [-1]}, encoded images), the same
     * outputs as {@link #signature()}; the images go through {@link EncodedImages#evalBatch} at the network's image
     * size.
     */
    public Signature bytesSignature() {
        Signature.Builder b = Signature.builder()
                .key(ServingSignature.BYTES_KEY)
                .methodName(ServingSignature.METHOD_NAME)
                .input(ServingSignature.IMAGE_BYTES, imageBytes);
        outputs.forEach(b::output);
        return b.build();
    }

    /** The {@code serving_default} signature as a SavedModel declares it (tensor names, dtypes, static shapes). */
    public SignatureInfo signatureInfo() {
        return info(ServingSignature.KEY, ServingSignature.IMAGES, images);
    }

    /** The {@code serving_bytes} signature as a SavedModel declares it. */
    public SignatureInfo bytesSignatureInfo() {
        return info(ServingSignature.BYTES_KEY, ServingSignature.IMAGE_BYTES, imageBytes);
    }

    private SignatureInfo info(String key, String inputName, Operand<?> input) {
        Map<String, TensorSpec> out = new TreeMap<>();
        outputs.forEach((name, operand) -> out.put(name, spec(operand)));
        return new SignatureInfo(key, ServingSignature.METHOD_NAME, Map.of(inputName, spec(input)), out);
    }

    private static TensorSpec spec(Operand<?> operand) {
        var o = operand.asOutput();
        return new TensorSpec(o.op().name() + ":" + o.index(), o.dataType(), o.shape());
    }

    /**
     * Runs the initializers that have not run yet (the seeded initial values); a {@linkplain #buildFolded folded}
     * model then takes its folded values.
     */
    public void initialize() {
        if (int8 != null) {
            return; // no variables: the weights are constants of the graph
        }
        session.initialize();
        inference.loadWeights(session);
    }

    /** The current values of all model variables by slim name: what {@link #buildFolded} folds. */
    public ModelWeights weights() {
        return ModelWeights.read(session, model().variables());
    }

    /**
     * Restores the variables from the checkpoint at {@code prefix}, except those under {@code excludes}; see {@link
     * AssignFromCheckpoint#restore}.
     */
    public RestoreResult restore(Path prefix, Collection<String> excludes) {
        return AssignFromCheckpoint.restore(session, model().variables(), prefix, excludes);
    }

    /**
     * Restores every variable from its moving-average shadow in the checkpoint at {@code prefix}; see {@link
     * AssignFromCheckpoint#restoreMovingAverages}.
     */
    public RestoreResult restoreMovingAverages(Path prefix, String option) {
        return AssignFromCheckpoint.restoreMovingAverages(session, model().variables(), prefix, option);
    }

    /**
     * Saves every variable of the graph to a V2 checkpoint at {@code prefix} ({@code Session.save}); the parent
     * directory must exist. TF Java builds its saver at the first save or restore, over the variables that exist then:
     * this graph is complete when built, so that is safe here.
     *
     * @throws IllegalArgumentException if the parent directory does not exist
     */
    public void save(Path prefix) {
        Path p = prefix == null ? null : prefix.toAbsolutePath().normalize();
        if (p == null || p.getParent() == null || !Files.isDirectory(p.getParent())) {
            throw new IllegalArgumentException("prefix: the parent directory of " + p + " does not exist");
        }
        session.save(p.toString());
    }

    /**
     * Runs one batch and copies the outputs to the heap.
     *
     * @param batch images {@code [B, H, W, 3]}, checked like a SavedModel's input ({@link LoadedSavedModel#run}): H
     *     and W must equal the image size unless the size is dynamic
     * @return the outputs by name, in {@link #signature()} order
     */
    public Map<String, FloatValues> run(FloatValues batch) {
        LoadedSavedModel.checkShape(ServingSignature.IMAGES, spec(images), batch);
        try (TFloat32 in = batch.toTensor();
                Result r = session.run(signature(), Map.of(ServingSignature.IMAGES, in))) {
            Map<String, FloatValues> out = new LinkedHashMap<>();
            outputs.keySet()
                    .forEach(name ->
                            out.put(name, FloatValues.of((TFloat32) r.get(name).orElseThrow())));
            return out;
        }
    }

    /**
     * Runs the {@code serving_bytes} path on encoded images and copies the outputs to the heap, plus the preprocessed
     * batch under the key {@link #PREPROCESSED}.
     *
     * @param encoded the files' bytes, at least one
     * @return the outputs by name in {@link #signature()} order, then {@link #PREPROCESSED} {@code [N, S, S, 3]} (S =
     *     the network's image size)
     * @throws IllegalArgumentException if {@code encoded} is null or empty
     */
    public Map<String, FloatValues> runEncoded(List<byte[]> encoded) {
        try (TString in = LoadedSavedModel.encodedTensor(ServingSignature.IMAGE_BYTES, encoded)) {
            Session.Runner runner = session.runner().feed(imageBytes, in);
            outputs.values().forEach(runner::fetch);
            runner.fetch(preprocessed);
            try (Result r = runner.run()) {
                Map<String, FloatValues> out = new LinkedHashMap<>();
                int i = 0;
                for (String name : outputs.keySet()) {
                    out.put(name, FloatValues.of((TFloat32) r.get(i++)));
                }
                out.put(PREPROCESSED, FloatValues.of((TFloat32) r.get(i)));
                return out;
            }
        }
    }

    /** The key of the preprocessed batch in {@link #runEncoded}'s result (not a signature output). */
    public static final String PREPROCESSED = "preprocessed";

    /** Closes the session, then the graph. */
    @Override
    public void close() {
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}
