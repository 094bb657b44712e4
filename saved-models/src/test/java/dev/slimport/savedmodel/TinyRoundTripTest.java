/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Export → reload round trips of slim's tiny test net (resnet_v2_50's block table at base depth 1, 32×32, 10
 * classes). References are independent of the export: a freshly built model with the same seed, and plain-Java
 * recomputations of softmax, the 1×1 logits convolution and the global mean pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TinyRoundTripTest {
  private static final int CLASSES = 10;
  private static final long SEED = 42;

  private Path dir;
  private ExportResult exported;
  /** Built independently of the export, with the same spec and seed: the reference outputs. */
  private InferenceModel fresh;

  @BeforeAll
  void export(@TempDir Path shared) {
    dir = shared;
    exported = SavedModels.export(ExportSpec.builder(TestNets.tiny(CLASSES, SEED), dir.resolve("models")).build());
    fresh = InferenceModel.build(TestNets.tiny(CLASSES, SEED));
  }

  @AfterAll
  void close() {
    fresh.close();
  }

  @Test
  void writes_tf_serving_layout_and_nothing_else() throws Exception {
    Path out = dir.resolve("models");
    assertThat(exported.target()).isEqualTo(out.toAbsolutePath().resolve("1"));
    assertThat(TestNets.children(out)).containsExactly("1");
    assertThat(TestNets.children(out.resolve("1"))).containsExactly("saved_model.pb", "variables");
    assertThat(TestNets.children(out.resolve("1/variables")))
        .containsExactly("variables.data-00000-of-00001", "variables.index");
    assertThat(exported.savedModelBytes()).isEqualTo(Files.size(out.resolve("1/saved_model.pb")));
    assertThat(exported.maxAbsDiff()).containsOnlyKeys("logits", "predictions", "features");
    assertThat(exported.maxAbsDiff().values()).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(1e-5));
    assertThat(exported.optimized()).isFalse();
    assertThat(exported.tolerance()).containsOnlyKeys("logits", "predictions", "features");
    assertThat(exported.tolerance().values()).containsOnly(1e-5);
  }

  /** TF Serving often runs as another user: the version directory gets the umask's mode, not a temp dir's 0700. */
  @Test
  void the_version_directory_has_the_permissions_of_an_ordinary_new_directory() throws Exception {
    Path probe = Files.createDirectory(dir.resolve("probe"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("models/1")))
        .isEqualTo(Files.getPosixFilePermissions(probe));
  }

  @Test
  void signature_names_dtypes_shapes_and_method_are_as_documented() {
    SavedModelInfo info = SavedModels.inspect(exported.target());
    assertThat(info.metaGraphs()).hasSize(1);
    SavedModelInfo.MetaGraph mg = info.metaGraphs().get(0);
    assertThat(mg.tags()).containsExactly("serve");
    assertThat(mg.signatures()).extracting(SignatureInfo::key).containsExactly("serving_default");
    SignatureInfo sig = mg.signatures().get(0);
    assertThat(sig.methodName()).isEqualTo("tensorflow/serving/predict");
    assertThat(sig.inputs()).containsOnlyKeys("images");
    assertThat(sig.outputs()).containsOnlyKeys("logits", "predictions", "features");
    assertThat(sig.inputs().get("images").dtype()).isEqualTo(DataType.DT_FLOAT);
    assertThat(sig.inputs().get("images").tensorName()).isEqualTo("images:0");
    assertThat(Dtypes.shape(sig.inputs().get("images").shape())).isEqualTo("[-1,32,32,3]");
    assertThat(Dtypes.shape(sig.outputs().get("logits").shape())).isEqualTo("[-1," + CLASSES + "]");
    assertThat(Dtypes.shape(sig.outputs().get("predictions").shape())).isEqualTo("[-1," + CLASSES + "]");
    assertThat(Dtypes.shape(sig.outputs().get("features").shape())).isEqualTo("[-1," + TestNets.TINY_FEATURES + "]");
    assertThat(sig.outputs().values()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DataType.DT_FLOAT));
    assertThat(exported.signature()).isEqualTo(sig);
  }

  @Test
  void reload_reproduces_a_fresh_model_with_the_same_seed_at_batch_1_and_3() {
    try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
      for (int batch : new int[] {1, 3}) {
        FloatValues images = FloatValues.uniform(Shape.of(batch, 32, 32, 3), 100 + batch, -1f, 1f);
        Map<String, FloatValues> want = fresh.run(images);
        Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
        assertThat(got.keySet()).containsExactlyInAnyOrder("logits", "predictions", "features");
        for (String name : want.keySet()) {
          assertThat(got.get(name).shape().asArray()).isEqualTo(want.get(name).shape().asArray());
          assertThat(got.get(name).maxAbsDiff(want.get(name))).as(name + " batch " + batch).isLessThanOrEqualTo(1e-5);
        }
        assertThat(got.get("logits").shape().asArray()).containsExactly(batch, CLASSES);
      }
    }
  }

  @Test
  void outputs_agree_with_plain_java_softmax_logits_conv_and_mean_pool() throws Exception {
    FloatValues images = FloatValues.uniform(Shape.of(2, 32, 32, 3), 7, -1f, 1f);
    Map<String, FloatValues> got;
    try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
      got = loaded.run("serving_default", Map.of("images", images));
    }
    FloatValues logits = got.get("logits");
    FloatValues predictions = got.get("predictions");
    FloatValues features = got.get("features");
    int f = TestNets.TINY_FEATURES;

    // predictions = softmax(logits), per row
    for (int b = 0; b < 2; b++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < CLASSES; c++) {
        max = Math.max(max, logits.get(b * CLASSES + c));
      }
      double sum = 0;
      for (int c = 0; c < CLASSES; c++) {
        sum += Math.exp(logits.get(b * CLASSES + c) - max);
      }
      for (int c = 0; c < CLASSES; c++) {
        double p = Math.exp(logits.get(b * CLASSES + c) - max) / sum;
        assertThat((double) predictions.get(b * CLASSES + c)).isCloseTo(p, within(1e-6));
      }
    }

    // logits = features · W + b with W [1,1,F,C] and b [C] read from the exported variables
    try (CheckpointReader reader = CheckpointReader.open(exported.target().resolve("variables/variables"))) {
      assertThat(reader.entry("resnet_v2/logits/weights").orElseThrow().shape().asArray())
          .containsExactly(1, 1, f, CLASSES);
      FloatValues w;
      FloatValues bias;
      try (TFloat32 wt = reader.readFloat32("resnet_v2/logits/weights");
          TFloat32 bt = reader.readFloat32("resnet_v2/logits/biases")) {
        w = FloatValues.of(wt);
        bias = FloatValues.of(bt);
      }
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < CLASSES; c++) {
          double z = bias.get(c);
          for (int k = 0; k < f; k++) {
            z += (double) features.get(b * f + k) * w.get(k * CLASSES + c);
          }
          assertThat((double) logits.get(b * CLASSES + c)).isCloseTo(z, within(1e-4));
        }
      }
    }

    // features = mean of postnorm over height and width (slim's global_pool), postnorm from a fresh model
    try (TFloat32 in = images.toTensor();
        Result r = fresh.session().runner().feed(fresh.images(), in).fetch(fresh.model().postnorm()).run()) {
      FloatValues post = FloatValues.of((TFloat32) r.get(0));
      long[] s = post.shape().asArray();
      assertThat(s).containsExactly(2, 1, 1, f);
      for (int b = 0; b < 2; b++) {
        for (int k = 0; k < f; k++) {
          double mean = 0;
          for (int i = 0; i < s[1] * s[2]; i++) {
            mean += post.get((int) ((b * s[1] * s[2] + i) * f + k));
          }
          mean /= s[1] * s[2];
          assertThat((double) features.get(b * f + k)).isCloseTo(mean, within(1e-5));
        }
      }
    }
  }

  @Test
  void reload_by_hand_in_a_new_graph_and_session_without_saved_model_bundle() throws Exception {
    FloatValues images = FloatValues.uniform(Shape.of(3, 32, 32, 3), 11, -1f, 1f);
    Map<String, FloatValues> want = fresh.run(images);
    MetaGraphDef mg;
    try (SavedModelBundle b = SavedModelBundle.load(exported.target().toString(), "serve")) {
      mg = b.metaGraphDef();
    }
    try (Graph g = new Graph()) {
      g.importGraphDef(mg.getGraphDef());
      try (Session s = new Session(g); TFloat32 in = images.toTensor()) {
        s.restore(exported.target().resolve("variables/variables").toString());
        String logitsName = mg.getSignatureDefOrThrow("serving_default").getOutputsOrThrow("logits").getName();
        try (Result r = s.runner().feed("images:0", in).fetch(logitsName).run()) {
          assertThat(FloatValues.of((TFloat32) r.get(0)).maxAbsDiff(want.get("logits"))).isLessThanOrEqualTo(1e-5);
        }
      }
    }
  }

  @Test
  void a_separate_jvm_loads_it_and_gets_the_same_outputs() throws Exception {
    Map<String, FloatValues> child = ChildProcessRunner.run(exported.target(), 2, 32, 5, dir);
    Map<String, FloatValues> here;
    try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
      here = loaded.run("serving_default",
          Map.of("images", FloatValues.uniform(Shape.of(2, 32, 32, 3), 5, -1f, 1f)));
    }
    assertThat(child.keySet()).containsExactlyInAnyOrderElementsOf(here.keySet());
    for (String name : here.keySet()) {
      assertThat(child.get(name).maxAbsDiff(here.get(name))).as(name).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void dynamic_size_accepts_any_height_and_width_and_batch() {
    ModelSpec spec = TestNets.tiny(CLASSES, SEED).withDynamicSize(true);
    ExportResult r = SavedModels.export(ExportSpec.builder(spec, dir.resolve("dynamic")).build());
    assertThat(Dtypes.shape(r.signature().inputs().get("images").shape())).isEqualTo("[-1,-1,-1,3]");
    assertThat(Dtypes.shape(r.signature().outputs().get("logits").shape())).isEqualTo("[-1," + CLASSES + "]");
    try (InferenceModel freshDynamic = InferenceModel.build(spec);
        LoadedSavedModel loaded = LoadedSavedModel.load(r.target())) {
      for (int[] bs : new int[][] {{1, 32, 32}, {3, 64, 48}, {2, 45, 33}}) {
        FloatValues images = FloatValues.uniform(Shape.of(bs[0], bs[1], bs[2], 3), bs[1], -1f, 1f);
        Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
        Map<String, FloatValues> want = freshDynamic.run(images);
        for (String name : want.keySet()) {
          assertThat(got.get(name).maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(1e-5);
        }
        assertThat(got.get("features").shape().asArray()).containsExactly(bs[0], TestNets.TINY_FEATURES);
        if (bs[1] == 32 && bs[2] == 32) {
          assertThat(got.get("logits").maxAbsDiff(fresh.run(images).get("logits"))).isLessThanOrEqualTo(1e-5);
        }
      }
    }
  }

  @Test
  void same_seed_gives_byte_identical_variables_and_another_seed_does_not() throws Exception {
    Path a = exported.target();
    Path b = SavedModels.export(ExportSpec.builder(TestNets.tiny(CLASSES, SEED), dir.resolve("seedB")).build())
        .target();
    Path c = SavedModels.export(ExportSpec.builder(TestNets.tiny(CLASSES, SEED + 1), dir.resolve("seedC")).build())
        .target();
    String data = "variables/variables.data-00000-of-00001";
    String index = "variables/variables.index";
    assertThat(Files.mismatch(a.resolve(data), b.resolve(data))).isEqualTo(-1L);
    assertThat(Files.mismatch(a.resolve(index), b.resolve(index))).isEqualTo(-1L);
    assertThat(Files.mismatch(a.resolve(data), c.resolve(data))).isNotEqualTo(-1L);
  }

  @Test
  void features_only_model_without_classes() {
    ExportResult r = SavedModels.export(ExportSpec.builder(TestNets.tiny(0, SEED), dir.resolve("features")).build());
    assertThat(r.signature().outputs()).containsOnlyKeys("features");
    assertThat(Dtypes.shape(r.signature().outputs().get("features").shape())).isEqualTo("[-1,32]");
  }

  @Test
  void verify_lists_signatures_runs_one_batch_and_resolves_the_highest_version() throws Exception {
    Path out = dir.resolve("versions");
    TestNets.copyTree(exported.target(), out.resolve("2"));
    TestNets.copyTree(exported.target(), out.resolve("10"));
    Files.createDirectories(out.resolve("11-not-a-version"));
    VerifyResult v = SavedModels.verify(new VerifySpec(out, null, 3, 224, 0));
    assertThat(v.dir()).isEqualTo(out.toAbsolutePath().resolve("10"));
    assertThat(v.tags()).containsExactly("serve");
    assertThat(v.signatures()).extracting(SignatureInfo::key).containsExactly("serving_default");
    assertThat(v.signatureKey()).isEqualTo("serving_default");
    assertThat(v.fed().get("images").asArray()).containsExactly(3, 32, 32, 3);
    assertThat(v.outputs()).extracting(VerifyResult.OutputSummary::name)
        .containsExactly("features", "logits", "predictions");
    assertThat(v.outputs().get(1).shape().asArray()).containsExactly(3, CLASSES);
    assertThat(v.allFinite()).isTrue();
    // predictions are probabilities: in [0, 1], mean exactly 1/C per row
    VerifyResult.OutputSummary p = v.outputs().get(2);
    assertThat(p.min()).isGreaterThanOrEqualTo(0);
    assertThat(p.max()).isLessThanOrEqualTo(1);
    assertThat(p.mean()).isCloseTo(1.0 / CLASSES, within(1e-6));
    assertThat(v.outputs().get(2).argmaxFirst()).isEqualTo(v.outputs().get(1).argmaxFirst());
  }
}
