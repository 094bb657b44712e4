/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.runtime.DeviceRequest;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * The seed notebook's forward benchmark as one owner of its native resources: the graph (built once, here), the
 * session and, for {@code --input fixed}, the host input tensor. A step is {@code Runner.run()} on a runner prepared
 * once, and closing its {@link Result} — nothing else happens in Java per step.
 *
 * <p>With the random input the images are {@code random_uniform([B,H,W,3])} generated in the graph at every step,
 * as in the seed, behind a {@code PlaceholderWithDefault} named {@code images} so that a host batch can be fed for
 * the precision check; with the fixed input they are a placeholder fed the same host tensor at every step.
 */
public final class ForwardBenchmark implements AutoCloseable {

  /** Where the images come from. */
  public enum InputMode {
    /** {@code random_uniform} in the graph, new values each step (the seed's). */
    RANDOM,
    /** One host tensor fed at every step. */
    FIXED
  }

  private final ModelSpec spec;
  private final Graph graph;
  private final ResNetModel model;
  private final Operand<TFloat32> images;
  private final Operand<?> fetch;
  private final Operand<?> probe;
  private final TFloat32 hostInput;
  private final double buildSeconds;
  private Session session;
  private Session.Runner runner;

  private ForwardBenchmark(
      ModelSpec spec,
      Graph graph,
      ResNetModel model,
      Operand<TFloat32> images,
      Operand<?> probe,
      TFloat32 hostInput,
      double seconds) {
    this.spec = spec;
    this.probe = probe;
    this.graph = graph;
    this.model = model;
    this.images = images;
    this.fetch = model.logits().isPresent() ? model.logits().get() : model.output();
    this.hostInput = hostInput;
    this.buildSeconds = seconds;
  }

  /** Builds the graph (timed); the session is created by {@link #initialize}. */
  public static ForwardBenchmark build(ModelSpec spec, InputMode input, DeviceRequest device) {
    long t0 = System.nanoTime();
    Graph graph = new Graph();
    TFloat32 host = null;
    try {
      Ops tf = Ops.create(graph).withDevice(device.toDeviceSpec());
      Shape shape = Shape.of(spec.batchSize(), spec.height(), spec.width(), 3);
      Operand<TFloat32> images;
      if (input == InputMode.RANDOM) {
        Operand<TFloat32> random =
            tf.withName("random_uniform")
                .random
                .randomUniform(tf.constant(shape.asArray()), TFloat32.class,
                    RandomUniform.seed(spec.seed()), RandomUniform.seed2(1L));
        images = tf.withName("images").placeholderWithDefault(random, shape);
      } else {
        images = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(shape));
        host = uniformImages(spec, spec.batchSize());
      }
      ResNetModel model = spec.build(Ops.create(graph), images, device);
      Operand<?> probe = tf.withName("noop_probe").constant(0);
      return new ForwardBenchmark(spec, graph, model, images, probe, host, (System.nanoTime() - t0) / 1e9);
    } catch (RuntimeException | Error e) {
      if (host != null) {
        host.close();
      }
      graph.close();
      throw e;
    }
  }

  /** A batch of uniform [0, 1) images from a Java RNG seeded with the model seed. */
  public static TFloat32 uniformImages(ModelSpec spec, int batch) {
    Shape shape = Shape.of(batch, spec.height(), spec.width(), 3);
    float[] values = new float[Math.toIntExact(shape.size())];
    Random rng = new Random(spec.seed());
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextFloat();
    }
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /** The graph. */
  public Graph graph() {
    return graph;
  }

  /** The model built in the graph. */
  public ResNetModel model() {
    return model;
  }

  /** The graph build time in seconds. */
  public double buildSeconds() {
    return buildSeconds;
  }

  /** Creates the session and runs the variables' initializers; returns the seconds taken. */
  public double initialize(ConfigProto config) {
    long t0 = System.nanoTime();
    session = new Session(graph, config);
    session.initialize();
    model.loadWeights(session);
    runner = session.runner().fetch(fetch);
    if (hostInput != null) {
      runner.feed(images, hostInput);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** One step: runs the prepared runner and closes the result; returns its wall time in seconds. */
  public double step() {
    long t0 = System.nanoTime();
    try (Result r = runner.run()) {
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /**
   * Two steps with {@code FULL_TRACE} step stats (the second is kept: the first traced call pays one-time costs),
   * plus the median of 100 no-op {@code run()} calls fetching a constant.
   */
  public StepTrace trace() {
    traceOnce();
    StepTrace trace = traceOnce();
    Session.Runner noop = session.runner().fetch(probe);
    double[] noopSeconds = new double[100];
    for (int i = 0; i < noopSeconds.length; i++) {
      long t0 = System.nanoTime();
      try (Result r = noop.run()) {
        noopSeconds[i] = (System.nanoTime() - t0) / 1e9;
      }
    }
    return trace.withNoopRun(LatencyStats.of(noopSeconds).median());
  }

  private StepTrace traceOnce() {
    Session.Runner traced =
        session.runner().fetch(fetch)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
    if (hostInput != null) {
      traced.feed(images, hostInput);
    }
    long t0 = System.nanoTime();
    try (Result r = traced.runAndFetchMetadata()) {
      double wall = (System.nanoTime() - t0) / 1e9;
      RunMetadata metadata = r.getMetadata().orElse(RunMetadata.getDefaultInstance());
      return StepTrace.of(metadata, wall);
    }
  }

  /** The float32 logits (or outputs) for {@code input}, fed as the images. */
  public float[] outputs(TFloat32 input) {
    try (Result r = session.runner().feed(images, input).fetch(fetch).run()) {
      Tensor t = r.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new IllegalStateException("outputs: expected float32, got " + t.dataType());
      }
      float[] out = new float[Math.toIntExact(f.size())];
      f.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  /** The model configuration this benchmark runs. */
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    if (hostInput != null) {
      hostInput.close();
    }
    graph.close();
  }
}
