/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tensorflow.ndarray.Shape;

/**
 * Loads a SavedModel in a separate JVM: {@link #main} is the child (load, run one synthetic batch, write the
 * outputs to a file); {@link #run} starts it with this JVM's class path and reads the outputs back.
 */
final class ChildProcessRunner {
  private ChildProcessRunner() {}

  /** Child entry point: {@code DIR BATCH SIZE SEED OUTFILE}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    try (LoadedSavedModel m = LoadedSavedModel.load(dir)) {
      FloatValues images = FloatValues.uniform(Shape.of(batch, size, size, 3), seed, -1f, 1f);
      Map<String, FloatValues> out = m.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, images));
      try (OutputStream os = Files.newOutputStream(Path.of(args[4]));
          DataOutputStream data = new DataOutputStream(os)) {
        data.writeInt(out.size());
        for (var e : out.entrySet()) {
          data.writeUTF(e.getKey());
          long[] dims = e.getValue().shape().asArray();
          data.writeInt(dims.length);
          for (long d : dims) {
            data.writeLong(d);
          }
          for (float f : e.getValue().data()) {
            data.writeFloat(f);
          }
        }
      }
    }
  }

  /** Runs {@link #main} in a new JVM and returns its outputs; fails with the child's log on a non-zero exit. */
  static Map<String, FloatValues> run(Path dir, int batch, int size, long seed, Path work) throws Exception {
    Path outFile = work.resolve("child-outputs.bin");
    Path log = work.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(
        java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), ChildProcessRunner.class.getName(),
        dir.toString(), Integer.toString(batch), Integer.toString(size), Long.toString(seed), outFile.toString()));
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM timed out; log:\n" + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("child JVM exited " + p.exitValue() + "; log:\n" + Files.readString(log));
    }
    Map<String, FloatValues> out = new LinkedHashMap<>();
    try (InputStream is = Files.newInputStream(outFile); DataInputStream data = new DataInputStream(is)) {
      int n = data.readInt();
      for (int i = 0; i < n; i++) {
        String name = data.readUTF();
        long[] dims = new long[data.readInt()];
        for (int d = 0; d < dims.length; d++) {
          dims[d] = data.readLong();
        }
        Shape shape = Shape.of(dims);
        float[] values = new float[(int) shape.size()];
        for (int k = 0; k < values.length; k++) {
          values[k] = data.readFloat();
        }
        out.put(name, new FloatValues(shape, values));
      }
    }
    return out;
  }
}
