/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ExportCancellation#cancel} or {@link Thread#interrupt} during an export: it stops at the next step with an
 * {@link ExportInterruptedException} (an interrupted thread stays interrupted), and the file system is as before (no
 * target, no temporary directory, no directory the export created). The Ctrl-C path (the CLI's shutdown hook cancels
 * the token) is tested with a child process in resnet-bench's {@code InterruptTest}.
 */
class ExportInterruptTest {
    /** How long the test waits for an event it expects before failing: far beyond any machine's speed. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @ParameterizedTest
    @EnumSource(value = SavedModelExporter.Step.class, names = "INSTALL", mode = EnumSource.Mode.EXCLUDE)
    void an_interrupt_at_any_stage_stops_the_export_and_leaves_nothing(SavedModelExporter.Step stage) {
        Path out = dir.resolve("new/models");
        List<Path> temps = new ArrayList<>();
        SavedModelExporter exporter =
                recordingTemps(temps, stage, () -> Thread.currentThread().interrupt());
        assertStoppedAtAStage(() -> exporter.export(spec(out, stage)), out);
        assertThat(Thread.currentThread().isInterrupted())
                .as("the interrupt status is kept")
                .isTrue();
        assertThat(dir.resolve("new")).doesNotExist();
        assertThat(temps).allSatisfy(t -> assertThat(t).doesNotExist());
    }

    @Test
    void an_interrupted_thread_does_not_start_an_export() {
        Path out = dir.resolve("models");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> SavedModels.export(spec(out)))
                .isInstanceOf(ExportInterruptedException.class)
                .hasMessageContaining("interrupted before it started");
        assertThat(out).doesNotExist();
    }

    /**
     * An interrupt from another thread, sent when the export has reached {@code stage} (an observable event, not a
     * guessed delay): the export stops with nothing left behind, on any machine. The exporting thread waits at the stage
     * until the interrupt has arrived; {@code LockSupport.park} returns on an interrupt and keeps the status, as a
     * native call would.
     */
    @ParameterizedTest
    @EnumSource(value = SavedModelExporter.Step.class, names = "INSTALL", mode = EnumSource.Mode.EXCLUDE)
    void an_interrupt_from_another_thread_at_any_stage_leaves_nothing(SavedModelExporter.Step stage) throws Exception {
        Path out = dir.resolve("models");
        CountDownLatch reached = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        SavedModelExporter exporter =
                waitingAt(stage, reached, () -> Thread.currentThread().isInterrupted(), DEADLINE.toNanos());
        Thread exporting = startExport(() -> exporter.export(spec(out, stage)), outcome);
        assertReached(reached, stage);
        exporting.interrupt();
        assertInterrupted(exporting, outcome);
        assertThat(TestFiles.children(out)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = SavedModelExporter.Step.class, names = "INSTALL", mode = EnumSource.Mode.EXCLUDE)
    void a_cancel_at_any_stage_stops_the_export_and_leaves_nothing(SavedModelExporter.Step stage) {
        Path out = dir.resolve("new/models");
        ExportCancellation cancellation = new ExportCancellation();
        List<Path> temps = new ArrayList<>();
        SavedModelExporter exporter = recordingTemps(temps, stage, cancellation::cancel);
        assertStoppedAtAStage(() -> exporter.export(spec(out, stage), cancellation), out);
        assertThat(cancellation.isCancelled()).isTrue();
        assertThat(Thread.currentThread().isInterrupted())
                .as("a cancel does not interrupt the thread")
                .isFalse();
        assertThat(dir.resolve("new")).doesNotExist();
        assertThat(temps).allSatisfy(t -> assertThat(t).doesNotExist());
    }

    @Test
    void a_cancelled_token_does_not_start_an_export() {
        Path out = dir.resolve("models");
        ExportCancellation cancellation = new ExportCancellation();
        cancellation.cancel();
        assertThatThrownBy(() -> SavedModels.export(spec(out), cancellation))
                .isInstanceOf(ExportInterruptedException.class)
                .hasMessageContaining("interrupted before it started");
        assertThat(out).doesNotExist();
    }

    /**
     * {@link ExportCancellation#cancelAndAwait} from another thread (what a Ctrl-C handler does) returns once the
     * export has removed its files: the moment it returns, nothing is left.
     */
    @ParameterizedTest
    @EnumSource(value = SavedModelExporter.Step.class, names = "INSTALL", mode = EnumSource.Mode.EXCLUDE)
    void cancel_and_await_returns_after_the_export_has_cleaned_up(SavedModelExporter.Step stage) throws Exception {
        Path out = dir.resolve("models");
        ExportCancellation cancellation = new ExportCancellation();
        CountDownLatch reached = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        SavedModelExporter exporter = waitingAt(stage, reached, cancellation::isCancelled, 1_000_000);
        Thread exporting = startExport(() -> exporter.export(spec(out, stage), cancellation), outcome);
        assertReached(reached, stage);
        assertThat(cancellation.cancelAndAwait(DEADLINE)).isTrue();
        assertThat(TestFiles.children(out)).isEmpty();
        assertInterrupted(exporting, outcome);
    }

    /**
     * An export stuck in a step (as in a native write of a very large model) past {@link
     * ExportCancellation#cancelAndAwait}'s timeout: the token removes the temporary directory itself, and the export,
     * when it comes back, stops with nothing installed.
     */
    @Test
    void cancel_and_await_removes_the_files_of_an_export_that_does_not_finish_in_time() throws Exception {
        Path out = dir.resolve("new/models");
        ExportCancellation cancellation = new ExportCancellation();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Path> written = new AtomicReference<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
            if (s == SavedModelExporter.Step.WRITE) {
                written.set(temp);
                reached.countDown();
                release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        });
        Thread exporting = startExport(() -> exporter.export(spec(out), cancellation), outcome);
        assertThat(reached.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(written.get().resolve("saved_model.pb")).exists();
        assertThat(cancellation.cancelAndAwait(Duration.ofMillis(200))).isFalse();
        assertThat(written.get()).doesNotExist();
        assertThat(dir.resolve("new")).doesNotExist();
        release.countDown();
        assertInterrupted(exporting, outcome);
        assertThat(dir.resolve("new")).doesNotExist();
    }

    private static ExportSpec spec(Path out) {
        return spec(out, SavedModelExporter.Step.BUILD);
    }

    /**
     * The spec of a test at {@code step}: optimized for {@link SavedModelExporter.Step#FOLD}, int8 for {@link
     * SavedModelExporter.Step#QUANTIZE}, so that it runs.
     */
    private static ExportSpec spec(Path out, SavedModelExporter.Step step) {
        return ExportSpec.of(TestNets.tinyNet(10), out)
                .withSeed(1)
                .withOptimize(step == SavedModelExporter.Step.FOLD)
                .withInt8(step == SavedModelExporter.Step.QUANTIZE, null, 1);
    }

    /** An exporter that collects the temporary directories it is shown into {@code temps} and runs {@code atStage}. */
    private static SavedModelExporter recordingTemps(
            List<Path> temps, SavedModelExporter.Step stage, Runnable atStage) {
        return new SavedModelExporter((s, temp) -> {
            if (temp != null) {
                temps.add(temp);
            }
            if (s == stage) {
                atStage.run();
            }
        });
    }

    private static void assertStoppedAtAStage(ThrowingCallable export, Path out) {
        assertThatThrownBy(export)
                .isInstanceOf(ExportInterruptedException.class)
                .hasMessageStartingWith("export to " + out.toAbsolutePath().resolve("1") + " interrupted ")
                .hasMessageEndingWith("; nothing was installed and its temporary files were removed");
    }

    /**
     * An exporter that, at {@code stage}, counts {@code reached} down and then waits (parking {@code parkNanos} at a
     * time, at most {@link #DEADLINE}) until {@code released}.
     */
    private static SavedModelExporter waitingAt(
            SavedModelExporter.Step stage, CountDownLatch reached, BooleanSupplier released, long parkNanos) {
        return new SavedModelExporter((s, temp) -> {
            if (s == stage) {
                reached.countDown();
                long end = System.nanoTime() + DEADLINE.toNanos();
                while (!released.getAsBoolean() && System.nanoTime() < end) {
                    LockSupport.parkNanos(parkNanos);
                }
            }
        });
    }

    private static void assertReached(CountDownLatch reached, SavedModelExporter.Step stage)
            throws InterruptedException {
        assertThat(reached.await(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("the export reached " + stage)
                .isTrue();
    }

    /** The exporting thread ends, and its export stopped with an {@link ExportInterruptedException}. */
    private static void assertInterrupted(Thread exporting, AtomicReference<Object> outcome)
            throws InterruptedException {
        exporting.join(DEADLINE.toMillis());
        assertThat(exporting.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(ExportInterruptedException.class);
    }

    /** Runs {@code export} on a new, started thread; its result or exception goes to {@code outcome}. */
    private static Thread startExport(Supplier<ExportResult> export, AtomicReference<Object> outcome) {
        Thread exporting = new Thread(() -> {
            try {
                outcome.set(export.get());
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        exporting.start();
        return exporting;
    }
}
