/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.preprocess.EncodedImages;
import dev.slimport.resnet.preprocess.ImageFormatException;
import dev.slimport.resnet.preprocess.ImageHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;
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
 * The images an int8 quantization is calibrated on ({@code --calibration DIR|synthetic}, {@code
 * --calibration-batches N}): a fixed, deterministic sequence of float32 NHWC batches {@code [batchSize, height, width,
 * 3]} that {@code Int8Quantization.calibrate} runs the fp32 graph over.
 *
 * <ul>
 *   <li>{@link #synthetic}: seeded uniform batches, batch {@code k} is {@link FloatValues#uniform} of seed {@code seed
 *       + k} in {@code [low, high)} — with {@code forward}'s seed and {@code [0, 1)} batch 0 is exactly {@code
 *       forward --input fixed}'s host tensor, the distribution of its {@code random_uniform} input too.
 *   <li>{@link #images}: the image files under a folder (subfolders included, paths sorted, the extensions TF's {@code
 *       decode_image} reads: {@link #IMAGE_EXTENSIONS}), the first {@code batches × batchSize} of them, each through
 *       slim's eval preprocessing ({@link EncodedImages#evalBatch}: decode, central crop 0.875, bilinear resize, {@code
 *       (x - 0.5) · 2}, values in [-1, 1]) — what {@code eval} and the {@code serving_bytes} signature apply. When the
 *       folder holds fewer images, the set cycles through them again so that every batch is full (a fixed-batch graph
 *       takes no partial batch); {@link #images()} counts the distinct ones.
 * </ul>
 *
 * <p>{@link #iterator()} yields the batches lazily, one tensor alive at a time: each batch is closed when the next
 * one is asked for, the last when {@code hasNext()} turns false; an iterator can be walked again, giving the same
 * values. A consumer must not keep a batch past its next {@code next()} call. A partly walked iterator leaves its
 * current batch for the garbage collector; walk it to the end, as {@code calibrate} does.
 */
public final class CalibrationSet implements Iterable<TFloat32> {

    /** The default {@code --calibration-batches}: see docs/cli.md for how it was chosen. */
    public static final int DEFAULT_BATCHES = 4;

    /** The most batches a calibration set takes. */
    public static final int MAX_BATCHES = 10_000;

    /** The extensions of the image files a folder contributes (case-insensitive): TF's decode_image formats. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

    /** The largest image file read (bytes). */
    public static final long MAX_IMAGE_BYTES = 64L << 20;

    /** The {@code --calibration} value of the synthetic set. */
    public static final String SYNTHETIC = "synthetic";

    private final Shape batchShape;
    private final int batches;
    private final long seed;
    private final float low;
    private final float high;
    private final Path folder;
    private final List<Path> files;

    private CalibrationSet(
            Shape batchShape, int batches, long seed, float low, float high, Path folder, List<Path> files) {
        this.batchShape = batchShape;
        this.batches = batches;
        this.seed = seed;
        this.low = low;
        this.high = high;
        this.folder = folder;
        this.files = files;
    }

    /**
     * {@code batches} seeded uniform batches in {@code [low, high)}.
     *
     * @throws IllegalArgumentException naming {@code calibration-batches} or the size, out of range
     */
    public static CalibrationSet synthetic(
            int batches, int batchSize, int height, int width, long seed, float low, float high) {
        Shape shape = checked(batches, batchSize, height, width);
        if (!(low < high)) {
            throw new IllegalArgumentException("low/high: need low < high, got " + low + ", " + high);
        }
        return new CalibrationSet(shape, batches, seed, low, high, null, List.of());
    }

    /**
     * The first {@code batches × batchSize} image files under {@code folder} through slim's eval preprocessing at
     * {@code height × width}. Lists the folder now (every file's header is read when its batch is made).
     *
     * @throws IllegalArgumentException naming {@code calibration} when {@code folder} is not a readable directory or
     *     holds no image file, or naming {@code calibration-batches} or the size, out of range
     */
    public static CalibrationSet images(Path folder, int batches, int batchSize, int height, int width) {
        Shape shape = checked(batches, batchSize, height, width);
        if (folder == null) {
            throw new IllegalArgumentException("calibration: a folder is required");
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("calibration: " + folder
                    + (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) ? " is not a directory" : " does not exist")
                    + "; allowed: a folder of image files (" + String.join(", ", sortedExtensions()) + ") or "
                    + SYNTHETIC);
        }
        List<Path> found;
        try (Stream<Path> s = Files.walk(folder)) {
            found = s.filter(Files::isRegularFile)
                    .filter(p -> IMAGE_EXTENSIONS.contains(extension(p)))
                    .sorted()
                    .limit((long) batches * batchSize)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("calibration: cannot list " + folder + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("calibration: " + folder + " holds no image file (extensions "
                    + String.join(", ", sortedExtensions()) + ", subfolders included); allowed: such a folder or "
                    + SYNTHETIC);
        }
        return new CalibrationSet(shape, batches, 0, -1f, 1f, folder, found);
    }

    private static Shape checked(int batches, int batchSize, int height, int width) {
        if (batches < 1 || batches > MAX_BATCHES) {
            throw new IllegalArgumentException(
                    "calibration-batches: must be in 1.." + MAX_BATCHES + ", got " + batches);
        }
        if (batchSize < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "batch-size/image-size: must be >= 1, got " + batchSize + ", " + height + "x" + width);
        }
        Shape shape = Shape.of(batchSize, height, width, 3);
        if (shape.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "batch-size: a calibration batch of shape " + shape + " holds more than 2^31-1 values");
        }
        return shape;
    }

    /** Whether this is the synthetic set. */
    public boolean isSynthetic() {
        return folder == null;
    }

    /** The folder of an image set; null for the synthetic one. */
    public Path folder() {
        return folder;
    }

    /** The number of batches. */
    public int batches() {
        return batches;
    }

    /** The shape of every batch, {@code [batchSize, height, width, 3]}. */
    public Shape batchShape() {
        return batchShape;
    }

    /** The images the batches hold: {@code batches × batchSize}. */
    public long imagesFed() {
        return batches * batchShape.get(0);
    }

    /** The distinct images: {@link #imagesFed()}, or for a folder with fewer images, the files found. */
    public long images() {
        return isSynthetic() ? imagesFed() : files.size();
    }

    /** One line for reports, e.g. {@code synthetic uniform [0, 1), seed 0: 4 batches of 32 (128 images)}. */
    public String describe() {
        String what = isSynthetic()
                ? String.format(Locale.ROOT, "synthetic uniform [%s, %s), seed %d", num(low), num(high), seed)
                : folder + " (slim's eval preprocessing)";
        String count = images() == imagesFed()
                ? imagesFed() + " images"
                : imagesFed() + " images, cycling through " + images() + " files";
        return what + ": " + batches + (batches == 1 ? " batch" : " batches") + " of " + batchShape.get(0) + " ("
                + count + ")";
    }

    private static String num(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }

    /**
     * The batches, made lazily; each is closed when the next is asked for, the last when {@code hasNext()} returns
     * false.
     *
     * @throws IllegalArgumentException from {@code next()}, naming {@code calibration} and the file, for an image file
     *     that cannot be read or decoded
     */
    @Override
    public Iterator<TFloat32> iterator() {
        return new Batches();
    }

    private final class Batches implements Iterator<TFloat32> {
        private int next;
        private TFloat32 current;
        private Preprocessing preprocessing;

        @Override
        public boolean hasNext() {
            if (next < batches) {
                return true;
            }
            release();
            return false;
        }

        @Override
        public TFloat32 next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            closeCurrent();
            int k = next++;
            try {
                current = isSynthetic()
                        ? FloatValues.uniform(batchShape, seed + k, low, high).toTensor()
                        : preprocessing().batch(encoded(k));
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
            if (next == batches && preprocessing != null) {
                preprocessing.close();
                preprocessing = null;
            }
            return current;
        }

        private List<byte[]> encoded(int k) {
            int size = (int) batchShape.get(0);
            List<byte[]> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Path p = files.get((int) (((long) k * size + i) % files.size()));
                out.add(read(p));
            }
            return out;
        }

        private Preprocessing preprocessing() {
            if (preprocessing == null) {
                preprocessing = new Preprocessing((int) batchShape.get(1), (int) batchShape.get(2));
            }
            return preprocessing;
        }

        private void closeCurrent() {
            if (current != null) {
                current.close();
                current = null;
            }
        }

        private void release() {
            closeCurrent();
            if (preprocessing != null) {
                preprocessing.close();
                preprocessing = null;
            }
        }
    }

    private static byte[] read(Path p) {
        try {
            long size = Files.size(p);
            if (size > MAX_IMAGE_BYTES) {
                throw new IllegalArgumentException("calibration: " + p + " is " + size + " bytes, more than the "
                        + MAX_IMAGE_BYTES + " an image file may have");
            }
            byte[] bytes = Files.readAllBytes(p);
            ImageHeader.read(bytes);
            return bytes;
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException("calibration: " + p + " is not a readable image: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("calibration: cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** slim's eval preprocessing of encoded images in a graph of its own. */
    private static final class Preprocessing implements AutoCloseable {
        private final Graph graph = new Graph();
        private final Session session;
        private final Placeholder<TString> encoded;
        private final Operand<TFloat32> images;

        Preprocessing(int height, int width) {
            try {
                Ops tf = Ops.create(graph);
                encoded = tf.withName("encoded").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                images = EncodedImages.evalBatch(tf, encoded, height, width);
                session = new Session(graph);
            } catch (RuntimeException | Error e) {
                graph.close();
                throw e;
            }
        }

        TFloat32 batch(List<byte[]> files) {
            try (TString in = TString.tensorOfBytes(NdArrays.vectorOfObjects(files.toArray(new byte[0][])));
                    Result r = session.runner().feed(encoded, in).fetch(images).run()) {
                // The Result closes its tensors: copy the batch out into a tensor the caller owns.
                return FloatValues.of((TFloat32) r.get(0)).toTensor();
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } finally {
                graph.close();
            }
        }
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static List<String> sortedExtensions() {
        return IMAGE_EXTENSIONS.stream().sorted().toList();
    }
}
