/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.testing.MemorySampler;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Repeated forward calls through the library do not grow resident memory: after a warm-up, 100 calls (CI) or 1,000
 * calls on resnet_v2_50 ({@code soak} tag) change VmRSS by at most 5%. A control run that forgets to close its input
 * tensors shows that the measurement notices a leak of that size. Each run is a fresh JVM, so memory that earlier
 * tests freed into TensorFlow's allocator pools cannot hide a leak.
 */
class ForwardSoakTest {

  private static final int BATCH = 8;
  private static final int SIZE = 128;

  @TempDir Path work;

  @Test
  void hundredForwardCallsDoNotGrowResidentMemory() throws Exception {
    long[] rss = inChildJvm("small", 30, 100, false);
    assertThat(growth(rss)).as("VmRSS %,d -> %,d bytes", rss[0], rss[1]).isLessThanOrEqualTo(0.05);
  }

  @Test
  void theMeasurementSeesALeakOfTheInputs() throws Exception {
    // each leaked input is 8 x 128 x 128 x 3 floats = 1.5 MiB; 100 of them are 150 MiB
    long[] rss = inChildJvm("small", 30, 100, true);
    assertThat(rss[1] - rss[0]).as("VmRSS %,d -> %,d bytes", rss[0], rss[1]).isGreaterThan(100L << 20);
  }

  @Test
  @Tag("soak")
  void thousandForwardCallsOfResnetV2_50DoNotGrowResidentMemory() throws Exception {
    long[] rss = inChildJvm("resnet_v2_50", 50, 1000, false);
    System.out.printf("resnet_v2_50 soak, 1000 calls of batch %d at %dx%d: VmRSS %,d -> %,d bytes (%+.2f%%)%n",
        BATCH, SIZE, SIZE, rss[0], rss[1], 100 * growth(rss));
    assertThat(growth(rss)).isLessThanOrEqualTo(0.05);
  }

  private static double growth(long[] rss) {
    return (double) (rss[1] - rss[0]) / rss[0];
  }

  private long[] inChildJvm(String model, int warmup, int calls, boolean leak) throws Exception {
    Path log = work.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
            Child.class.getName(), model, Integer.toString(warmup), Integer.toString(calls), Boolean.toString(leak)));
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(1800, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM timed out; log:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new AssertionError("child JVM exited " + p.exitValue() + "; log:\n" + out);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith("RSS ")) {
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
      }
    }
    throw new AssertionError("no RSS line from the child; log:\n" + out);
  }

  /** The measured process: {@code MODEL WARMUP CALLS LEAK}; prints {@code RSS before after}. */
  static final class Child {
    public static void main(String[] args) {
      ResNetV2.Builder builder =
          args[0].equals("small") ? ResNetV2.builder(SmallNets.small()) : ResNetV2.resnetV2_50().numClasses(1000);
      int warmup = Integer.parseInt(args[1]);
      int calls = Integer.parseInt(args[2]);
      boolean leak = Boolean.parseBoolean(args[3]);
      List<TFloat32> leaked = new ArrayList<>();
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        ResNetModel m = builder.isTraining(false).build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
        s.initialize();
        long before = 0;
        for (int i = 0; i < warmup + calls; i++) {
          if (i == warmup) {
            before = MemorySampler.residentBytes();
          }
          TFloat32 input = Nhwc.uniform(i, -1, 1, BATCH, SIZE, SIZE, 3).toTensor();
          try (Result r = s.runner().feed(m.images(), input).fetch(m.output()).run()) {
            if (r.get(0).shape().get(0) != BATCH) {
              throw new IllegalStateException("unexpected output shape " + r.get(0).shape());
            }
          }
          if (leak) {
            leaked.add(input);
          } else {
            input.close();
          }
        }
        System.out.println("RSS " + before + " " + MemorySampler.residentBytes());
      } finally {
        leaked.forEach(TFloat32::close);
      }
    }
  }
}
