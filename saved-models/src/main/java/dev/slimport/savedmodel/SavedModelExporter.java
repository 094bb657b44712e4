/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.GraphStats;
import dev.slimport.resnet.net.NetworkSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
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
 *       checkpoint, restores them by slim name ({@link Checkpoints#restore}); runs a deterministic check batch.
 *       With {@code optimize}, reads the weights and builds the folded graph from them ({@link
 *       InferenceModel#buildFolded}); that graph is the one exported.
 *   <li>Writes the SavedModel (tag {@code serve}, signature {@code serving_default}) into a fresh hidden sibling
 *       {@code out/.<version>.tmp-*}.
 *   <li>Reloads it with {@code SavedModelBundle}, checks the signature and that every output matches the exporting
 *       session within {@link #TOLERANCE} (an optimized export: the unfolded model within {@link
 *       #FOLDED_RELATIVE_TOLERANCE} of each output's scale).
 *   <li>Renames the temporary directory to {@code out/<version>} (an atomic {@code rename(2)} on one file system);
 *       with {@code force}, the old target is first renamed aside and deleted after the swap.
 * </ol>
 *
 * <p>On any failure the temporary directory and any directory the export created are removed, so no partial
 * export is ever at the target. The same holds for an interrupt of the exporting thread and for a JVM shutdown
 * (Ctrl-C, SIGTERM): see {@link #export}. (Only a killed JVM, SIGKILL or a crash, can leave a hidden {@code
 * .<version>.tmp-*} directory behind; TF Serving ignores it, as it is not a number.)
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

    /** The steps an export passes through, in order; a test hook can fail at any of them. */
    enum Stage {
        VARIABLES_READY,
        TEMP_CREATED,
        WRITTEN,
        VERIFIED
    }

    /** Called at each stage with the temporary directory (null before it exists); may throw to simulate a crash. */
    @FunctionalInterface
    interface StageHook {
        void reached(Stage stage, Path tempDir) throws Exception;
    }

    /**
     * How long a JVM shutdown (Ctrl-C) waits for exports that are writing or checking their SavedModel to remove
     * their temporary directory themselves.
     */
    public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private static volatile boolean shuttingDown;

    private final StageHook hook;

    /** An exporter. */
    public SavedModelExporter() {
        this((stage, dir) -> {});
    }

    SavedModelExporter(StageHook hook) {
        this.hook = hook;
    }

    /**
     * Exports {@code spec}.
     *
     * <p>An interrupt of the exporting thread ({@link Thread#interrupt}) or a JVM shutdown (Ctrl-C) stops the export
     * at its next step boundary (TensorFlow's native calls themselves cannot be interrupted): the temporary
     * directory is removed, nothing is installed, and an {@link ExportInterruptedException} is thrown; the thread's
     * interrupt status stays set. At shutdown a hook waits up to {@link #SHUTDOWN_WAIT} for exports that are writing
     * or checking to clean up, then removes what is left itself.
     *
     * @throws IllegalArgumentException for bad arguments (existing target without {@code force}, missing checkpoint
     *     or a bad exclude, an output path through a file), before anything is written
     * @throws CheckpointMismatchException if the checkpoint does not match the model
     * @throws ExportInterruptedException if the thread was interrupted or the JVM is shutting down
     * @throws SavedModelException if writing, reloading or the output comparison fails; nothing is left behind
     */
    public ExportResult export(ExportSpec spec) {
        try {
            return exportChecked(spec);
        } catch (ExportInterruptedException e) {
            throw e;
        } catch (SavedModelException e) {
            if (interrupted() && spec != null) {
                throw new ExportInterruptedException(spec.target(), "during the export (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    private ExportResult exportChecked(ExportSpec spec) {
        long t0 = System.nanoTime();
        if (spec == null) {
            throw new IllegalArgumentException("spec: must not be null");
        }
        Path outDir = spec.out().toAbsolutePath().normalize();
        Path target = spec.target();
        checkOutDir(outDir);
        boolean targetExists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (targetExists && !spec.force()) {
            throw new IllegalArgumentException(
                    "out: " + target + " already exists; choose another --version or use --force to replace it");
        }
        spec.checkpointPrefix().ifPresent(p -> Checkpoints.checkPrefix("checkpoint", p));
        checkNotInterrupted(target, "before it started");

        NetworkSpec model = spec.network();
        InferenceModel m = InferenceModel.build(model, spec.seed(), spec.dynamicSize());
        try {
            long tBuilt = System.nanoTime();
            checkNotInterrupted(target, "after building the graph");
            Optional<RestoreResult> restore = Optional.empty();
            FloatValues batch = FloatValues.uniform(
                    Shape.of(spec.verifyBatch(), model.imageSize(), model.imageSize(), 3), CHECK_BATCH_SEED, -1f, 1f);
            Map<String, FloatValues> expected;
            long tVars;
            try {
                if (spec.checkpoint() != null) {
                    restore = Optional.of(m.restore(spec.checkpoint(), spec.excludes()));
                } else {
                    m.initialize();
                }
                tVars = System.nanoTime();
                stage(Stage.VARIABLES_READY, null, target);
                expected = m.run(batch);
            } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
                throw new SavedModelException(
                        "export of " + model.scope() + " failed before writing: " + e.getMessage(), e);
            }
            long tRef = System.nanoTime();
            checkNotInterrupted(target, "after the check batch");
            Optional<ExportResult.Folding> folding = Optional.empty();
            if (spec.optimize()) {
                folding = Optional.of(new ExportResult.Folding(
                        m.model().variables().size(),
                        m.model().parameterCount(),
                        GraphStats.batchNormsAfterConvolution(m.graph())));
                m = fold(m, spec);
                checkNotInterrupted(target, "after folding the batch norms");
            }
            long tOptimized = System.nanoTime();
            Map<String, Double> tolerance = tolerances(expected, spec.optimize());

            Path createdRoot = firstMissing(outDir);
            Path temp = null;
            InFlight inFlight = null;
            try {
                inFlight = InFlight.begin(outDir, createdRoot, spec.version(), target);
                temp = inFlight.temp;
                stage(Stage.TEMP_CREATED, temp, target);
                SavedModelBundle.exporter(temp.toString())
                        .withTags(ServingSignature.TAG)
                        .withSession(m.session())
                        .withSignature(m.signature())
                        .export();
                long tWritten = System.nanoTime();
                stage(Stage.WRITTEN, temp, target);
                Map<String, Double> diffs;
                SignatureInfo loadedSignature;
                try (LoadedSavedModel loaded = LoadedSavedModel.load(temp)) {
                    loadedSignature = loaded.signature(ServingSignature.KEY);
                    SignatureInfo want = m.signatureInfo();
                    if (!loadedSignature.equals(want)) {
                        throw new SavedModelException("the reloaded signature differs from the exported one:\n"
                                + loadedSignature.describe() + "expected:\n" + want.describe());
                    }
                    Map<String, FloatValues> actual =
                            loaded.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, batch));
                    diffs = compare(expected, actual, tolerance, spec.optimize());
                }
                long tVerified = System.nanoTime();
                stage(Stage.VERIFIED, temp, target);
                long pbBytes = Files.size(temp.resolve(SavedModelInfo.SAVED_MODEL_PB));
                long varBytes = treeSize(temp.resolve("variables"));
                checkNotInterrupted(target, "after the reload check");
                boolean replaced = install(temp, target, outDir, spec);
                temp = null;
                long tEnd = System.nanoTime();
                return new ExportResult(
                        target,
                        loadedSignature,
                        replaced,
                        pbBytes,
                        varBytes,
                        m.model().variables().size(),
                        m.model().parameterCount(),
                        restore,
                        folding,
                        diffs,
                        tolerance,
                        new ExportResult.Timings(
                                ms(t0, tBuilt),
                                ms(tBuilt, tVars),
                                ms(tVars, tRef),
                                ms(tRef, tOptimized),
                                ms(tOptimized, tWritten),
                                ms(tWritten, tVerified),
                                ms(t0, tEnd)));
            } catch (Exception | Error e) {
                RuntimeException cleanupFailure = cleanup(temp, createdRoot);
                RuntimeException failure = asRuntime(e, target);
                if (cleanupFailure != null) {
                    failure.addSuppressed(cleanupFailure);
                }
                throw failure;
            } finally {
                if (inFlight != null) {
                    inFlight.end();
                }
            }
        } finally {
            m.close();
        }
    }

    /** Whether this thread was interrupted or the JVM is shutting down. */
    private static boolean interrupted() {
        return Thread.currentThread().isInterrupted() || shuttingDown;
    }

    private static void checkNotInterrupted(Path target, String when) {
        if (interrupted()) {
            throw new ExportInterruptedException(target, when, null);
        }
    }

    /**
     * An export that has files on disk (its temporary directory, and the directories it created): registered so that
     * a JVM shutdown waits for it to clean up, or cleans up after it.
     */
    private static final class InFlight {
        private static final Object LOCK = new Object();
        private static final Set<InFlight> ACTIVE = new HashSet<>();
        private static boolean hookAdded;

        final Path temp;
        final Path createdRoot;

        private InFlight(Path temp, Path createdRoot) {
            this.temp = temp;
            this.createdRoot = createdRoot;
        }

        /** Creates {@code outDir} and the temporary directory in it, unless the JVM is shutting down. */
        static InFlight begin(Path outDir, Path createdRoot, long version, Path target) throws IOException {
            synchronized (LOCK) {
                checkNotInterrupted(target, "before writing");
                if (!hookAdded) {
                    Runtime.getRuntime().addShutdownHook(new Thread(InFlight::onShutdown, "slimport-export-cleanup"));
                    hookAdded = true;
                }
                Files.createDirectories(outDir);
                // Not Files.createTempDirectory: its 0700 mode would make the installed version unreadable to a TF
                // Serving
                // process of another user; createDirectory follows the umask like the rest of the export.
                Path temp =
                        Files.createDirectory(outDir.resolve("." + version + ".tmp-" + java.util.UUID.randomUUID()));
                InFlight f = new InFlight(temp, createdRoot);
                ACTIVE.add(f);
                return f;
            }
        }

        /** The export has cleaned up or installed its directory. */
        void end() {
            synchronized (LOCK) {
                ACTIVE.remove(this);
                LOCK.notifyAll();
            }
        }

        /**
         * The shutdown hook: new exports are refused, running ones stop at their next step and clean up; those still
         * busy after {@link #SHUTDOWN_WAIT} (a native write or reload of a very large model) are removed here.
         */
        private static void onShutdown() {
            List<InFlight> left;
            synchronized (LOCK) {
                shuttingDown = true;
                long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
                while (!ACTIVE.isEmpty()) {
                    long wait = (deadline - System.nanoTime()) / 1_000_000;
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        LOCK.wait(wait);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                left = new ArrayList<>(ACTIVE);
            }
            for (InFlight f : left) {
                cleanup(f.temp, f.createdRoot);
            }
        }
    }

    /**
     * The folded twin of {@code source}, with its values loaded; {@code source} is closed (its weights live on in the
     * folded variables), so the two models' variables are never in memory at once beyond the Java copy.
     */
    private static InferenceModel fold(InferenceModel source, ExportSpec spec) {
        InferenceModel folded;
        try {
            folded = InferenceModel.buildFolded(spec.network(), spec.dynamicSize(), source.weights());
        } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
            throw new SavedModelException("reading the weights to fold failed: " + e.getMessage(), e);
        }
        source.close();
        try {
            folded.initialize();
            int left = GraphStats.batchNormsAfterConvolution(folded.graph());
            if (left != 0) {
                throw new SavedModelException(
                        "the optimized graph still holds " + left + " batch norm(s) after a convolution");
            }
            return folded;
        } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
            folded.close();
            throw new SavedModelException("loading the folded weights failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            folded.close();
            throw e;
        }
    }

    private void stage(Stage stage, Path temp, Path target) {
        try {
            hook.reached(stage, temp);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SavedModelException("export interrupted at " + stage + ": " + e.getMessage(), e);
        }
        checkNotInterrupted(
                target,
                switch (stage) {
                    case VARIABLES_READY -> "after preparing the variables";
                    case TEMP_CREATED -> "before writing";
                    case WRITTEN -> "after writing";
                    case VERIFIED -> "after the reload check";
                });
    }

    /**
     * Fails early, before anything is written, if the deepest existing component of {@code outDir} is not a
     * writable directory.
     */
    private static void checkOutDir(Path outDir) {
        Path p = outDir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
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

    /**
     * The bound of each output's max |Δ|: {@link #TOLERANCE}, or for a folded export {@link
     * #FOLDED_RELATIVE_TOLERANCE} · max(1, max |reference|).
     */
    private static Map<String, Double> tolerances(Map<String, FloatValues> expected, boolean folded) {
        Map<String, Double> out = new LinkedHashMap<>();
        expected.forEach((name, ref) -> {
            double maxAbs = 0;
            for (float v : ref.data()) {
                maxAbs = Math.max(maxAbs, Math.abs((double) v));
            }
            out.put(name, folded ? FOLDED_RELATIVE_TOLERANCE * Math.max(1.0, maxAbs) : TOLERANCE);
        });
        return out;
    }

    private static Map<String, Double> compare(
            Map<String, FloatValues> expected,
            Map<String, FloatValues> actual,
            Map<String, Double> tolerance,
            boolean folded) {
        Map<String, Double> diffs = new LinkedHashMap<>();
        StringBuilder bad = new StringBuilder();
        for (var e : expected.entrySet()) {
            FloatValues a = actual.get(e.getKey());
            if (a == null || !a.shape().equals(e.getValue().shape())) {
                throw new SavedModelException("the reloaded model's output '" + e.getKey() + "' has shape "
                        + (a == null ? "<missing>" : Dtypes.shape(a.shape())) + ", the exporting session's "
                        + Dtypes.shape(e.getValue().shape()));
            }
            double d = e.getValue().maxAbsDiff(a);
            diffs.put(e.getKey(), d);
            double bound = tolerance.get(e.getKey());
            if (!(d <= bound)) {
                bad.append(String.format(" %s max |Δ| = %.3g > %.3g;", e.getKey(), d, bound));
            }
        }
        if (bad.length() > 0) {
            throw new SavedModelException(
                    folded
                            ? "the reloaded optimized SavedModel does not reproduce the unfolded model (relative tolerance "
                                    + FOLDED_RELATIVE_TOLERANCE + "):" + bad
                            : "the reloaded SavedModel does not reproduce the exporting session (tolerance " + TOLERANCE
                                    + "):" + bad);
        }
        return diffs;
    }

    /** Moves {@code temp} to {@code target} atomically; with force, swaps out an existing target. */
    private static boolean install(Path temp, Path target, Path outDir, ExportSpec spec) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
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

    private static RuntimeException cleanup(Path temp, Path createdRoot) {
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

    private static RuntimeException asRuntime(Throwable e, Path target) {
        boolean tensorFlow = e instanceof TensorFlowException
                || e instanceof TFInvalidArgumentException
                || e instanceof TFUnimplementedException;
        if (!tensorFlow && (e instanceof IllegalArgumentException || e instanceof SavedModelException)) {
            return (RuntimeException) e;
        }
        if (e instanceof Error err) {
            throw err;
        }
        String what = tensorFlow ? "TensorFlow error" : e.getClass().getSimpleName();
        return new SavedModelException("export to " + target + " failed (" + what + "): " + e.getMessage(), e);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
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
            long total = 0;
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
