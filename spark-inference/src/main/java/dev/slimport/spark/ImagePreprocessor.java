/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.resnet.preprocess.ImageFormatException;
import dev.slimport.resnet.preprocess.ImageHeader;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * One encoded image to the model's input, in a small TensorFlow graph of its own: {@link ImageHeader} first (bytes
 * that are no JPEG, PNG, GIF or BMP, and images over {@link ImageHeader#DEFAULT_MAX_PIXELS} pixels, are refused
 * before anything is decoded), then the library's {@link InceptionPreprocessing#decode} (TensorFlow's decoders,
 * {@code decode_image(channels=3)}) and {@link InceptionPreprocessing#forEval} ({@code preprocess_for_eval}: central
 * crop, TF1 bilinear resize, {@code (x - 0.5) * 2}). Each image is one session run, so each image succeeds or fails
 * alone: a bad file is one {@link UnreadableImageException}, never a failed batch.
 *
 * <p>It owns its graph and session. Runs are thread-safe and concurrent (the tasks of one executor share it); {@link
 * #close(Duration)} refuses new runs and waits for the running ones before it frees the native resources.
 */
public final class ImagePreprocessor implements AutoCloseable {
    private final Preprocessing spec;
    private final Graph graph;
    private final Session session;
    private final Placeholder<TString> encoded;
    private final Operand<TFloat32> image;
    private final ReentrantReadWriteLock runs = new ReentrantReadWriteLock();
    private volatile boolean closing;
    private boolean closed;

    /** A preprocessing graph and session for {@code spec}; close it. */
    public ImagePreprocessor(Preprocessing spec) {
        this.spec = spec;
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph).withSubScope("preprocess");
            encoded = tf.withName("encoded").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            image = InceptionPreprocessing.forEval(
                    tf,
                    InceptionPreprocessing.decode(tf, encoded),
                    spec.height(),
                    spec.width(),
                    spec.centralFraction());
            session = new Session(graph);
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /** What this preprocessor does. */
    public Preprocessing spec() {
        return spec;
    }

    /**
     * Preprocesses one encoded image into {@code out}.
     *
     * @param bytes the file's bytes (JPEG, PNG, GIF or BMP)
     * @param out receives {@link Preprocessing#floatsPerImage()} values at {@code offset}
     * @throws UnreadableImageException if the bytes are no image of those formats, the image is too large (from its
     *     header, not decoded), or TensorFlow's decoder rejects it (message {@code cannot decode image: ...})
     * @throws ClosedException if {@link #close} has been called
     */
    public void preprocess(byte[] bytes, float[] out, int offset) throws UnreadableImageException {
        try {
            ImageHeader.read(bytes).requirePixelsAtMost(ImageHeader.DEFAULT_MAX_PIXELS);
        } catch (ImageFormatException e) {
            throw new UnreadableImageException(e.getMessage());
        }
        if (closing) {
            throw new ClosedException();
        }
        runs.readLock().lock();
        try {
            if (closing) {
                throw new ClosedException();
            }
            try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
                    Result r = session.runner().feed(encoded, in).fetch(image).run()) {
                ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out, offset, spec.floatsPerImage());
            } catch (RuntimeException e) {
                // TensorFlow's status exceptions (TFInvalidArgumentException, ...) share no base class but their
                // package; anything else is not the image's fault and fails the task.
                if (!e.getClass().getName().startsWith("org.tensorflow.exceptions.")) {
                    throw e;
                }
                throw new UnreadableImageException("cannot decode image: " + firstLine(e));
            }
        } finally {
            runs.readLock().unlock();
        }
    }

    /** {@link #preprocess(byte[], float[], int)} into a new array. */
    public float[] preprocess(byte[] bytes) throws UnreadableImageException {
        float[] out = new float[spec.floatsPerImage()];
        preprocess(bytes, out, 0);
        return out;
    }

    private static String firstLine(RuntimeException e) {
        String m = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    /** Closes once no run is in flight, waiting as long as it takes. */
    @Override
    public void close() {
        close(Duration.ofDays(365));
    }

    /**
     * Refuses new runs, waits at most {@code wait} for the running ones, then frees the graph and session.
     *
     * @return whether it was closed (false: a run was still in flight after {@code wait}; nothing was freed)
     */
    public boolean close(Duration wait) {
        closing = true;
        try {
            if (!runs.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            if (!closed) {
                closed = true;
                try {
                    session.close();
                } finally {
                    graph.close();
                }
            }
            return true;
        } finally {
            runs.writeLock().unlock();
        }
    }

    /** A run on a preprocessor that is closing or closed. */
    public static final class ClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("the image preprocessor is closed");
        }
    }
}
