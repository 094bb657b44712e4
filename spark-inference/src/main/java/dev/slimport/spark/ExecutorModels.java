/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.ServingSignature;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.tensorflow.proto.ConfigProto;

/**
 * The JVM-wide holder of loaded SavedModels, keyed by the model's directory: each executor JVM loads a model once,
 * on the first task that needs it, and every later task of that JVM shares the same {@link LoadedSavedModel}
 * (one {@code SavedModelBundle} and Session; TensorFlow sessions run concurrently). The first caller loads it inside
 * the map's {@code computeIfAbsent}, so concurrent callers wait for that one load.
 *
 * <p>The model counts the calls in flight, so a model is closed only when no task is running it: by {@link
 * #closeAll} (which waits for running calls; a task that comes later loads the model again) or at JVM shutdown, by
 * a hook that waits a bounded time and leaves a still-running model to the exiting process rather than close it
 * under a task.
 *
 * <p>Next to the models it holds one {@link ImagePreprocessor} per {@link Preprocessing} (the library's graph
 * preprocessing, a graph and session of its own), created by the first task that preprocesses an image and shared by
 * the JVM's tasks the same way, and closed by {@link #closeAll} with the models.
 */
public final class ExecutorModels {
    private static final Map<String, LoadedSavedModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> LOADS = new ConcurrentHashMap<>();
    private static final Map<Preprocessing, ImagePreprocessor> PREPROCESSORS = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOK = new AtomicBoolean();

    /** How long the shutdown hook waits for running tasks before leaving the models to the exiting process. */
    public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private ExecutorModels() {}

    /**
     * Runs the default signature ({@code serving_default}, which the driver's model check requires) of the model in
     * {@code dir} on {@code images}, loading the model first if this JVM has not (the caller's thread loads and then
     * runs {@code onLoad}; concurrent callers wait for that one load).
     *
     * @param dir the resolved SavedModel directory on this machine
     * @param intraOpThreads TensorFlow intra-op threads for the session if this call loads, 0 for the default
     * @param onLoad run once if this call loads the model (the JVM's first use)
     * @return the signature's outputs by name, on the heap
     * @throws dev.slimport.savedmodel.SavedModelException if loading or running fails
     */
    public static Map<String, FloatValues> predict(Path dir, int intraOpThreads, FloatValues images, Runnable onLoad) {
        String key = key(dir);
        while (true) {
            LoadedSavedModel p = MODELS.computeIfAbsent(key, k -> {
                LoadedSavedModel loaded = load(dir, intraOpThreads);
                onLoad.run();
                return loaded;
            });
            try {
                return p.predict(images);
            } catch (LoadedSavedModel.ClosedException e) {
                MODELS.remove(key, p); // closeAll closed it between the lookup and the call: load it again
            }
        }
    }

    /**
     * Preprocesses one encoded image with this JVM's {@link ImagePreprocessor} for {@code spec}, creating it first if
     * this JVM has none (concurrent callers wait for that one).
     *
     * @throws UnreadableImageException if the bytes are not an image the preprocessing decodes (see {@link
     *     ImagePreprocessor#preprocess})
     */
    public static void preprocess(Preprocessing spec, byte[] bytes, float[] out, int offset)
            throws UnreadableImageException {
        while (true) {
            ImagePreprocessor p = PREPROCESSORS.computeIfAbsent(spec, s -> {
                ImagePreprocessor created = new ImagePreprocessor(s);
                addShutdownHook();
                return created;
            });
            try {
                p.preprocess(bytes, out, offset);
                return;
            } catch (ImagePreprocessor.ClosedException e) {
                PREPROCESSORS.remove(spec, p); // closeAll closed it between the lookup and the call: create it again
            }
        }
    }

    private static LoadedSavedModel load(Path dir, int intraOpThreads) {
        long t0 = System.nanoTime();
        LoadedSavedModel p = LoadedSavedModel.load(dir, config(intraOpThreads), ServingSignature.TAG);
        long n = LOADS.computeIfAbsent(key(dir), k -> new AtomicLong()).incrementAndGet();
        logLoad(dir, (System.nanoTime() - t0) / 1_000_000, n);
        addShutdownHook();
        return p;
    }

    /** Once per JVM: a shutdown hook that closes the models and preprocessors ({@link #closeAll}, bounded). */
    private static void addShutdownHook() {
        if (HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(SHUTDOWN_WAIT), "slimport-model-close"));
        }
    }

    /** How many times this JVM has loaded the model in {@code dir}. */
    public static long loads(Path dir) {
        AtomicLong n = LOADS.get(key(dir));
        return n == null ? 0 : n.get();
    }

    /** Whether the model in {@code dir} is loaded in this JVM now. */
    public static boolean isLoaded(Path dir) {
        return MODELS.containsKey(key(dir));
    }

    /**
     * Closes every loaded model and image preprocessor once no task runs it, waiting at most {@code wait} for each;
     * later {@link #predict} and {@link #preprocess} calls load and create them again. Call it where no more tasks will run (after the job in local mode, or at shutdown).
     *
     * @return whether every model was closed (false if a call was still running after {@code wait})
     */
    public static boolean closeAll(Duration wait) {
        boolean all = true;
        for (String key : MODELS.keySet()) {
            LoadedSavedModel p = MODELS.remove(key);
            all &= p == null || p.close(wait);
        }
        for (Preprocessing spec : PREPROCESSORS.keySet()) {
            ImagePreprocessor p = PREPROCESSORS.remove(spec);
            all &= p == null || p.close(wait);
        }
        return all;
    }

    private static String key(Path dir) {
        return dir.toAbsolutePath().normalize().toString();
    }

    /** The line each load writes to the JVM's stderr (an executor's {@code stderr} file in its work directory). */
    static final String LOAD_LINE = "slimport: loaded model ";

    private static void logLoad(Path dir, long millis, long n) {
        SparkEnv env = SparkEnv.get();
        System.err.printf(
                "%s%s in %d ms (load %d in this JVM; executor %s, pid %d, JVM up %d ms)%n",
                LOAD_LINE,
                dir,
                millis,
                n,
                env == null ? "-" : env.executorId(),
                ProcessHandle.current().pid(),
                ManagementFactory.getRuntimeMXBean().getUptime());
        System.err.flush();
    }

    static ConfigProto config(int intraOpThreads) {
        return intraOpThreads == 0
                ? null
                : ConfigProto.newBuilder()
                        .setIntraOpParallelismThreads(intraOpThreads)
                        .build();
    }
}
