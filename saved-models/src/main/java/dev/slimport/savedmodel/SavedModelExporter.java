/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.optimize.Int8Graph;
import dev.slimport.resnet.optimize.Int8Quantization;
import dev.slimport.resnet.slim.ModelWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;

/**
 * Exports the inference graph of a ResNet v2 as a SavedModel, crash-safely and verified: the Java counterpart of
 * slim's {@code export_inference_graph.py} followed by {@code tf.compat.v1.saved_model.simple_save}, with TF
 * Serving's {@code DIR/<version>/} layout.
 *
 * <ol>
 *   <li>Checks the arguments (existing target without {@code force}, missing checkpoint, a path component that is
 *       a file): {@link IllegalArgumentException}, nothing touched.
 *   <li>Builds the inference graph ({@link InferenceModel}), initializes the variables from the seed and, with a
 *       checkpoint, restores them by slim name ({@link AssignFromCheckpoint#restore}); runs a deterministic check
 *       batch. With {@code optimize}, reads the weights and builds the folded graph from them ({@link
 *       InferenceModel#buildFolded}); that graph is the one exported. With {@code int8}, the folded graph is then
 *       calibrated over the spec's {@link CalibrationSet} and quantized ({@link InferenceModel#quantize}); the int8
 *       graph, which has no variables, is the one exported, and its outputs on the check batch are kept.
 *   <li>Writes the SavedModel (tag {@code serve}, signature {@code serving_default}) into a fresh hidden sibling
 *       {@code out/.<version>.tmp-*}.
 *   <li>Reloads it with {@code SavedModelBundle}, checks the signature and that every output matches the exporting
 *       session within {@link #TOLERANCE} (an optimized export: the unfolded model within {@link
 *       #FOLDED_RELATIVE_TOLERANCE} of each output's scale; an int8 export: the in-memory int8 model exactly, and
 *       the unfolded fp32 model within the int8 error measured in memory, reported in {@link
 *       ExportResult#quantization()}).
 *   <li>Renames the temporary directory to {@code out/<version>} (an atomic {@code rename(2)} on one file system);
 *       with {@code force}, the old target is first renamed aside and deleted after the swap.
 * </ol>
 *
 * <p>On any failure the temporary directory and any directory the export created are removed, so no partial
 * export is ever at the target. The same holds when the caller's {@link ExportCancellation} is cancelled (a CLI's
 * Ctrl-C handler) or the exporting thread is interrupted: see {@link #export(ExportSpec, ExportCancellation)}. (Only a
 * killed JVM, SIGKILL or a crash, can leave a hidden {@code .<version>.tmp-*} directory behind; TF Serving ignores
 * it, as it is not a number.)
 */
public final class SavedModelExporter {

    /** The largest |exporting session − reloaded model| accepted by the reload check. */
    public static final double TOLERANCE = 1e-5;

    /**
     * The reload check of an optimized export: every output's max |unfolded model − reloaded folded model| must be at
     * most this times max(1, max |unfolded output|). Folding changes the order of float operations, hence a bound
     * relative to the outputs' scale.
     */
    public static final double FOLDED_RELATIVE_TOLERANCE = 1e-4;

    /** The seed of the check batch (uniform in [-1, 1], the range of Inception preprocessing). */
    public static final long CHECK_BATCH_SEED = 20170414L;

    /** The bound of a reload comparison. */
    private enum Bound {
        /** {@link #TOLERANCE}. */
        ABSOLUTE,
        /** {@link #FOLDED_RELATIVE_TOLERANCE} · max(1, max |expected|). */
        FOLDED,
        /** 0: the same int8 graph on the same kernels. */
        EXACT
    }

