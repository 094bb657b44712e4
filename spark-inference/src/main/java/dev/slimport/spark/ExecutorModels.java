/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.ServingSignature;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.proto.ConfigProto;

/**
 * The JVM-wide holder of loaded SavedModels, keyed by the model's directory: each executor JVM loads a model once,
 * on the first task that needs it, and every later task of that JVM shares the same {@code SavedModelBundle} and
 * Session (TensorFlow sessions run concurrently).
 *
 * <p>Tasks {@link #acquire} a {@link Lease} around each run. A model is closed only when no lease is held: by
 * {@link #closeAll} (which waits for running leases and refuses new ones) or at JVM shutdown, by a hook that waits a
 * bounded time and leaves a still-running model to the exiting process rather than close it under a task.
 */
public final class ExecutorModels {
  private static final Map<String, Entry> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> LOADS = new ConcurrentHashMap<>();
  private static final AtomicBoolean HOOK = new AtomicBoolean();

  /** How long the shutdown hook waits for running tasks before leaving the models to the exiting process. */
  public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

  private ExecutorModels() {}

  /**
   * Leases the model in {@code dir}, loading it first if this JVM has not (the caller's thread loads; concurrent
   * callers wait for that one load).
   *
   * @param dir the resolved SavedModel directory on this machine
   * @param intraOpThreads TensorFlow intra-op threads for the session if this call loads, 0 for the default
   * @return a lease to close after the run
   * @throws dev.slimport.savedmodel.SavedModelException if loading fails
   */
  public static Lease acquire(Path dir, int intraOpThreads) {
    String key = key(dir);
    while (true) {
      Entry e = MODELS.computeIfAbsent(key, k -> new Entry(dir));
      Lease lease = e.tryAcquire(intraOpThreads);
      if (lease != null) {
        return lease;
      }
      MODELS.remove(key, e);
    }
  }

  /** How many times this JVM has loaded the model in {@code dir}. */
  public static long loads(Path dir) {
    AtomicLong n = LOADS.get(key(dir));
    return n == null ? 0 : n.get();
  }

  /** Whether the model in {@code dir} is loaded in this JVM now. */
  public static boolean isLoaded(Path dir) {
    Entry e = MODELS.get(key(dir));
    return e != null && e.isLoaded();
  }

  /**
   * Closes every loaded model once no task holds it, waiting at most {@code wait} per model; later {@link #acquire}
   * calls load again. Call it where no more tasks will run (after the job in local mode, or at shutdown).
   *
   * @return whether every model was closed (false if a lease was still held after {@code wait})
   */
  public static boolean closeAll(Duration wait) {
    boolean all = true;
    for (var it = MODELS.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      it.remove();
      all &= e.closeWhenIdle(wait.toMillis());
    }
    return all;
  }

  private static String key(Path dir) {
    return dir.toAbsolutePath().normalize().toString();
  }

  private static void registerShutdownHook() {
    if (HOOK.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(SHUTDOWN_WAIT), "slimport-model-close"));
    }
  }

  static ConfigProto config(int intraOpThreads) {
    return intraOpThreads == 0 ? null
        : ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOpThreads).build();
  }

  /** A held model: use {@link #model()} for runs, then close the lease (not the model). */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private final boolean loaded;
    private boolean released;

    private Lease(Entry entry, boolean loaded) {
      this.entry = entry;
      this.loaded = loaded;
    }

    /** The shared model; valid until this lease is closed. */
    public LoadedSavedModel model() {
      if (released) {
        throw new IllegalStateException("lease already closed");
      }
      return entry.model;
    }

    /** Whether acquiring this lease loaded the model (the JVM's first use). */
    public boolean loadedModel() {
      return loaded;
    }

    /** Releases the lease; the model stays loaded for the next task. */
    @Override
    public void close() {
      if (!released) {
        released = true;
        entry.release();
      }
    }
  }

  private static final class Entry {
    private final Path dir;
    private LoadedSavedModel model;
    private int active;
    private boolean closed;

    Entry(Path dir) {
      this.dir = dir;
    }

    synchronized boolean isLoaded() {
      return model != null && !closed;
    }

    synchronized Lease tryAcquire(int intraOpThreads) {
      if (closed) {
        return null;
      }
      boolean loaded = false;
      if (model == null) {
        model = LoadedSavedModel.load(dir, config(intraOpThreads), ServingSignature.TAG);
        LOADS.computeIfAbsent(key(dir), k -> new AtomicLong()).incrementAndGet();
        registerShutdownHook();
        loaded = true;
      }
      active++;
      return new Lease(this, loaded);
    }

    synchronized void release() {
      active--;
      if (active == 0) {
        notifyAll();
      }
    }

    synchronized boolean closeWhenIdle(long waitMillis) {
      closed = true;
      long deadline = System.currentTimeMillis() + waitMillis;
      while (active > 0) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      if (model != null) {
        model.close();
        model = null;
      }
      return true;
    }
  }
}
