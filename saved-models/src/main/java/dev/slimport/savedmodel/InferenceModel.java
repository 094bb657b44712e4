/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.optimize.InferenceGraph;
import dev.slimport.resnet.preprocess.EncodedImages;
import dev.slimport.resnet.slim.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

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
 */
public final class InferenceModel implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final InferenceGraph inference;
    private final Placeholder<TString> imageBytes;
    private final Operand<TFloat32> preprocessed;
    private final Map<String, Operand<TFloat32>> outputs;

    private InferenceModel(
            Graph graph,
            Session session,
            InferenceGraph inference,
            Placeholder<TString> imageBytes,
            Operand<TFloat32> preprocessed,
            Map<String, Operand<TFloat32>> outputs) {
        this.graph = graph;
        this.session = session;
        this.inference = inference;
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
                    imageBytes,
                    preprocessed,
                    Collections.unmodifiableMap(outputs));
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /** The session (owned by this object); its graph is {@code model().graph()}. */
    public Session session() {
        return session;
    }

    /** The built network: images, variables, end points, configuration. */
    public ResNetModel model() {
        return inference.model();
    }

    /**
     * The {@code serving_default} signature over the {@code images} placeholder and the outputs, in order {@code
     * logits, predictions, features} (only features with 0 classes).
     */
    public Signature signature() {
        Signature.Builder b = Signature.builder()
                .key(ServingSignature.KEY)
                .methodName(ServingSignature.METHOD_NAME)
                .input(ServingSignature.IMAGES, model().images());
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
        return info(ServingSignature.KEY, ServingSignature.IMAGES, model().images());
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
        LoadedSavedModel.checkShape(ServingSignature.IMAGES, spec(model().images()), batch);
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
