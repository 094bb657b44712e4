/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.testing.MemorySampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;

/**
 * Repeated calls through a loaded SavedModel do not grow memory: after a warm-up, 100 calls of slim's tiny net (CI)
 * or 1,000 calls of resnet_v2_50 ({@code soak} tag) change VmRSS and JavaCPP's physical-bytes counter by at most 5%.
 * Each call feeds distinct values through {@link SavedModelPredictor#predict} (input tensor created and closed,
 * outputs copied to the heap, {@code Result} closed). The run is a fresh child JVM, as in resnet-graph's {@code
 * ForwardSoakTest}, whose leaking control shows that this measurement sees a leak of one input per call.
 */
class SavedModelSoakTest {
  private static final int BATCH = 8;
  private static final int SIZE = 128;

  @TempDir Path work;

  @Test
  void hundredCallsThroughASavedModelDoNotGrowMemory() throws Exception {
    Path model = export(TestNets.TINY, 10);
    Memory m = inChildJvm(model, 30, 100);
    System.out.printf(Locale.ROOT, "tiny SavedModel, 100 calls of batch %d at %dx%d: %s%n", BATCH, SIZE, SIZE, m);
    assertThat(m.rssGrowth()).as(m.toString()).isLessThanOrEqualTo(0.05);
    assertThat(m.physicalGrowth()).as(m.toString()).isLessThanOrEqualTo(0.05);
  }

  @Test
  @Tag("soak")
  void thousandCallsThroughAResnetV2_50SavedModelDoNotGrowMemory() throws Exception {
    Path model = export(Network.of(Depth.D50), 1000);
    Memory m = inChildJvm(model, 50, 1000);
    System.out.printf(Locale.ROOT, "resnet_v2_50 SavedModel soak, 1000 calls of batch %d at %dx%d: %s%n", BATCH, SIZE,
        SIZE, m);
    assertThat(m.rssGrowth()).as(m.toString()).isLessThanOrEqualTo(0.05);
    assertThat(m.physicalGrowth()).as(m.toString()).isLessThanOrEqualTo(0.05);
  }

  private Path export(Network network, int classes) throws Exception {
    Path dir = work.resolve("model");
    try (InferenceModel m = InferenceModel.build(new ModelSpec(network, classes, SIZE, false, 1))) {
      m.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(m.session()).withSignature(m.signature()).export();
    }
    return dir;
  }

  /** Resident memory (VmRSS) and JavaCPP's physical bytes after the warm-up and after the timed calls. */
  record Memory(long rssBefore, long rssAfter, long physicalBefore, long physicalAfter, int calls) {
    double rssGrowth() {
      return (double) (rssAfter - rssBefore) / rssBefore;
    }

    double physicalGrowth() {
      return (double) (physicalAfter - physicalBefore) / physicalBefore;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "VmRSS %,d -> %,d bytes (%+.2f%%), JavaCPP physical bytes %,d -> %,d (%+.2f%%)",
          rssBefore, rssAfter, 100 * rssGrowth(), physicalBefore, physicalAfter, 100 * physicalGrowth());
    }
  }

  private Memory inChildJvm(Path model, int warmup, int calls) throws Exception {
    Path log = work.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), model.toString(), Integer.toString(warmup), Integer.toString(calls)));
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(3600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM timed out; log:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new AssertionError("child JVM exited " + p.exitValue() + "; log:\n" + out);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith("MEMORY ")) {
        String[] f = line.split(" ");
        return new Memory(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
            calls);
      }
    }
    throw new AssertionError("no MEMORY line from the child; log:\n" + out);
  }

  /** The measured process: {@code DIR WARMUP CALLS}; prints {@code MEMORY rss0 rss1 physical0 physical1}. */
  static final class Child {
    public static void main(String[] args) {
      Path dir = Path.of(args[0]);
      int warmup = Integer.parseInt(args[1]);
      int calls = Integer.parseInt(args[2]);
      try (SavedModelPredictor p = SavedModelPredictor.load(dir)) {
        long rss0 = 0;
        long physical0 = 0;
        for (int i = 0; i < warmup + calls; i++) {
          if (i == warmup) {
            rss0 = MemorySampler.residentBytes();
            physical0 = MemorySampler.javacppPhysicalBytes();
          }
          Map<String, FloatValues> out = p.predict(FloatValues.uniform(Shape.of(BATCH, SIZE, SIZE, 3), i, -1f, 1f));
          if (out.get(ServingSignature.LOGITS).shape().get(0) != BATCH) {
            throw new IllegalStateException("unexpected output shape " + out.get(ServingSignature.LOGITS).shape());
          }
        }
        System.out.println("MEMORY " + rss0 + " " + MemorySampler.residentBytes() + " " + physical0 + " "
            + MemorySampler.javacppPhysicalBytes());
      }
    }
  }
}
