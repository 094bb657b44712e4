/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariable;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableDataType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableShape;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.TF_CheckpointReader;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Reads a TensorFlow checkpoint by key, the Java counterpart of {@code tf.train.load_checkpoint} ({@code
 * py_checkpoint_reader.NewCheckpointReader}), which slim's {@code assign_from_checkpoint} uses. Both formats are
 * read: V2 ({@code PREFIX.index} + {@code PREFIX.data-*}, what {@code Session.save} writes) and V1 (one {@code
 * PREFIX} file, e.g. the official {@code resnet_v2_50.ckpt}).
 *
 * <p>TF Java has no public API for this; the class wraps the C API's {@code TF_NewCheckpointReader} family from
 * {@code org.tensorflow.internal.c_api} and is the only place in the project that touches it. It owns the native
 * reader: close it (try-with-resources). Not thread-safe beyond its synchronized methods.
 */
public final class CheckpointReader implements AutoCloseable {
    private final Path prefix;
    private final Map<String, CheckpointEntry> entries;
    private TF_CheckpointReader handle;

    private CheckpointReader(Path prefix, TF_CheckpointReader handle, Map<String, CheckpointEntry> entries) {
        this.prefix = prefix;
        this.handle = handle;
        this.entries = entries;
    }

    /**
     * Opens the checkpoint at {@code prefix}.
     *
     * @throws IllegalArgumentException if no checkpoint exists at {@code prefix} (checked before any native call)
     * @throws SavedModelException if the files exist but cannot be read as a checkpoint
     */
    public static CheckpointReader open(Path prefix) {
        Path p = checkPrefix("checkpoint", prefix);
        TF_CheckpointReader reader;
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            reader = TF_NewCheckpointReader(p.toString(), status);
            check(status, "checkpoint " + p + " cannot be read");
        }
        try {
            return new CheckpointReader(p, reader, Collections.unmodifiableMap(list(reader, p)));
        } catch (RuntimeException e) {
            TF_DeleteCheckpointReader(reader);
            throw e;
        }
    }

    /**
     * Checks that a checkpoint exists at {@code prefix}: {@code PREFIX.index} (V2), the file {@code PREFIX} (V1), or
     * V1 shards {@code PREFIX-?????-of-?????}.
     *
     * @param argument the argument name for the message, e.g. {@code checkpoint}
     * @return the absolute, normalized prefix
     * @throws IllegalArgumentException naming {@code argument} if there is none
     */
    public static Path checkPrefix(String argument, Path prefix) {
        if (prefix == null || prefix.toString().isEmpty()) {
            throw new IllegalArgumentException(argument + ": a checkpoint prefix is required, e.g. DIR/model.ckpt");
        }
        Path p = prefix.toAbsolutePath().normalize();
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException(
                    argument + ": " + p + " is a directory; give the checkpoint prefix, e.g. " + p.resolve("model.ckpt")
                            + " for model.ckpt.index + model.ckpt.data-00000-of-00001");
        }
        String stripped = name.replaceFirst("\\.(index|data-\\d{5}-of-\\d{5})$", "");
        if (!stripped.equals(name) && Files.isRegularFile(p.resolveSibling(stripped + ".index"))) {
            throw new IllegalArgumentException(argument + ": " + p
                    + " is a file of a checkpoint; give the prefix without the .index/.data-* suffix," + " e.g. "
                    + p.resolveSibling(stripped));
        }
        if (Files.isRegularFile(p.resolveSibling(name + ".index")) || Files.isRegularFile(p) || hasV1Shards(p, name)) {
            return p;
        }
        throw new IllegalArgumentException(argument + ": no checkpoint at prefix " + p + ": neither " + name
                + ".index (V2 format) nor " + name + " (V1 format) exists");
    }

    private static boolean hasV1Shards(Path p, String name) {
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, name + "-?????-of-?????")) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, CheckpointEntry> list(TF_CheckpointReader reader, Path prefix) {
        Map<String, CheckpointEntry> out = new TreeMap<>();
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            for (int i = 0; i < TF_CheckpointReaderSize(reader); i++) {
                String name = TF_CheckpointReaderGetVariable(reader, i).getString();
                int rank = TF_CheckpointReaderGetVariableNumDims(reader, name);
                long[] dims = new long[rank];
                TF_CheckpointReaderGetVariableShape(reader, name, dims, rank, status);
                check(status, "checkpoint " + prefix + ": cannot read the shape of " + name);
                DataType dtype = DataType.forNumber(TF_CheckpointReaderGetVariableDataType(reader, name));
                out.put(name, new CheckpointEntry(name, dtype == null ? DataType.DT_INVALID : dtype, Shape.of(dims)));
            }
        }
        return out;
    }

    /** The checkpoint prefix. */
    public Path prefix() {
        return prefix;
    }

    /** Every tensor in the checkpoint, sorted by key. */
    public List<CheckpointEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entry named {@code key}, if any. */
    public Optional<CheckpointEntry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Reads the float32 tensor {@code key} into a new tensor the caller closes.
     *
     * @throws IllegalArgumentException if there is no such key or it is not float32
     * @throws SavedModelException if the data cannot be read (e.g. a checksum error)
     */
    public synchronized TFloat32 readFloat32(String key) {
        checkOpen();
        CheckpointEntry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("key: '" + key + "' is not in checkpoint " + prefix);
        }
        if (e.dtype() != DataType.DT_FLOAT) {
            throw new IllegalArgumentException("key: '" + key + "' is " + Dtypes.name(e.dtype()) + ", not float32");
        }
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            TF_Tensor t = TF_CheckpointReaderGetTensor(handle, key, status);
            check(status, "checkpoint " + prefix + ": cannot read " + key);
            try {
                long bytes = TF_TensorByteSize(t);
                if (bytes != e.shape().size() * Float.BYTES) {
                    throw new SavedModelException(
                            "checkpoint " + prefix + ": " + key + " holds " + bytes + " bytes, expected "
                                    + e.shape().size() * Float.BYTES + " for float32 " + Dtypes.shape(e.shape()));
                }
                BytePointer data = new BytePointer(TF_TensorData(t)).capacity(bytes);
                return Tensor.of(TFloat32.class, e.shape(), DataBuffers.of(data.asByteBuffer()));
            } finally {
                TF_DeleteTensor(t);
            }
        }
    }

    private static void check(TF_Status status, String what) {
        SavedModelException.tensorFlow(what, () -> {
            status.throwExceptionIfNotOK();
            return null;
        });
    }

    private void checkOpen() {
        if (handle == null) {
            throw new IllegalStateException("the checkpoint reader of " + prefix + " is closed");
        }
    }

    /** Releases the native reader; idempotent. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            TF_DeleteCheckpointReader(handle);
            handle = null;
        }
    }
}
