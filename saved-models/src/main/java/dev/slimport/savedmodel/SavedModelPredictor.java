/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.tensorflow.proto.ConfigProto;

/**
 * A thread-safe predictor over one loaded SavedModel: TF Serving's Predict on one signature, for many threads. All
 * calls share one {@code SavedModelBundle} and its Session; TensorFlow runs them concurrently ({@code
 * TF_SessionRun} is thread-safe), so N threads cost one copy of the weights.
 *
 * <p>It owns its {@link LoadedSavedModel}, which counts the calls in flight: {@link #close()} refuses new calls at
 * once, waits for those in flight, and only then closes the session and graph: memory is never freed under a running
 * call. A call after (or during) {@code close} throws {@link PredictorClosedException}, an {@link
 * IllegalStateException}.
 *
 * <pre>{@code
 * try (SavedModelPredictor p = SavedModelPredictor.load(Path.of("models/resnet_v2_50"))) {
 *   // from any number of threads:
 *   Map<String, FloatValues> out = p.predict(FloatValues.uniform(Shape.of(8, 224, 224, 3), 0, -1, 1));
 *   FloatValues probabilities = out.get("predictions");
 * }
 * }</pre>
 */
public final class SavedModelPredictor implements AutoCloseable {

    /** Called inside each call's in-flight window, after the run and before the outputs are returned (tests). */
    @FunctionalInterface
    interface CallHook {
        void inFlight() throws InterruptedException;
    }

    private final LoadedSavedModel model;
    private final SignatureInfo signature;

    private SavedModelPredictor(LoadedSavedModel model, String signatureKey) {
        this.model = model;
        this.signature = model.signature(signatureKey);
    }

    /** Loads the {@code serve} MetaGraph under {@code dir} (or its highest version); predicts its default signature. */
    public static SavedModelPredictor load(Path dir) {
        return load(dir, null);
    }

    /**
     * Loads the {@code serve} MetaGraph under {@code dir} with a session configuration (null for TensorFlow's
     * defaults) and predicts its default signature ({@code serving_default}, or the only one).
     *
     * @throws IllegalArgumentException if there is no SavedModel under {@code dir}
     * @throws SavedModelException if it is corrupt or cannot be loaded
     */
    public static SavedModelPredictor load(Path dir, ConfigProto config) {
        LoadedSavedModel m = LoadedSavedModel.load(dir, config, ServingSignature.TAG);
        try {
            return new SavedModelPredictor(m, m.defaultSignatureKey());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A predictor of signature {@code signatureKey} of {@code model}; it takes ownership of the model and closes it.
     *
     * @throws IllegalArgumentException if the signature does not exist
     * @throws IllegalStateException if the model is already closed
     */
    public static SavedModelPredictor of(LoadedSavedModel model, String signatureKey) {
        return of(model, signatureKey, () -> {});
    }

    static SavedModelPredictor of(LoadedSavedModel model, String signatureKey, CallHook hook) {
        if (model == null) {
            throw new IllegalArgumentException("model: must not be null");
        }
        if (model.closing()) {
            throw new IllegalStateException("SavedModel " + model.dir() + " is closed");
        }
        model.hook(hook);
        return new SavedModelPredictor(model, signatureKey);
    }

    /** The signature this predictor runs. */
    public SignatureInfo signature() {
        return signature;
    }

    /** The SavedModel's directory. */
    public Path dir() {
        return model.dir();
    }

    /**
     * Runs the signature on its only input (e.g. {@code images} of the exported ResNets) and copies every output to
     * the heap. Thread-safe.
     *
     * @return the outputs by name
     * @throws IllegalArgumentException if the signature has several inputs, or {@code input} does not fit the
     *     declared shape (rank, fixed dimensions) or has a zero dimension; checked before anything is fed
     * @throws PredictorClosedException if {@link #close()} has been called
     * @throws SavedModelException if TensorFlow fails to run it
     */
    public Map<String, FloatValues> predict(FloatValues input) {
        if (signature.inputs().size() != 1) {
            throw new IllegalArgumentException("input: signature '" + signature.key() + "' takes "
                    + signature.inputs().keySet() + "; use predict(Map)");
        }
        return predict(Map.of(signature.inputs().keySet().iterator().next(), input));
    }

    /**
     * Runs the signature on float32 inputs by name and copies every output to the heap. Thread-safe.
     *
     * @see LoadedSavedModel#run
     * @throws PredictorClosedException if {@link #close()} has been called
     */
    public Map<String, FloatValues> predict(Map<String, FloatValues> inputs) {
        return model.run(
                signature.key(),
                inputs,
                LoadedSavedModel::copyFloat32,
                () -> new PredictorClosedException(model.dir()));
    }

    /** The number of calls running now. */
    public int inFlight() {
        return model.inFlight();
    }

    /** Whether {@link #close()} has been called (new calls are refused; the model may still be finishing calls). */
    public boolean isClosed() {
        return model.closing();
    }

    /** Refuses new calls, waits for the calls in flight, then closes the model; see {@link LoadedSavedModel#close()}. */
    @Override
    public void close() {
        model.close();
    }

    /**
     * Refuses new calls and waits at most {@code timeout} for the calls in flight; closes the model if they finished.
     *
     * @return true if closed; false leaves it open under the running calls (call {@link #close()} later, or let the
     *     process exit)
     */
    public boolean close(Duration timeout) {
        return model.close(timeout);
    }

    /** A call on a closed {@link SavedModelPredictor}. */
    public static final class PredictorClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PredictorClosedException(Path dir) {
            super("the predictor of SavedModel " + dir + " is closed; load it again");
        }
    }
}