    /** The images of {@code a} and {@code b} ({@code [N, C]} logits) with the same top-1 class; -1 without logits. */
    static int top1Agreement(FloatValues a, FloatValues b) {
        if (a == null || b == null) {
            return -1;
        }
        int n = (int) a.shape().get(0);
        int classes = (int) a.shape().get(1);
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (argMax(a, i * classes, classes) == argMax(b, i * classes, classes)) {
                same++;
            }
        }
        return same;
    }

    private static int argMax(FloatValues v, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v.get(offset + i) > v.get(offset + best)) {
                best = i;
            }
        }
        return best;
    }

    /** The steps of an export, in order, with what messages say of them; each is timed and ends with a check. */
    enum Step {
        BUILD("building the graph"),
        VARIABLES("preparing the variables"),
        CHECK_BATCH("the check batch"),
        FOLD("folding the batch norms"),
        QUANTIZE("calibrating and quantizing to int8"),
        WRITE("writing"),
        RELOAD_CHECK("the reload check"),
        INSTALL("installing");

        final String what;

        Step(String what) {
            this.what = what;
        }
    }

    /**
     * Called after each step but {@link Step#INSTALL} with the temporary directory (null before it exists), before the
     * cancellation check: tests fail or interrupt the export there.
     */
    @FunctionalInterface
    interface StepHook {
        void after(Step step, Path tempDir) throws Exception;
    }

    private final StepHook hook;

    /** An exporter. */
    public SavedModelExporter() {
        this((step, dir) -> {});
    }

    SavedModelExporter(StepHook hook) {
        this.hook = hook;
    }

    /** Exports {@code spec}; only an interrupt of the exporting thread stops it early. */
    public ExportResult export(ExportSpec spec) {
        return export(spec, new ExportCancellation());
    }

    /**
     * Exports {@code spec}.
     *
     * <p>Cancelling {@code cancellation} or interrupting the exporting thread ({@link Thread#interrupt}) stops the
     * export at its next step boundary (TensorFlow's native calls themselves cannot be interrupted): the temporary
     * directory is removed, nothing is installed, and an {@link ExportInterruptedException} is thrown; an interrupt
     * status stays set.
     *
     * @throws IllegalArgumentException for bad arguments (existing target without {@code force}, missing checkpoint
     *     or a bad exclude, an output path through a file, an int8 calibration folder that is missing or holds no
     *     image), before anything is written
     * @throws CheckpointMismatchException if the checkpoint does not match the model
     * @throws ExportInterruptedException if cancelled or the thread was interrupted
     * @throws SavedModelException if writing, reloading or the output comparison fails; nothing is left behind
     */
    public ExportResult export(ExportSpec spec, ExportCancellation cancellation) {
        if (spec == null || cancellation == null) {
            throw new IllegalArgumentException((spec == null ? "spec" : "cancellation") + ": must not be null");
        }
        checkArguments(spec);
        cancellation.started();
        try {
            return new Run(spec, cancellation).export();
        } finally {
            cancellation.finished();
        }
    }

    private static void checkArguments(ExportSpec spec) {
        checkOutDir(spec.out().toAbsolutePath().normalize());
        if (Files.exists(spec.target(), LinkOption.NOFOLLOW_LINKS) && !spec.force()) {
            throw new IllegalArgumentException(
                    "out: " + spec.target() + " already exists; choose another --version or use --force to replace it");
        }
        if (spec.checkpoint() != null) {
            CheckpointReader.checkPrefix("checkpoint", spec.checkpoint());
        }
        if (spec.int8()) {
            spec.calibrationSet(); // a missing folder or one without images, before anything is built
        }
    }

    /** One export: the steps, their timings, the model and the files it has on disk. */
    private final class Run {
        private final ExportSpec spec;
        private final ExportCancellation cancellation;
        private final Path target;
        private final Path outDir;
        private final long start = System.nanoTime();
        private final Map<Step, Long> millis = new EnumMap<>(Step.class);
        private Step step = Step.BUILD;
        private InferenceModel model;
        private Path temp;
        private Path createdRoot;
        private final Map<String, Double> maxAbsDiff = new LinkedHashMap<>();
        private final Map<String, Double> tolerance = new LinkedHashMap<>();
        private final Map<String, Double> int8Error = new LinkedHashMap<>();
        private int variableCount;
        private long parameterCount;

        Run(ExportSpec spec, ExportCancellation cancellation) {
            this.spec = spec;
            this.cancellation = cancellation;
            this.target = spec.target();
            this.outDir = spec.out().toAbsolutePath().normalize();
        }

        ExportResult export() {
            try {
                cancellation.check(target, "before it started");
                step(Step.BUILD, () -> model = InferenceModel.build(spec.network(), spec.seed(), spec.dynamicSize()));
                Optional<RestoreResult> restore = step(Step.VARIABLES, this::prepareVariables);
                countVariables();
                int size = spec.network().imageSize();
                FloatValues batch =
                        FloatValues.uniform(Shape.of(spec.verifyBatch(), size, size, 3), CHECK_BATCH_SEED, -1f, 1f);
                List<byte[]> images = CheckImages.of(spec.verifyBatch(), size, CHECK_BATCH_SEED);
                Map<String, FloatValues> expected = new LinkedHashMap<>();
                Map<String, FloatValues> expectedBytes = new LinkedHashMap<>();
                step(Step.CHECK_BATCH, () -> {
                    expected.putAll(model.run(batch));
                    expectedBytes.putAll(model.runEncoded(images));
                    return null;
                });
                Optional<ExportResult.Folding> folding =
                        spec.optimize() ? Optional.of(step(Step.FOLD, this::fold)) : Optional.empty();
                Map<String, FloatValues> int8 = new LinkedHashMap<>();
                Map<String, FloatValues> int8Bytes = new LinkedHashMap<>();
                Optional<ExportResult.Quantization> quantization = spec.int8()
                        ? Optional.of(step(Step.QUANTIZE, () -> quantize(batch, images, expected, int8, int8Bytes)))
                        : Optional.empty();
                step(Step.WRITE, this::write);
                Map<String, FloatValues> want = spec.int8() ? int8 : expected;
                Map<String, FloatValues> wantBytes = spec.int8() ? int8Bytes : expectedBytes;
                SignatureInfo[] signatures =
                        step(Step.RELOAD_CHECK, () -> reloadCheck(batch, want, images, wantBytes, expected));
                long pbBytes = Files.size(temp.resolve(SavedModelInfo.SAVED_MODEL_PB));
                long varBytes = treeSize(temp.resolve("variables"));
                step = Step.INSTALL;
                boolean replaced = install();
                return new ExportResult(
                        target,
                        signatures[0],
                        signatures[1],
                        replaced,
                        pbBytes,
                        varBytes,
                        variableCount,
                        parameterCount,
                        restore,
                        folding,
                        quantization,
                        maxAbsDiff,
                        tolerance,
                        new ExportResult.Timings(
                                millis.get(Step.BUILD),
                                millis.get(Step.VARIABLES),
                                millis.get(Step.CHECK_BATCH),
                                millis.getOrDefault(Step.FOLD, 0L),
                                millis.getOrDefault(Step.QUANTIZE, 0L),
                                millis.get(Step.WRITE),
                                millis.get(Step.RELOAD_CHECK),
                                ms(start)));
            } catch (Exception | Error e) {
                RuntimeException cleanupFailure = cleanup(temp, createdRoot);
                if (cleanupFailure != null) {
                    e.addSuppressed(cleanupFailure);
                }
                if (e instanceof Error err) {
                    throw err;
                }
                throw asRuntime((Exception) e);
            } finally {
                cancellation.files(null, null);
                if (model != null) {
                    model.close();
                }
            }
        }

        /** Runs step {@code s}, then the hook and the cancellation check; records its time. */
        private <T> T step(Step s, Callable<T> body) throws Exception {
            step = s;
            long t0 = System.nanoTime();
            T value = body.call();
            hook.after(s, temp);
            cancellation.check(target, "after " + s.what);
            millis.put(s, ms(t0));
            return value;
        }

        /** Restores the variables from the checkpoint, or initializes them from the seed. */
        private Optional<RestoreResult> prepareVariables() {
            if (spec.checkpoint() != null) {
                return Optional.of(
                        spec.movingAverages()
                                ? model.restoreMovingAverages(spec.checkpoint(), "moving-average-decay")
                                : model.restore(spec.checkpoint(), spec.excludes()));
            }
            model.initialize();
            return Optional.empty();
        }

        /**
         * Replaces the model by its folded twin, with its values loaded; the unfolded model is closed first (its
         * weights live on in the Java copy), so the two models' variables are never in memory at once.
         */
        private ExportResult.Folding fold() {
            ExportResult.Folding folding = new ExportResult.Folding(
                    model.model().variables().size(),
                    model.model().parameterCount(),
                    GraphStats.batchNormsAfterConvolution(model.model().graph()));
            ModelWeights weights = model.weights();
            model.close();
            model = null;
            model = InferenceModel.buildFolded(spec.network(), spec.dynamicSize(), weights);
            model.initialize();
            int left = GraphStats.batchNormsAfterConvolution(model.model().graph());
            if (left != 0) {
                throw new SavedModelException(
                        "the optimized graph still holds " + left + " batch norm(s) after a convolution");
            }
            countVariables();
            return folding;
        }

        private void countVariables() {
            variableCount = model.model().variables().size();
            parameterCount = model.model().parameterCount();
        }

        /**
         * Replaces the folded model by its int8 twin (the folded one is closed once the int8 graph is written), runs
         * the check batch and the check images on it into {@code int8} and {@code int8Bytes}, and measures it against
         * the unfolded fp32 outputs {@code fp32}: the error the reloaded model is then held to.
         */
        private ExportResult.Quantization quantize(
                FloatValues batch,
                List<byte[]> images,
                Map<String, FloatValues> fp32,
                Map<String, FloatValues> int8,
                Map<String, FloatValues> int8Bytes) {
            CalibrationSet calibration = spec.calibrationSet();
            InferenceModel folded = model;
            InferenceModel quantized = InferenceModel.quantize(
                    folded,
                    calibration,
                    spec.int8Root() ? Int8Quantization.RootConvolution.INT8 : Int8Quantization.RootConvolution.FLOAT);
            model = quantized;
            folded.close();
            variableCount = 0; // the weights are constants of the int8 graph now; parameterCount stays the folded one
            int8.putAll(model.run(batch));
            int8Bytes.putAll(model.runEncoded(images));
            Map<String, Double> scale = new LinkedHashMap<>();
            fp32.forEach((name, f) -> {
                int8Error.put(name, f.maxAbsDiff(int8.get(name)));
                double m = 0;
                for (float v : f.data()) {
                    m = Math.max(m, Math.abs(v));
                }
                scale.put(name, m);
            });
            InferenceModel.Int8 made = model.int8().orElseThrow();
            Int8Graph.Stats stats = made.graph().stats();
            long all = stats.int8MultiplyAdds() + stats.floatMultiplyAdds();
            boolean known = stats.convolutions().stream().allMatch(c -> c.multiplyAddsPerImage() >= 0);
            return new ExportResult.Quantization(
                    calibration.describe(),
                    made.calibration().method().name().toLowerCase(Locale.ROOT).replace('_', '/'),
                    stats.convolutions().size(),
                    stats.quantized(),
                    known && all > 0 ? stats.int8Fraction() : Double.NaN,
                    stats.leftFloat().stream()
                            .map(c -> c.name() + ": " + c.reason())
                            .toList(),
                    int8Error,
                    scale,
                    top1Agreement(fp32.get(ServingSignature.LOGITS), int8.get(ServingSignature.LOGITS)),
                    spec.verifyBatch());
        }

        /** Creates {@code outDir} and the temporary directory in it, and writes the SavedModel there. */
        private Path write() throws Exception {
            createdRoot = firstMissing(outDir);
            cancellation.files(null, createdRoot);
            Files.createDirectories(outDir);
            // Not Files.createTempDirectory: its 0700 mode would make the installed version unreadable to a TF
            // Serving process of another user; createDirectory follows the umask like the rest of the export.
            temp = Files.createDirectory(outDir.resolve("." + spec.version() + ".tmp-" + UUID.randomUUID()));
            cancellation.files(temp, createdRoot);
            SavedModelBundle.exporter(temp.toString())
                    .withTags(ServingSignature.TAG)
                    .withSession(model.session())
                    .withSignature(model.signature())
                    .withSignature(model.bytesSignature())
                    .export();
            return temp;
        }

        /**
         * Reloads the written SavedModel, checks both signatures, and compares its outputs with the exporting
         * session's: {@code serving_default} on the float check batch with {@code expected}, {@code serving_bytes} on
         * the encoded check images with {@code expectedBytes} (keys {@code serving_bytes/<output>}). Each output's max
         * |Δ| must be at most {@link #TOLERANCE}, or for a folded export {@link #FOLDED_RELATIVE_TOLERANCE} · max(1, max
         * |expected|). Then {@code serving_default} of the reloaded model fed the batch that {@code serving_bytes}
         * preprocessed must give {@code serving_bytes}' outputs within {@link #TOLERANCE} (keys {@code
         * serving_bytes=serving_default/<output>}): both signatures run the same network. Records every max |Δ| and
         * bound; returns the reloaded {@code serving_default} and {@code serving_bytes} signatures.
         */
        private SignatureInfo[] reloadCheck(
                FloatValues batch,
                Map<String, FloatValues> expected,
                List<byte[]> images,
                Map<String, FloatValues> expectedBytes,
                Map<String, FloatValues> fp32) {
            Map<String, FloatValues> actual;
            Map<String, FloatValues> actualBytes;
            Map<String, FloatValues> defaultOnPreprocessed;
            SignatureInfo signature;
            SignatureInfo bytesSignature;
            try (LoadedSavedModel loaded = LoadedSavedModel.load(temp)) {
                signature = checkSignature(loaded, model.signatureInfo());
                bytesSignature = checkSignature(loaded, model.bytesSignatureInfo());
                actual = loaded.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, batch));
                actualBytes = loaded.runEncoded(ServingSignature.BYTES_KEY, images);
                defaultOnPreprocessed = loaded.run(
                        ServingSignature.KEY,
                        Map.of(ServingSignature.IMAGES, expectedBytes.get(InferenceModel.PREPROCESSED)));
            }
            StringBuilder bad = new StringBuilder();
            boolean int8 = spec.int8();
            Bound bound = int8 ? Bound.EXACT : spec.optimize() ? Bound.FOLDED : Bound.ABSOLUTE;
            compare("", expected, actual, bound, bad);
            Map<String, FloatValues> bytesExpected = new LinkedHashMap<>(expectedBytes);
            bytesExpected.remove(InferenceModel.PREPROCESSED);
            compare(ServingSignature.BYTES_KEY + "/", bytesExpected, actualBytes, bound, bad);
            compare(
                    ServingSignature.BYTES_KEY + "=" + ServingSignature.KEY + "/",
                    actualBytes,
                    defaultOnPreprocessed,
                    Bound.ABSOLUTE,
                    bad);
            if (int8) {
                // The reloaded int8 model against the unfolded fp32 one: within the error measured in memory.
                fp32.forEach((name, f) -> {
                    double d = f.maxAbsDiff(actual.get(name));
                    if (!(d <= int8Error.get(name))) {
                        bad.append(String.format(
                                " %s max |fp32 - reloaded int8| = %.3g > %.3g measured in memory;",
                                name, d, int8Error.get(name)));
                    }
                });
            }
            if (bad.length() > 0) {
                throw new SavedModelException(
                        switch (bound) {
                            case EXACT ->
                                "the reloaded int8 SavedModel does not reproduce the in-memory int8 model" + " exactly:"
                                        + bad;
                            case FOLDED ->
                                "the reloaded optimized SavedModel does not reproduce the unfolded model"
                                        + " (relative tolerance " + FOLDED_RELATIVE_TOLERANCE + "):" + bad;
                            case ABSOLUTE ->
                                "the reloaded SavedModel does not reproduce the exporting session" + " (tolerance "
                                        + TOLERANCE + "):" + bad;
                        });
            }
            return new SignatureInfo[] {signature, bytesSignature};
        }

        /** The reloaded signature {@code want.key()}, which must equal {@code want}. */
        private SignatureInfo checkSignature(LoadedSavedModel loaded, SignatureInfo want) {
            SignatureInfo got = loaded.signature(want.key());
            if (!got.equals(want)) {
                throw new SavedModelException("the reloaded signature differs from the exported one:\n" + got.describe()
                        + "expected:\n" + want.describe());
            }
            return got;
        }

        /**
         * Compares each output of {@code want} with {@code got}'s, records max |Δ| and its bound under {@code prefix +
         * name}, and appends the failures to {@code bad}; {@code relative}: the folded bound.
         */
        private void compare(
                String prefix,
                Map<String, FloatValues> want,
                Map<String, FloatValues> got,
                Bound kind,
                StringBuilder bad) {
            want.forEach((name, w) -> {
                FloatValues g = got.get(name);
                if (g == null || !g.shape().equals(w.shape())) {
                    throw new SavedModelException("the reloaded model's output '" + prefix + name + "' has shape "
                            + (g == null ? "<missing>" : Dtypes.shape(g.shape())) + ", expected "
                            + Dtypes.shape(w.shape()));
                }
                double scale = 1;
                for (float v : w.data()) {
                    scale = Math.max(scale, Math.abs(v));
                }
                double bound = switch (kind) {
                    case EXACT -> 0;
                    case FOLDED -> FOLDED_RELATIVE_TOLERANCE * scale;
                    case ABSOLUTE -> TOLERANCE;
                };
                double d = w.maxAbsDiff(g);
                maxAbsDiff.put(prefix + name, d);
                tolerance.put(prefix + name, bound);
                if (!(d <= bound)) {
                    bad.append(String.format(" %s max |Δ| = %.3g > %.3g;", prefix + name, d, bound));
                }
            });
        }

        /** Moves {@code temp} to {@code target} atomically; with force, swaps out an existing target. */
        private boolean install() throws IOException {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
                return false;
            }
            if (!spec.force()) {
                throw new IllegalArgumentException(
                        "out: " + target + " appeared during the export; not replaced (use --force to replace it)");
            }
            Path old = outDir.resolve("." + spec.version() + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
            } catch (IOException | RuntimeException e) {
                try {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException restoreFailure) {
                    e.addSuppressed(restoreFailure);
                }
                throw e;
            }
            deleteTree(old);
            return true;
        }

        /**
         * {@code e} as the export's failure: argument errors as they are; any other failure of a cancelled or
         * interrupted export as an {@link ExportInterruptedException}; the library's own failures as they are, anything
         * else (TensorFlow's errors, I/O) as a {@link SavedModelException} naming the step.
         */
        private RuntimeException asRuntime(Exception e) {
            boolean tensorFlow = SavedModelException.fromTensorFlow(e);
            if (e instanceof ExportInterruptedException || (!tensorFlow && e instanceof IllegalArgumentException)) {
                return (RuntimeException) e;
            }
            if (cancellation.stopRequested()) {
                return new ExportInterruptedException(target, "during " + step.what + " (" + e.getMessage() + ")", e);
            }
            if (!tensorFlow && e instanceof SavedModelException) {
                return (RuntimeException) e;
            }
            String what = tensorFlow ? "TensorFlow error" : e.getClass().getSimpleName();
            return new SavedModelException(
                    "export to " + target + " failed during " + step.what + " (" + what + "): " + e.getMessage(), e);
        }
    }

    /**
     * Fails early, before anything is written, if the deepest existing component of {@code outDir} is not a
     * writable directory.
     */
    private static void checkOutDir(Path outDir) {
        Path missing = firstMissing(outDir);
        Path p = missing == null ? outDir : missing.getParent();
        if (p == null) {
            throw new IllegalArgumentException("out: no existing ancestor of " + outDir);
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(
                    "out: " + p + " is not a directory, so " + outDir + " cannot be created");
        }
        if (!Files.isWritable(p)) {
            throw new IllegalArgumentException("out: " + p + " is not writable, so " + outDir + " cannot be written");
        }
    }

    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Removes {@code temp} and the empty directories under {@code createdRoot} (either may be null). */
    static RuntimeException cleanup(Path temp, Path createdRoot) {
        try {
            if (temp != null) {
                deleteTree(temp);
            }
            if (createdRoot != null) {
                deleteEmptyDirs(createdRoot);
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return new SavedModelException("cleanup after the failed export failed: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root} and everything under it (symbolic links, not their targets); nothing if it is absent. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Deletes {@code root} and its subdirectories if none holds a file; otherwise leaves everything. */
    private static void deleteEmptyDirs(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            if (s.anyMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                return;
            }
        }
        try {
            deleteTree(root);
        } catch (DirectoryNotEmptyException e) {
            // Another process wrote into it meanwhile: leave its files alone.
        }
    }

    private static long treeSize(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
