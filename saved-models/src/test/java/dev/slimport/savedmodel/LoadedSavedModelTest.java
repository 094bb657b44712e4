/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * Many threads, one model: concurrent calls on one {@link LoadedSavedModel} give exactly the outputs of
 * sequential calls, and closing while calls are in flight waits for them and refuses new ones. The reference is
 * the same SavedModel run one call at a time, before any concurrency.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadedSavedModelTest {
    private static final int THREADS = 8;
    private static final int CALLS = 200;
    private static final int SIZE = 32;
    /** How long a test waits for an event it expects before failing: far beyond any machine's speed. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private Path model;
    private ExecutorService pool;

    @BeforeAll
    void export(@TempDir Path dir) throws Exception {
        model = TestNets.rawExport(TestNets.tinyNet(10), 3, dir.resolve("tiny"));
        pool = Executors.newFixedThreadPool(THREADS + 1);
    }

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    /** Call {@code i} of thread {@code t}: batch 1 or 2, values from its own seed. */
    private static FloatValues input(int t, int i) {
        return FloatValues.uniform(Shape.of(1 + (i % 2), SIZE, SIZE, 3), 1000L * t + i, -1f, 1f);
    }

    /**
     * Polls {@code condition} until it holds, failing after {@code DEADLINE}: waits for an observable state, never for
     * a guessed time.
     */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(1);
        }
    }

    /**
     * Concurrent calls on one predictor give exactly the outputs of sequential calls: in one process, on one graph
     * and the same inputs, TensorFlow's CPU kernels split their work by the thread pool's size, not by load, so the
     * values are bit-identical whatever else runs (an exact comparison that a data race between calls would break).
     * Concurrency is made certain, not left to the scheduler: each thread's first call waits inside its in-flight
     * window until all {@value #THREADS} threads are in theirs.
     */
    @Test
    void eight_threads_times_200_calls_give_exactly_the_single_threaded_outputs() throws Exception {
        AtomicBoolean rendezvous = new AtomicBoolean();
        CountDownLatch allInside = new CountDownLatch(THREADS);
        Set<Thread> met = ConcurrentHashMap.newKeySet();
        AtomicReference<LoadedSavedModel> self = new AtomicReference<>();
        AtomicInteger inFlightAtRendezvous = new AtomicInteger();
        LoadedSavedModel.CallHook hook = () -> {
            if (rendezvous.get() && met.add(Thread.currentThread())) {
                allInside.countDown();
                if (allInside.getCount() == 0) {
                    // the last to arrive: every thread is inside its first call now
                    inFlightAtRendezvous.set(self.get().inFlight());
                }
                if (!allInside.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("the " + THREADS + " threads never were in flight together");
                }
            }
        };
        try (LoadedSavedModel p = LoadedSavedModel.load(model)) {
            p.hook(hook);
            self.set(p);
            List<List<Map<String, FloatValues>>> expected = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<Map<String, FloatValues>> outs = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    outs.add(p.predict(input(t, i)));
                }
                expected.add(outs);
            }
            assertThat(expected.get(0).get(0)).containsOnlyKeys("logits", "predictions", "features");
            assertThat(expected.get(0).get(0)).isNotEqualTo(expected.get(1).get(0));

            rendezvous.set(true);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    int mismatches = 0;
                    for (int i = 0; i < CALLS; i++) {
                        Map<String, FloatValues> out = p.predict(input(thread, i));
                        if (!out.equals(expected.get(thread).get(i))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<Integer> f : futures) {
                assertThat(f.get(300, TimeUnit.SECONDS))
                        .as("calls whose outputs differ from the sequential run")
                        .isZero();
            }
            assertThat(p.inFlight()).isZero();
            assertThat(met).hasSize(THREADS);
            assertThat(inFlightAtRendezvous.get())
                    .as("calls in flight when all threads had met")
                    .isEqualTo(THREADS);
        }
    }

    @Test
    void close_waits_for_the_calls_in_flight_and_refuses_new_ones() throws Exception {
        Map<String, FloatValues> want;
        try (LoadedSavedModel reference = LoadedSavedModel.load(model)) {
            want = reference.predict(input(0, 0));
        }
        CountDownLatch inside = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        LoadedSavedModel loaded = LoadedSavedModel.load(model);
        loaded.hook(() -> {
            inside.countDown();
            release.await();
        });
        List<Future<Map<String, FloatValues>>> calls = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            calls.add(pool.submit(() -> loaded.predict(input(0, 0))));
        }
        assertThat(inside.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(loaded.inFlight()).isEqualTo(3);

        Thread closer = new Thread(loaded::close, "closer");
        closer.start();
        // close() has refused new calls and parked in its wait for the 3 calls (a returned close would be TERMINATED)
        await(
                "close() waiting for the calls in flight",
                () -> loaded.isClosing() && closer.getState() == Thread.State.WAITING);
        assertThatThrownBy(() -> loaded.predict(input(0, 0)))
                .isInstanceOf(IllegalStateException.class)
                .isInstanceOf(LoadedSavedModel.ClosedException.class)
                .hasMessageContaining("is closed; load it again");
        assertThat(closer.isAlive())
                .as("close() returned while 3 calls were running")
                .isTrue();
        assertThat(loaded.isClosed())
                .as("the model was closed under 3 running calls")
                .isFalse();
        assertThat(loaded.inFlight()).isEqualTo(3);

        release.countDown();
        closer.join(DEADLINE.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(loaded.isClosed()).isTrue();
        for (Future<Map<String, FloatValues>> c : calls) {
            assertThat(c.get()).isEqualTo(want);
        }
        assertThat(loaded.inFlight()).isZero();
        assertThatThrownBy(() -> loaded.predict(input(0, 0))).isInstanceOf(LoadedSavedModel.ClosedException.class);
        loaded.close();
    }

    @Test
    void close_with_a_timeout_leaves_a_busy_model_open_and_a_later_close_finishes() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LoadedSavedModel loaded = LoadedSavedModel.load(model);
        loaded.hook(() -> {
            inside.countDown();
            release.await();
        });
        Future<Map<String, FloatValues>> call = pool.submit(() -> loaded.predict(input(1, 1)));
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(loaded.close(Duration.ofMillis(100))).isFalse();
        assertThat(loaded.isClosed()).isFalse();
        release.countDown();
        assertThat(call.get(60, TimeUnit.SECONDS)).containsKey("logits");
        assertThat(loaded.close(Duration.ofSeconds(60))).isTrue();
        assertThat(loaded.isClosed()).isTrue();
    }

    @Test
    void closing_at_any_moment_of_a_busy_run_gives_only_correct_outputs_or_a_clean_refusal() throws Exception {
        Map<String, FloatValues> want;
        try (LoadedSavedModel reference = LoadedSavedModel.load(model)) {
            want = reference.predict(input(2, 0));
        }
        for (int round = 0; round < 3; round++) {
            LoadedSavedModel p = LoadedSavedModel.load(model);
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch running = new CountDownLatch(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    running.countDown();
                    while (true) {
                        try {
                            if (!p.predict(input(2, 0)).equals(want)) {
                                unexpected.add(new AssertionError("wrong outputs"));
                            }
                            served.incrementAndGet();
                        } catch (LoadedSavedModel.ClosedException e) {
                            refused.incrementAndGet();
                            return;
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }));
            }
            running.await();
            // close at a different point of the run each round: after 0, 8, 16 calls have been served
            int servedBefore = THREADS * round;
            await(servedBefore + " calls served", () -> served.get() >= servedBefore || !unexpected.isEmpty());
            p.close();
            assertThat(p.inFlight()).isZero();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            assertThat(unexpected).isEmpty();
            assertThat(refused.get()).isEqualTo(THREADS);
        }
    }

    @Test
    void a_closed_model_refuses_calls_with_a_clear_message() {
        LoadedSavedModel loaded = LoadedSavedModel.load(model);
        loaded.close();
        loaded.close();
        assertThatThrownBy(() -> loaded.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, input(0, 0))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SavedModel " + model.toAbsolutePath() + " is closed; load it again to run it");
        assertThatThrownBy(() -> loaded.predict(input(0, 0))).isInstanceOf(IllegalStateException.class);
        assertThat(loaded.isClosing()).isTrue();
    }
}
