/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.Shape;

/**
 * {@link Thread#interrupt} during an export: it stops at the next step with an {@link ExportInterruptedException},
 * the thread stays interrupted, and the file system is as before (no target, no temporary directory, no directory
 * the export created). The JVM-shutdown path (Ctrl-C) is tested with a child process in resnet-bench's {@code
 * InterruptTest}.
 */
class ExportInterruptTest {
  @TempDir Path dir;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @ParameterizedTest
  @EnumSource(SavedModelExporter.Stage.class)
  void an_interrupt_at_any_stage_stops_the_export_and_leaves_nothing(SavedModelExporter.Stage stage) {
    Path out = dir.resolve("new/models");
    List<Path> temps = new ArrayList<>();
    SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
      if (temp != null) {
        temps.add(temp);
      }
      if (s == stage) {
        Thread.currentThread().interrupt();
      }
    });
    assertThatThrownBy(() -> exporter.export(ExportSpec.builder(TestNets.tiny(10, 1), out).build()))
        .isInstanceOf(ExportInterruptedException.class)
        .hasMessageStartingWith("export to " + out.toAbsolutePath().resolve("1") + " interrupted ")
        .hasMessageEndingWith("; nothing was installed and its temporary files were removed");
    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt status is kept").isTrue();
    assertThat(dir.resolve("new")).doesNotExist();
    assertThat(temps).allSatisfy(t -> assertThat(t).doesNotExist());
  }

  @Test
  void an_interrupted_thread_does_not_start_an_export() {
    Path out = dir.resolve("models");
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> SavedModels.export(ExportSpec.builder(TestNets.tiny(10, 1), out).build()))
        .isInstanceOf(ExportInterruptedException.class)
        .hasMessageContaining("interrupted before it started");
    assertThat(out).doesNotExist();
  }

  /** Interrupts from another thread at several moments: the outcome is a verified export or nothing at all. */
  @ParameterizedTest
  @ValueSource(longs = {0, 150, 400, 800, 1600})
  void an_interrupt_from_another_thread_at_any_moment_leaves_a_complete_export_or_nothing(long delayMillis)
      throws Exception {
    Path out = dir.resolve("models");
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread exporter = new Thread(() -> {
      try {
        outcome.set(SavedModels.export(ExportSpec.builder(TestNets.tiny(10, 1), out).build()));
      } catch (RuntimeException e) {
        outcome.set(e);
      }
    });
    exporter.start();
    Thread.sleep(delayMillis);
    exporter.interrupt();
    exporter.join(120_000);
    assertThat(exporter.isAlive()).isFalse();
    if (outcome.get() instanceof ExportResult r) {
      assertThat(TestFiles.children(out)).containsExactly("1");
      try (LoadedSavedModel m = LoadedSavedModel.load(r.target())) {
        assertThat(m.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES,
            FloatValues.uniform(Shape.of(1, 32, 32, 3), 0, -1, 1)))).containsKey(ServingSignature.LOGITS);
      }
    } else {
      assertThat(outcome.get()).isInstanceOf(ExportInterruptedException.class);
      assertThat(Files.exists(out) ? TestFiles.children(out) : List.of()).isEmpty();
    }
  }
}
