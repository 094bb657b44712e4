/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.preprocess.ImageFormatException;
import dev.slimport.resnet.preprocess.ImageHeader;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.savedmodel.CheckpointReader;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.TensorSpec;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Classifies encoded images (JPEG, PNG, GIF, BMP) with a ResNet v2: what slim's {@code eval_image_classifier.py}
 * does to each image — TensorFlow's decoder, {@code inception_preprocessing.preprocess_for_eval} ({@link
 * InceptionPreprocessing#evalFromEncoded}: central crop 0.875, bilinear resize, values in [-1, 1]), the network, the
 * softmax of the logits — reported as the top-k classes with their labels. It owns its native resources (graphs,
 * sessions, the loaded SavedModel): close it.
 *
 * <ul>
 *   <li>{@link #open} loads a SavedModel. If it has the signature {@code serving_bytes} (input {@code image_bytes},
 *       string {@code [-1]}: the preprocessing is inside the exported graph), the encoded images are fed to it
 *       as they are. Otherwise {@code serving_default} (float {@code images [-1,H,W,3]}) is fed by a small graph of
 *       this class that runs {@link InceptionPreprocessing#evalFromEncoded} on each image at the input's size (or
 *       {@link Options#imageSize()} when the export has a dynamic size).
 *   <li>{@link #fromCheckpoint} builds the same preprocessing graph and the inference graph of a {@link NetworkSpec}
 *       ({@link InferenceModel}: {@code is_training=False}, global pool, squeezed logits), and restores every
 *       variable from a slim checkpoint by name ({@link InferenceModel#restore}).
 * </ul>
 *
 * <p>Each image succeeds or fails alone: an unreadable file, bytes that are no image ({@link ImageHeader} names
 * what they start with), an image too large to decode (refused from its header, before decoding) or one
 * TensorFlow's decoder rejects (a corrupt or truncated JPEG) gives a {@link Classification} with an error, and the
 * other images are still classified. Images go through the network in batches of {@link Options#batchSize()}.
 * Methods are synchronized: one call at a time.
 *
 * <pre>{@code
 * try (ImageClassifier c = ImageClassifier.fromCheckpoint(Path.of("resnet_v2_50.ckpt"),
 *         NetworkSpec.of(Depth.D50).withNumClasses(1001))) {
 *   for (Classification r : c.classifyFiles(List.of(Path.of("photo.jpg")), 5)) {
 *     r.top().forEach(p -> System.out.println(p.rank() + " " + p.label() + " " + p.probability()));
 *   }
 * }
 * }</pre>
 */
public final class ImageClassifier implements AutoCloseable {

    /** {@link #classifyFiles} holds at most a batch of files or this many encoded bytes (plus one file) at once. */
    private static final long CHUNK_BYTES = 64L << 20;

    /** Files larger than this are refused before they are read. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /** How the classifier is set up. */
    public record Options(Labels labels, int imageSize, int batchSize, long maxPixels) {
        /**
         * Labels for the model's class count ({@link Labels#imagenetFor}), the model's size, 16 images per run, at
         * most {@link ImageHeader#DEFAULT_MAX_PIXELS} pixels per image.
         */
        public static final Options DEFAULTS = new Options(null, 0, 16, ImageHeader.DEFAULT_MAX_PIXELS);

        /**
         * The validated options.
         *
         * @param labels the class labels, or null for slim's ImageNet labels (1001, or 1000 without background)
         * @param imageSize for a SavedModel with a dynamic input size, the size images are preprocessed to; 0 for
         *     {@link NetworkSpec#DEFAULT_IMAGE_SIZE}. Ignored when the model fixes its size
         * @param batchSize images per network run, at least 1
         * @param maxPixels the largest image decoded (width × height from its header); larger ones fail alone
         */
        public Options {
            if (imageSize < 0 || imageSize > InceptionPreprocessing.MAX_SIZE) {
                throw new IllegalArgumentException("image_size: must be in 1.." + InceptionPreprocessing.MAX_SIZE
                        + " (or 0 for the model's), got " + imageSize);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch_size: must be >= 1, got " + batchSize);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("max_pixels: must be >= 1, got " + maxPixels);
            }
        }

        /** A copy with {@code l} as the labels (null: ImageNet's). */
        public Options withLabels(Labels l) {
            return new Options(l, imageSize, batchSize, maxPixels);
        }

        /** A copy with preprocessing size {@code size} for dynamic-size SavedModels. */
        public Options withImageSize(int size) {
            return new Options(labels, size, batchSize, maxPixels);
        }

        /** A copy with {@code n} images per run. */
        public Options withBatchSize(int n) {
            return new Options(labels, imageSize, n, maxPixels);
        }

        /** A copy that decodes images of at most {@code n} pixels. */
        public Options withMaxPixels(long n) {
            return new Options(labels, imageSize, batchSize, n);
        }
    }

    /** Runs a batch of preprocessed-or-encoded images through the network: probabilities {@code [n][classes]}. */
    private interface Network extends AutoCloseable {
        float[][] run(List<byte[]> encoded, FloatValues preprocessed);

        @Override
        void close();
    }

    private final Network network;
    private final Preprocessor preprocessor; // null when the graph preprocesses (serving_bytes)
    private final Labels labels;
    private final int numClasses;
    private final int batchSize;
    private final long maxPixels;
    private final String description;
    private boolean closed;

    private ImageClassifier(
            Network network, Preprocessor preprocessor, Labels labels, int numClasses, Options options, String what) {
        this.network = network;
        this.preprocessor = preprocessor;
        this.labels = labels;
        this.numClasses = numClasses;
        this.batchSize = options.batchSize();
        this.maxPixels = options.maxPixels();
        this.description = what;
    }

    /** {@link #open(Path, Options)} with {@link Options#DEFAULTS}. */
    public static ImageClassifier open(Path savedModelDir) {
        return open(savedModelDir, Options.DEFAULTS);
    }

    /**
     * Loads the SavedModel under {@code savedModelDir} (the directory or its highest numeric version, tag {@code
     * serve}) for classification: through {@code serving_bytes} when it has it, else through {@code serving_default}
     * fed by this class's preprocessing.
     *
     * @throws IllegalArgumentException if there is no SavedModel there, it has neither signature in a usable form,
     *     no {@code predictions} or {@code logits} output, or the labels do not match its classes (message starts
     *     {@code labels:})
     * @throws SavedModelException if it cannot be loaded
     */
    public static ImageClassifier open(Path savedModelDir, Options options) {
        Options o = options == null ? Options.DEFAULTS : options;
        LoadedSavedModel model = LoadedSavedModel.load(savedModelDir);
        Preprocessor pre = null;
        try {
            List<String> keys =
                    model.signatures().stream().map(SignatureInfo::key).toList();
            SignatureInfo sig;
            boolean bytes = keys.contains(ServingSignature.BYTES_KEY);
            if (bytes) {
                sig = model.signature(ServingSignature.BYTES_KEY);
                TensorSpec in = sig.inputs().get(ServingSignature.IMAGE_BYTES);
                if (in == null || in.dtype() != DataType.DT_STRING) {
                    throw new IllegalArgumentException("saved-model: " + model.dir() + " has a signature '"
                            + ServingSignature.BYTES_KEY + "' but no string input '" + ServingSignature.IMAGE_BYTES
                            + "'; inputs: " + sig.inputs());
                }
            } else if (keys.contains(ServingSignature.KEY)) {
                sig = model.signature(ServingSignature.KEY);
            } else {
                throw new IllegalArgumentException("saved-model: " + model.dir() + " has neither '"
                        + ServingSignature.BYTES_KEY + "' nor '" + ServingSignature.KEY + "'; its signatures: " + keys);
            }
            String output = probabilitiesOutput(model.dir(), sig);
            int classes = (int) sig.outputs().get(output).shape().get(1);
            Labels labels = labelsFor(o.labels(), classes);
            String what;
            if (bytes) {
                what = "SavedModel " + model.dir() + ", signature " + ServingSignature.BYTES_KEY
                        + " (preprocessing in the graph)";
            } else {
                TensorSpec in = sig.inputs().get(ServingSignature.IMAGES);
                if (sig.inputs().size() != 1 || in == null || in.dtype() != DataType.DT_FLOAT) {
                    throw new IllegalArgumentException("saved-model: signature '" + sig.key() + "' of " + model.dir()
                            + " must take one float input '" + ServingSignature.IMAGES + "' [-1,H,W,3]; it takes "
                            + sig.inputs());
                }
                Shape s = in.shape();
                if (s.isUnknown() || s.numDimensions() != 4 || (s.get(3) != 3 && s.get(3) != -1)) {
                    throw new IllegalArgumentException("saved-model: input '" + ServingSignature.IMAGES + "' of "
                            + model.dir() + " must be [-1,H,W,3] (NHWC RGB), got " + in);
                }
                int fallback = o.imageSize() > 0 ? o.imageSize() : NetworkSpec.DEFAULT_IMAGE_SIZE;
                int h = s.get(1) > 0 ? (int) s.get(1) : fallback;
                int w = s.get(2) > 0 ? (int) s.get(2) : fallback;
                pre = new Preprocessor(h, w);
                what = "SavedModel " + model.dir() + ", signature " + ServingSignature.KEY + " fed " + h + "x" + w
                        + " by InceptionPreprocessing";
            }
            Network net = new SavedModelNetwork(model, sig.key(), bytes, output);
            return new ImageClassifier(net, pre, labels, classes, o, what);
        } catch (RuntimeException | Error e) {
            if (pre != null) {
                pre.close();
            }
            model.close();
            throw e;
        }
    }

    /** {@link #fromCheckpoint(Path, NetworkSpec, Options)} with {@link Options#DEFAULTS}. */
    public static ImageClassifier fromCheckpoint(Path prefix, NetworkSpec network) {
        return fromCheckpoint(prefix, network, Options.DEFAULTS);
    }

    /**
     * Builds the inference graph of {@code network} and restores all its variables from the checkpoint {@code
     * prefix} by slim name; images are preprocessed to {@code network.imageSize()} ({@link
     * Options#imageSize()} is not used).
     *
     * @throws IllegalArgumentException for a network without logits, a missing checkpoint, or labels that do not
     *     match the classes (message starts {@code labels:})
     * @throws dev.slimport.savedmodel.CheckpointMismatchException if the checkpoint lacks a variable or holds one with
     *     another shape (another depth or class count)
     */
    public static ImageClassifier fromCheckpoint(Path prefix, NetworkSpec network, Options options) {
        return fromCheckpoint(prefix, network, options, false);
    }

    /**
     * {@link #fromCheckpoint(Path, NetworkSpec, Options)}; with {@code movingAverages}, every model variable is
     * restored from its exponential moving average {@code <var>/ExponentialMovingAverage} instead, as slim's {@code
     * eval_image_classifier.py --moving_average_decay} does ({@link dev.slimport.savedmodel.AssignFromCheckpoint#restoreMovingAverages}).
     *
     * @throws IllegalArgumentException also (message starts {@code moving_average_decay:}) when {@code
     *     movingAverages} is asked of a checkpoint without moving averages
     */
    public static ImageClassifier fromCheckpoint(
            Path prefix, NetworkSpec network, Options options, boolean movingAverages) {
        Options o = options == null ? Options.DEFAULTS : options;
        if (network == null) {
            throw new IllegalArgumentException("network: must not be null");
        }
        if (network.numClasses() == 0) {
            throw new IllegalArgumentException(
                    "num_classes: a classifier needs logits; give the checkpoint's class count (1001 for slim's"
                            + " ImageNet checkpoints), got 0");
        }
        Labels labels = labelsFor(o.labels(), network.numClasses());
        CheckpointReader.checkPrefix("checkpoint", prefix);
        InferenceModel model = InferenceModel.build(network, 0, false);
        Preprocessor pre = null;
        try {
            if (movingAverages) {
                model.restoreMovingAverages(prefix, "moving_average_decay");
            } else {
                model.restore(prefix, List.of());
            }
            pre = new Preprocessor(network.imageSize(), network.imageSize());
            String what = "checkpoint " + prefix + (movingAverages ? " (moving averages)" : "") + ", "
                    + network.scope() + ", " + network.numClasses() + " classes, "
                    + network.imageSize() + "x" + network.imageSize() + " by InceptionPreprocessing";
            return new ImageClassifier(new CheckpointNetwork(model), pre, labels, network.numClasses(), o, what);
        } catch (RuntimeException | Error e) {
            if (pre != null) {
                pre.close();
            }
            model.close();
            throw e;
        }
    }

    /** The labels, one per class. */
    public Labels labels() {
        return labels;
    }

    /** The number of classes (the logits' width). */
    public int numClasses() {
        return numClasses;
    }

    /** Where the model comes from and how images reach it, for reports. */
    public String describe() {
        return description;
    }

    /** The checkpoint's inference model (its session holds the restored variables); empty for a SavedModel. */
    Optional<InferenceModel> checkpointModel() {
        return network instanceof CheckpointNetwork c ? Optional.of(c.model) : Optional.empty();
    }

    /** The SavedModel signature images go through ({@code serving_bytes} or {@code serving_default}); empty for a checkpoint. */
    public Optional<String> signature() {
        return network instanceof SavedModelNetwork s ? Optional.of(s.key) : Optional.empty();
    }

    /** Whether images are fed encoded to the SavedModel's {@code serving_bytes} signature. */
    public boolean usesServingBytes() {
        return preprocessor == null;
    }

    /** The size images are preprocessed to by this class ([height, width]); empty with {@code serving_bytes}. */
    public Optional<int[]> preprocessingSize() {
        return preprocessor == null
                ? Optional.empty()
                : Optional.of(new int[] {preprocessor.height, preprocessor.width});
    }

    /**
     * Reads and classifies image files; a file that cannot be read is a failed {@link Classification} like an
     * image that cannot be decoded. Files are read one batch at a time (at most {@link Options#batchSize()} files
     * or about 64 MB of them).
     *
     * @param topK how many classes per image, at least 1 (more than the classes: all of them)
     * @return one classification per file, in order, named by {@code Path.toString()}
     */
    public synchronized List<Classification> classifyFiles(List<Path> files, int topK) {
        checkTopK(topK);
        List<Classification> out = new ArrayList<>(files.size());
        List<Path> chunk = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        List<String> readErrors = new ArrayList<>();
        long held = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] b = null;
            String error = null;
            try {
                b = read(files.get(f));
                held += b.length;
            } catch (UnreadableException e) {
                error = e.getMessage();
            }
            chunk.add(files.get(f));
            bytes.add(b);
            readErrors.add(error);
            if (chunk.size() == batchSize || held >= CHUNK_BYTES || f == files.size() - 1) {
                ImageScores[] scores = score(bytes);
                for (int i = 0; i < chunk.size(); i++) {
                    String name = chunk.get(i).toString();
                    out.add(
                            readErrors.get(i) != null
                                    ? Classification.failed(name, readErrors.get(i))
                                    : toClassification(name, scores[i], topK));
                }
                chunk.clear();
                bytes.clear();
                readErrors.clear();
                held = 0;
            }
        }
        return out;
    }

    /**
     * Classifies encoded images.
     *
     * @param images JPEG, PNG, GIF or BMP bytes
     * @param topK how many classes per image, at least 1 (more than the classes: all of them)
     * @return one classification per image, in order, named {@code image 0}, {@code image 1}, ...
     */
    public synchronized List<Classification> classify(List<byte[]> images, int topK) {
        checkTopK(topK);
        ImageScores[] scores = scoreInBatches(images);
        List<Classification> out = new ArrayList<>(images.size());
        for (int i = 0; i < scores.length; i++) {
            out.add(toClassification("image " + i, scores[i], topK));
        }
        return out;
    }

    /**
     * The class probabilities of each encoded image (softmax of the logits), or why it has none: for evaluation.
     *
     * @return one entry per image, in order
     */
    public synchronized List<ImageScores> probabilities(List<byte[]> images) {
        return List.of(scoreInBatches(images));
    }

    /**
     * The top {@code k} of {@code probabilities} with their labels: by decreasing probability, ties broken by the
     * lower index.
     */
    public List<Prediction> topK(float[] probabilities, int k) {
        checkTopK(k);
        int n = Math.min(k, probabilities.length);
        Integer[] order = IntStream.range(0, probabilities.length).boxed().toArray(Integer[]::new);
        Arrays.sort(
                order,
                Comparator.<Integer>comparingDouble(i -> -probabilities[i]).thenComparingInt(i -> i));
        List<Prediction> top = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            int i = order[r];
            top.add(new Prediction(r + 1, i, labels.get(i), probabilities[i]));
        }
        return top;
    }

    /** Closes the network's and the preprocessing's sessions and graphs; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            network.close();
        } finally {
            if (preprocessor != null) {
                preprocessor.close();
            }
        }
    }

    private Classification toClassification(String name, ImageScores s, int topK) {
        return s.ok() ? Classification.of(name, topK(s.probabilities(), topK)) : Classification.failed(name, s.error());
    }

    private static void checkTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top_k: must be >= 1, got " + k);
        }
    }

    private ImageScores[] scoreInBatches(List<byte[]> images) {
        if (images == null) {
            throw new IllegalArgumentException("images: must not be null");
        }
        ImageScores[] out = new ImageScores[images.size()];
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            ImageScores[] part = score(images.subList(from, to));
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    /** Scores one batch; a null entry (an unreadable file) gets a placeholder error the caller replaces. */
    private ImageScores[] score(List<byte[]> images) {
        if (closed) {
            throw new IllegalStateException("the classifier is closed");
        }
        ImageScores[] out = new ImageScores[images.size()];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            byte[] b = images.get(i);
            String refused = b == null ? "unreadable" : headerError(b);
            if (refused != null) {
                out[i] = ImageScores.failed(refused);
            } else {
                todo.add(i);
            }
        }
        if (todo.isEmpty()) {
            return out;
        }
        if (preprocessor == null) {
            runEncoded(images, todo, out);
        } else {
            runPreprocessed(images, todo, out);
        }
        return out;
    }

    /** serving_bytes: the whole batch at once; if TensorFlow rejects it, each image alone to find the bad ones. */
    private void runEncoded(List<byte[]> images, List<Integer> todo, ImageScores[] out) {
        if (todo.size() > 1) {
            try {
                float[][] p = network.run(todo.stream().map(images::get).toList(), null);
                for (int j = 0; j < todo.size(); j++) {
                    out[todo.get(j)] = ImageScores.of(p[j]);
                }
                return;
            } catch (RuntimeException e) {
                if (!fromTensorFlow(e)) {
                    throw e;
                }
            }
        }
        for (int i : todo) {
            try {
                out[i] = ImageScores.of(network.run(List.of(images.get(i)), null)[0]);
            } catch (RuntimeException e) {
                if (!fromTensorFlow(e)) {
                    throw e;
                }
                out[i] = ImageScores.failed(decodeError(e));
            }
        }
    }

    /** serving_default or a checkpoint: each image preprocessed alone (its own errors), the batch run at once. */
    private void runPreprocessed(List<byte[]> images, List<Integer> todo, ImageScores[] out) {
        List<Integer> ok = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        for (int i : todo) {
            try {
                pixels.add(preprocessor.run(images.get(i)));
                ok.add(i);
            } catch (RuntimeException e) {
                if (!fromTensorFlow(e)) {
                    throw e;
                }
                out[i] = ImageScores.failed(decodeError(e));
            }
        }
        if (ok.isEmpty()) {
            return;
        }
        int per = preprocessor.height * preprocessor.width * 3;
        float[] data = new float[per * ok.size()];
        for (int j = 0; j < ok.size(); j++) {
            System.arraycopy(pixels.get(j), 0, data, j * per, per);
        }
        FloatValues batch = new FloatValues(Shape.of(ok.size(), preprocessor.height, preprocessor.width, 3), data);
        float[][] p = network.run(null, batch);
        for (int j = 0; j < ok.size(); j++) {
            out[ok.get(j)] = ImageScores.of(p[j]);
        }
    }

    /** Why {@code bytes} are refused before decoding ({@link ImageHeader}: no image, or too many pixels), or null. */
    private String headerError(byte[] bytes) {
        try {
            ImageHeader.read(bytes).requirePixelsAtMost(maxPixels);
            return null;
        } catch (ImageFormatException e) {
            return e.getMessage();
        }
    }

    private static boolean fromTensorFlow(RuntimeException e) {
        return e.getClass().getName().startsWith("org.tensorflow.")
                || (e instanceof SavedModelException
                        && e.getCause() != null
                        && e.getCause().getClass().getName().startsWith("org.tensorflow."));
    }

    private static String decodeError(RuntimeException e) {
        Throwable t = e instanceof SavedModelException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage() == null
                ? t.getClass().getSimpleName()
                : t.getMessage().strip();
        int nl = m.indexOf('\n');
        return "cannot decode: " + (nl < 0 ? m : m.substring(0, nl).strip());
    }

    /** A file that cannot be classified before it is decoded; the message is the per-file error. */
    private static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String message) {
            super(message, null, false, false);
        }
    }

    private static byte[] read(Path file) throws UnreadableException {
        try {
            if (Files.isDirectory(file)) {
                throw new UnreadableException("unreadable: is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new UnreadableException(
                        String.format(Locale.ROOT, "too large: %,d bytes (the limit is %,d)", size, MAX_FILE_BYTES));
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UnreadableException("unreadable: no such file");
        } catch (AccessDeniedException e) {
            throw new UnreadableException("unreadable: permission denied");
        } catch (IOException e) {
            throw new UnreadableException("unreadable: " + e.getMessage());
        }
    }

    private static Labels labelsFor(Labels given, int classes) {
        return given == null ? Labels.imagenetFor(classes) : given.checkCount(classes);
    }

    /** {@code predictions} [-1, C] if the signature has it, else {@code logits} [-1, C] (softmax taken here). */
    private static String probabilitiesOutput(Path dir, SignatureInfo sig) {
        for (String name : List.of(ServingSignature.PREDICTIONS, ServingSignature.LOGITS)) {
            TensorSpec t = sig.outputs().get(name);
            if (t != null) {
                if (t.dtype() != DataType.DT_FLOAT
                        || t.shape().isUnknown()
                        || t.shape().numDimensions() != 2
                        || t.shape().get(1) < 1) {
                    throw new IllegalArgumentException("saved-model: output '" + name + "' of signature '" + sig.key()
                            + "' in " + dir + " must be float [-1,C] with C known, got " + t);
                }
                return name;
            }
        }
        throw new IllegalArgumentException("saved-model: signature '" + sig.key() + "' of " + dir + " has no '"
                + ServingSignature.PREDICTIONS + "' or '" + ServingSignature.LOGITS + "' output (exported with"
                + " --num-classes 0?); its outputs: " + sig.outputs().keySet());
    }

    /** Softmax of each row, in double: {@code exp(x - max) / sum}. */
    static float[][] softmax(FloatValues logits) {
        int n = (int) logits.shape().get(0);
        int c = (int) logits.shape().get(1);
        float[][] out = new float[n][c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits.data()[i * c + j]);
            }
            double sum = 0;
            double[] e = new double[c];
            for (int j = 0; j < c; j++) {
                e[j] = Math.exp(logits.data()[i * c + j] - max);
                sum += e[j];
            }
            for (int j = 0; j < c; j++) {
                out[i][j] = (float) (e[j] / sum);
            }
        }
        return out;
    }

    private static float[][] rows(FloatValues v) {
        int n = (int) v.shape().get(0);
        int c = (int) v.shape().get(1);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(v.data(), i * c, (i + 1) * c);
        }
        return out;
    }

    /** The preprocessing graph: one encoded image (string scalar) to {@code [height, width, 3]} floats. */
    private static final class Preprocessor implements AutoCloseable {
        final int height;
        final int width;
        private final Graph graph;
        private final Session session;
        private final Placeholder<TString> encoded;
        private final Operand<TFloat32> image;

        Preprocessor(int height, int width) {
            this.height = height;
            this.width = width;
            graph = new Graph();
            try {
                Ops tf = Ops.create(graph).withSubScope("preprocess");
                encoded = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                image = InceptionPreprocessing.evalFromEncoded(tf, encoded, height, width);
                session = new Session(graph);
            } catch (RuntimeException | Error e) {
                graph.close();
                throw e;
            }
        }

        float[] run(byte[] bytes) {
            try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
                    Result r = session.runner().feed(encoded, in).fetch(image).run()) {
                return FloatValues.of((TFloat32) r.get(0)).data();
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

    /** A loaded SavedModel, through serving_bytes (encoded) or serving_default (preprocessed). */
    private static final class SavedModelNetwork implements Network {
        private final LoadedSavedModel model;
        private final String key;
        private final boolean bytes;
        private final String output;

        SavedModelNetwork(LoadedSavedModel model, String key, boolean bytes, String output) {
            this.model = model;
            this.key = key;
            this.bytes = bytes;
            this.output = output;
        }

        @Override
        public float[][] run(List<byte[]> encoded, FloatValues preprocessed) {
            FloatValues v = bytes
                    ? model.runEncoded(key, encoded).get(output)
                    : model.run(key, Map.of(ServingSignature.IMAGES, preprocessed))
                            .get(output);
            return output.equals(ServingSignature.LOGITS) ? softmax(v) : rows(v);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** An {@link InferenceModel} restored from a checkpoint. */
    private static final class CheckpointNetwork implements Network {
        private final InferenceModel model;

        CheckpointNetwork(InferenceModel model) {
            this.model = model;
        }

        @Override
        public float[][] run(List<byte[]> encoded, FloatValues preprocessed) {
            return rows(model.run(preprocessed).get(ServingSignature.PREDICTIONS));
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
