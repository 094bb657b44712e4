/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.slim.ModelVariable;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The optimized export ({@code optimize}: batch norms folded) of slim's tiny net, restored from a checkpoint whose
 * batch-norm variables hold random values (so folding is far from the identity). The reference is the unfolded
 * graph, built independently and restored from the same checkpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FoldedExportTest {
  private static final int CLASSES = 10;

  private Path dir;
  private Path ckpt;
  private ExportResult exported;

  @BeforeAll
  void exportFolded(@TempDir Path shared) throws Exception {
    dir = shared;
    Files.createDirectories(dir.resolve("ckpt"));
    ckpt = dir.resolve("ckpt/model.ckpt");
    try (InferenceModel a = InferenceModel.build(TestNets.tiny(CLASSES, 1))) {
      a.initialize();
      randomizeBatchNorms(a, 5);
      a.save(ckpt);
    }
    exported = SavedModels.export(
        ExportSpec.builder(TestNets.tiny(CLASSES, 2), dir.resolve("folded")).checkpoint(ckpt).optimize(true).build());
  }

  /** Assigns gamma in [0.5, 1.5), beta and moving mean in [-0.5, 0.5), moving variance in [0.25, 2). */
  static void randomizeBatchNorms(InferenceModel m, long seed) {
    Ops tf = Ops.create(m.graph()).withSubScope("randomize");
    SplittableRandom random = new SplittableRandom(seed);
    List<Op> assigns = new ArrayList<>();
    for (ModelVariable v : m.model().variables()) {
      float low;
      float high;
      switch (v.role()) {
        case GAMMA -> {
          low = 0.5f;
          high = 1.5f;
        }
        case BETA, MOVING_MEAN -> {
          low = -0.5f;
          high = 0.5f;
        }
        case MOVING_VARIANCE -> {
          low = 0.25f;
          high = 2f;
        }
        default -> {
          continue;
        }
      }
      FloatValues values = FloatValues.uniform(v.shape(), random.nextLong(), low, high);
      try (var t = values.toTensor()) {
        assigns.add(tf.assign(v.variable(), tf.constantOf(t)));
      }
    }
    var runner = m.session().runner();
    assigns.forEach(runner::addTarget);
    runner.run().close();
  }

  /** The unfolded model restored from the checkpoint: the reference. */
  private Map<String, FloatValues> unfolded(FloatValues images) {
    try (InferenceModel ref = InferenceModel.build(TestNets.tiny(CLASSES, 3))) {
      ref.restore(ckpt, List.of());
      return ref.run(images);
    }
  }

  private static double maxAbs(FloatValues v) {
    double m = 0;
    for (float x : v.data()) {
      m = Math.max(m, Math.abs((double) x));
    }
    return m;
  }

  @Test
  void reloaded_folded_outputs_match_the_unfolded_graph_within_the_relative_tolerance() {
    FloatValues images = FloatValues.uniform(Shape.of(3, 32, 32, 3), 11, -1f, 1f);
    Map<String, FloatValues> want = unfolded(images);
    Map<String, FloatValues> seeded;
    try (InferenceModel plain = InferenceModel.build(TestNets.tiny(CLASSES, 1))) {
      plain.initialize();
      seeded = plain.run(images);
    }
    // The random statistics matter: the same weights with slim's initial statistics give other logits.
    assertThat(seeded.get("logits").maxAbsDiff(want.get("logits"))).isGreaterThan(1e-2);
    assertThat(maxAbs(want.get("logits"))).isGreaterThan(1e-2);
    try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
      Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
      assertThat(got.keySet()).containsExactlyInAnyOrder("logits", "predictions", "features");
      for (String name : want.keySet()) {
        double bound = 1e-4 * Math.max(1, maxAbs(want.get(name)));
        assertThat(got.get(name).maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(bound);
      }
    }
    assertThat(exported.optimized()).isTrue();
    assertThat(exported.maxAbsDiff()).containsOnlyKeys("logits", "predictions", "features");
    exported.maxAbsDiff().forEach((name, d) -> assertThat(d).as(name).isLessThanOrEqualTo(
        exported.tolerance().get(name)));
  }

  @Test
  void the_export_is_the_folded_graph_no_batch_norm_after_a_convolution() throws Exception {
    List<CheckpointEntry> vars = SavedModels.listCheckpoint(exported.target().resolve("variables/variables"));
    List<String> names = vars.stream().map(CheckpointEntry::name).toList();
    // the convolutions' batch norms are folded away; preact and postnorm (after no convolution) stay
    assertThat(names).isNotEmpty()
        .noneMatch(n -> n.contains("BatchNorm"))
        .allMatch(n -> !n.contains("moving_") || n.contains("/preact/") || n.contains("/postnorm/"))
        .contains("resnet_v2/block1/unit_1/bottleneck_v2/conv1/biases", "resnet_v2/postnorm/moving_mean",
            "resnet_v2/block1/unit_1/bottleneck_v2/preact/gamma", "resnet_v2/logits/weights");
    SavedModel proto;
    try (InputStream in = Files.newInputStream(exported.target().resolve("saved_model.pb"))) {
      proto = SavedModel.parseFrom(in);
    }
    List<NodeDef> nodes = proto.getMetaGraphs(0).getGraphDef().getNodeList();
    assertThat(nodes).extracting(NodeDef::getOp).contains("Conv2D");
    assertThat(nodes.stream().filter(n -> n.getOp().startsWith("FusedBatchNorm")).map(NodeDef::getName))
        .isNotEmpty()
        .allMatch(n -> n.endsWith("/preact/FusedBatchNormV3") || n.endsWith("/postnorm/FusedBatchNormV3"));

    List<CheckpointEntry> source = SavedModels.listCheckpoint(ckpt);
    long sourceParameters = source.stream().mapToLong(e -> e.shape().size()).sum();
    long parameters = vars.stream().mapToLong(e -> e.shape().size()).sum();
    assertThat(exported.variableCount()).isEqualTo(vars.size());
    assertThat(exported.parameterCount()).isEqualTo(parameters).isLessThan(sourceParameters);
    ExportResult.Folding folding = exported.folding().orElseThrow();
    assertThat(folding.sourceVariableCount()).isEqualTo(source.size());
    assertThat(folding.sourceParameterCount()).isEqualTo(sourceParameters);
    // Every BatchNorm scope of the checkpoint (a convolution's batch norm, 4 variables) was folded.
    assertThat(folding.batchNorms() * 4L)
        .isEqualTo(source.stream().filter(e -> e.name().contains("/BatchNorm/")).count());
  }

  @Test
  void a_folded_reload_that_does_not_reproduce_the_unfolded_model_is_not_installed() throws Exception {
    // Another seed's folded variables: the same names and shapes, other values.
    Path other = Files.createDirectories(dir.resolve("other"));
    try (InferenceModel seed9 = InferenceModel.build(TestNets.tiny(CLASSES, 9))) {
      seed9.initialize();
      try (InferenceModel folded = InferenceModel.buildFolded(TestNets.tiny(CLASSES, 9), seed9.weights())) {
        folded.initialize();
        folded.save(other.resolve("variables"));
      }
    }
    Path out = dir.resolve("swapped");
    SavedModelExporter exporter = new SavedModelExporter((s, temp) -> {
      if (s == SavedModelExporter.Stage.WRITTEN) {
        for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
          Files.copy(other.resolve(f), temp.resolve("variables").resolve(f),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    });
    assertThatThrownBy(() -> exporter.export(
            ExportSpec.builder(TestNets.tiny(CLASSES, 2), out).checkpoint(ckpt).optimize(true).build()))
        .isInstanceOf(SavedModelException.class)
        .hasMessageContaining("does not reproduce the unfolded model")
        .hasMessageContaining("logits max |Δ|");
    assertThat(TestNets.children(out)).isEmpty();
  }
}
