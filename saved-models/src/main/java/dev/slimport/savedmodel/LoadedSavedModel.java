/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.optimize.Int8Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A SavedModel loaded for inference ({@code SavedModelBundle.loader(dir).withTags(tags).load()}), with the
 * directory resolution and the checks that turn TensorFlow's loader errors into clear messages. It owns the bundle
 * (graph and session): close it.
 *
 * <p>{@link #run} may be called from several threads at once (TensorFlow's {@code TF_SessionRun} is thread-safe). It
 * counts the runs in flight: {@link #close()} refuses new runs at once, waits for those in flight, and only then
 * closes the session and graph, so memory is never freed under a running call. After {@code close} every method
 * that needs the session throws {@link ClosedException}. It is what to share between threads (a server's request
 * threads, Spark's tasks): N threads cost one copy of the weights.
 *
 * <pre>{@code
 * try (LoadedSavedModel m = LoadedSavedModel.load(Path.of("models/resnet_v2_50"))) {
 *   // from any number of threads:
 *   Map<String, FloatValues> out = m.predict(FloatValues.uniform(Shape.of(8, 224, 224, 3), 0, -1, 1));
 *   FloatValues probabilities = out.get("predictions");
 * }
 * }</pre>
 */
public final class LoadedSavedModel implements AutoCloseable {
    private final SavedModelInfo info;
    private final SavedModelInfo.MetaGraph metaGraph;
    private final SavedModelBundle bundle;
    /** Held shared by each run and exclusively by {@link #close}, so a close waits for the runs in flight. */
    private final ReentrantReadWriteLock runs = new ReentrantReadWriteLock();

    private volatile boolean closing;
    private volatile boolean closed;
    private CallHook hook = () -> {};

    /** Called inside each run's in-flight window, after the run and before the outputs are returned (tests). */
    @FunctionalInterface
    interface CallHook {
        void inFlight() throws InterruptedException;
    }

    private LoadedSavedModel(SavedModelInfo info, SavedModelInfo.MetaGraph metaGraph, SavedModelBundle bundle) {
        this.info = info;
        this.metaGraph = metaGraph;
        this.bundle = bundle;
    }

    /** Loads the {@code serve} MetaGraph under {@code dir} with TensorFlow's default session configuration. */
    public static LoadedSavedModel load(Path dir) {
        return load(dir, null, ServingSignature.TAG);
    }

    /**
     * Loads the MetaGraph tagged exactly {@code tags} under {@code dir} (resolved as {@link SavedModelInfo#resolve}:
     * the directory itself or its highest numeric version).
     *
     * @param config the session configuration, or null for TensorFlow's defaults; an int8 graph gets it through
     *     {@link Int8Graph#sessionConfig} (grappler off)
     * @throws IllegalArgumentException if there is no SavedModel under {@code dir}, or no tags are given
     * @throws SavedModelException if it is corrupt, has no MetaGraph with these tags, or TensorFlow cannot load it
     */
    public static LoadedSavedModel load(Path dir, ConfigProto config, String... tags) {
        if (tags == null || tags.length == 0 || Arrays.stream(tags).anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("tags: at least one non-blank tag is required, e.g. serve");
        }
        SavedModelInfo info = SavedModelInfo.read(dir);
        SavedModelInfo.MetaGraph mg = info.metaGraph(List.of(tags));
        if (mg.hasVariables() && !Files.isRegularFile(info.dir().resolve(SavedModelInfo.VARIABLES_PREFIX + ".index"))) {
            // TensorFlow's loader skips the restore when the index is missing and the first run then fails with
            // "uninitialized value": say what is wrong instead.
            throw new SavedModelException("SavedModel " + info.dir() + " has variables, but "
                    + SavedModelInfo.VARIABLES_PREFIX + ".index is missing (an incomplete copy?)");
        }
        SavedModelBundle.Loader loader =
                SavedModelBundle.loader(info.dir().toString()).withTags(tags);
        ConfigProto effective = mg.int8() ? Int8Graph.sessionConfig(config) : config;
        if (effective != null) {
            loader.withConfigProto(effective);
        }
        SavedModelBundle bundle = SavedModelException.tensorFlow("cannot load SavedModel " + info.dir(), loader::load);
        return new LoadedSavedModel(info, mg, bundle);
    }

    /** The resolved directory (a version directory when a base directory was given). */
    public Path dir() {
        return info.dir();
    }

    /** The MetaGraph's tag set. */
    public Set<String> tags() {
        return metaGraph.tags();
    }

    /** The callable signatures, sorted by key. */
    public List<SignatureInfo> signatures() {
        return metaGraph.signatures();
    }

    /**
     * The signature {@code key}; with a null key the default one, {@code serving_default} or else the only one.
     *
     * @throws IllegalArgumentException naming the available keys if there is no such signature
     */
    public SignatureInfo signature(String key) {
        return info.signature(metaGraph, "signature", key);
    }

    /** The underlying bundle (owned by this object). */
    public SavedModelBundle bundle() {
        if (closed) {
            throw new ClosedException(dir());
        }
        return bundle;
    }

    /** Whether the session and graph are closed (after {@link #close()}, once the runs in flight finished). */
    public boolean isClosed() {
        return closed;
    }

    /** Whether {@link #close()} was called: new runs are refused, those in flight may still be finishing. */
    public boolean isClosing() {
        return closing;
    }

    /** The number of runs in flight now. */
    public int inFlight() {
        return runs.getReadLockCount();
    }

    /** Sets the hook called inside each run's in-flight window, after the run (tests). */
    void hook(CallHook hook) {
        this.hook = hook;
    }

    /**
     * Runs the default signature (see {@link #signature}) on its only input, e.g. {@code images} of the exported
     * ResNets, and copies every output to the heap. Thread-safe.
     *
     * @return the outputs by name
     * @throws IllegalArgumentException if there is no default signature, it has several inputs, or {@code input} does
     *     not fit the declared shape (see {@link #run(String, Map)})
     * @throws ClosedException if {@link #close()} has been called
     * @throws SavedModelException if TensorFlow fails to run it
     */
    public Map<String, FloatValues> predict(FloatValues input) {
        SignatureInfo sig = signature(null);
        if (sig.inputs().size() != 1) {
            throw new IllegalArgumentException(
                    "input: signature '" + sig.key() + "' takes " + sig.inputs().keySet() + "; use run(key, inputs)");
        }
        return run(sig.key(), Map.of(sig.inputs().keySet().iterator().next(), input));
    }

    /**
     * Runs signature {@code key} (null: the default one, see {@link #signature}) on float32 inputs and copies its
     * float32 outputs to the heap.
     *
     * @param inputs one value per signature input, by input name
     * @return the outputs by name, sorted
     * @throws IllegalArgumentException if an input is missing, unknown, not declared float32, or its shape does not
     *     fit the declared one (rank, fixed dimensions) or has a zero dimension; checked before anything is fed
     * @throws ClosedException if {@link #close()} has been called
     * @throws SavedModelException if an output is not float32 or the run fails
     */
    public Map<String, FloatValues> run(String key, Map<String, FloatValues> inputs) {
        return run(key, inputs, (name, t) -> {
            if (!(t instanceof TFloat32 f)) {
                throw new SavedModelException(
                        "output '" + name + "' is " + Dtypes.name(t.dataType()) + "; only float32 outputs are copied");
            }
            return FloatValues.of(f);
        });
    }

    /** {@link #run(String, Map)} with each output, by name, turned into a {@code T} while its tensor is open. */
    <T> Map<String, T> run(String key, Map<String, FloatValues> inputs, BiFunction<String, Tensor, T> copy) {
        SignatureInfo sig = signature(key);
        if (inputs == null || !sig.inputs().keySet().equals(inputs.keySet())) {
            throw new IllegalArgumentException("inputs: signature '" + sig.key() + "' takes "
                    + sig.inputs().keySet() + ", got " + (inputs == null ? "null" : inputs.keySet()));
        }
        sig.inputs().forEach((name, spec) -> {
            if (spec.dtype() != DataType.DT_FLOAT) {
                throw new IllegalArgumentException("inputs: '" + name + "' is " + Dtypes.name(spec.dtype())
                        + (spec.dtype() == DataType.DT_STRING
                                ? "; feed encoded images with runEncoded(key, images)"
                                : "; only float32 inputs can be fed here"));
            }
            checkShape(name, spec, inputs.get(name));
        });
        Map<String, Supplier<Tensor>> args = new LinkedHashMap<>();
        inputs.forEach((name, v) -> args.put(name, v::toTensor));
        return call(sig, args, copy);
    }

    /**
     * Runs signature {@code key} (null: {@code serving_bytes}), whose only input is a string vector {@code [-1]}, on
     * encoded image files and copies its float32 outputs to the heap. Thread-safe. The whole batch fails if one image
     * cannot be decoded (TensorFlow's decoder message, e.g. {@code Unknown image file format}); run one image per
     * call to get per-image errors.
     *
     * @param images the files' bytes (JPEG, PNG, GIF or BMP), at least one
     * @return the outputs by name, sorted
     * @throws IllegalArgumentException if there is no such signature, it does not take one string vector, or {@code
     *     images} is null, empty or holds a null
     * @throws ClosedException if {@link #close()} has been called
     * @throws SavedModelException if TensorFlow fails to run it (a corrupt image among them)
     */
    public Map<String, FloatValues> runEncoded(String key, List<byte[]> images) {
        return runEncoded(key, images, (name, t) -> {
            if (!(t instanceof TFloat32 f)) {
                throw new SavedModelException(
                        "output '" + name + "' is " + Dtypes.name(t.dataType()) + "; only float32 outputs are copied");
            }
            return FloatValues.of(f);
        });
    }

    /** {@link #runEncoded(String, List)} with each output turned into a {@code T} while its tensor is open. */
    <T> Map<String, T> runEncoded(String key, List<byte[]> images, BiFunction<String, Tensor, T> copy) {
        SignatureInfo sig = signature(key == null ? ServingSignature.BYTES_KEY : key);
        String name = encodedInput(sig);
        encodedTensor(name, images).close(); // validates before anything runs
        return call(sig, Map.of(name, () -> encodedTensor(name, images)), copy);
    }

    /**
     * The name of {@code sig}'s only input if it is a string vector ({@code [-1]} or {@code [N]}).
     *
     * @throws IllegalArgumentException otherwise
     */
    static String encodedInput(SignatureInfo sig) {
        if (sig.inputs().size() == 1) {
            var e = sig.inputs().entrySet().iterator().next();
            TensorSpec spec = e.getValue();
            if (spec.dtype() == DataType.DT_STRING
                    && !spec.shape().isUnknown()
                    && spec.shape().numDimensions() == 1) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("signature: '" + sig.key() + "' takes " + sig.inputs()
                + "; encoded images need a signature with one string [-1] input, e.g. " + ServingSignature.BYTES_KEY);
    }

    /**
     * A string vector of the files' bytes; close it.
     *
     * @throws IllegalArgumentException naming {@code name} if {@code images} is null, empty or holds a null
     */
    static TString encodedTensor(String name, List<byte[]> images) {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException(name + ": at least one encoded image is needed");
        }
        for (int i = 0; i < images.size(); i++) {
            if (images.get(i) == null) {
                throw new IllegalArgumentException(name + ": image " + i + " is null");
            }
        }
        return TString.tensorOfBytes(NdArrays.vectorOfObjects(images.toArray(new byte[0][])));
    }

    /** Runs {@code sig} on the tensors the suppliers create (closed afterwards), counted as a run in flight. */
    private <T> Map<String, T> call(
            SignatureInfo sig, Map<String, Supplier<Tensor>> inputs, BiFunction<String, Tensor, T> copy) {
        if (closing) {
            throw new ClosedException(dir());
        }
        runs.readLock().lock();
        Map<String, Tensor> args = new LinkedHashMap<>();
        try {
            if (closing) {
                throw new ClosedException(dir());
            }
            inputs.forEach((name, v) -> args.put(name, v.get()));
            Map<String, T> out = SavedModelException.tensorFlow(
                    "running signature '" + sig.key() + "' of " + dir() + " failed", () -> {
                        try (Result r = bundle.function(sig.key()).call(args)) {
                            Map<String, T> values = new LinkedHashMap<>();
                            for (String name : sig.outputs().keySet()) {
                                Tensor t = r.get(name)
                                        .orElseThrow(
                                                () -> new SavedModelException("output " + name + " was not returned"));
                                values.put(name, copy.apply(name, t));
                            }
                            return values;
                        }
                    });
            hook.inFlight();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SavedModelException("interrupted in the call hook", e);
        } finally {
            args.values().forEach(Tensor::close);
            runs.readLock().unlock();
        }
    }

    /**
     * Fails unless {@code value}'s shape fits {@code spec}'s: same rank, equal fixed dimensions, no dimension 0 (an
     * empty batch has nothing to compute).
     */
    static void checkShape(String name, TensorSpec spec, FloatValues value) {
        if (value == null) {
            throw new IllegalArgumentException("inputs: '" + name + "' is null");
        }
        Shape declared = spec.shape();
        Shape fed = value.shape();
        if (!declared.isUnknown() && declared.numDimensions() != fed.numDimensions()) {
            throw new IllegalArgumentException("inputs: '" + name + "' must have rank " + declared.numDimensions()
                    + " (declared " + spec + "), got shape " + Dtypes.shape(fed));
        }
        for (int i = 0; i < fed.numDimensions(); i++) {
            if (fed.get(i) == 0) {
                throw new IllegalArgumentException("inputs: '" + name + "' has shape " + Dtypes.shape(fed)
                        + "; every dimension must be >= 1 (declared " + spec + ")");
            }
            if (!declared.isUnknown() && declared.get(i) >= 0 && declared.get(i) != fed.get(i)) {
                throw new IllegalArgumentException("inputs: '" + name + "' is declared " + spec + ", so dimension " + i
                        + " must be " + declared.get(i) + ", got shape " + Dtypes.shape(fed));
            }
        }
    }

    /**
     * Refuses new runs, waits for the runs in flight, then closes the session and graph; idempotent. An interrupt does
     * not cut the wait short (closing under a running call would free its memory); the interrupt status is kept.
     */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Refuses new runs and waits at most {@code timeout} for the runs in flight; closes the session and graph if they
     * finished.
     *
     * @param timeout the longest wait; null: as long as it takes, uninterruptibly ({@link #close()})
     * @return true if closed; false (timed out or interrupted) leaves it open under the running calls: call {@link
     *     #close()} later, or let the process exit
     */
    public boolean close(Duration timeout) {
        closing = true;
        try {
            if (timeout == null) {
                runs.writeLock().lock();
            } else if (!runs.writeLock().tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
            return true;
        } finally {
            runs.writeLock().unlock();
        }
    }

    /** A run, or a use of the session, after {@link #close()}. */
    public static final class ClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClosedException(Path dir) {
            super("SavedModel " + dir + " is closed; load it again to run it");
        }
    }
}
