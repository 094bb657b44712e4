/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.resnet.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Export → reload round trips of slim's tiny test net (resnet_v2_50's block table at base depth 1, 64×64, so the
 * postnorm map is 2×2 and the global pool averages four positions; 10 classes). The reference is independent of the
 * export: resnet-graph's plain-Java forward ({@link JavaReference}) fed with the exported variables, and plain-Java
 * recomputations of softmax, the 1×1 logits convolution and the global mean pool; TensorFlow must agree with it
 * within a float32 round-off bound ({@link JavaReference#roundOffBound}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TinyRoundTripTest {
    private static final int CLASSES = 10;
    private static final long SEED = 42;
    private static final int SIZE = 64;
    /** 64 / 32 (the net's output stride) = 2: the postnorm map is 2×2. */
    private static final int MAP = 2;

    /** The reload check's keys: both signatures, and serving_default on serving_bytes' preprocessed batch. */
    static final String[] CHECKED = {
        "logits",
        "predictions",
        "features",
        "serving_bytes/logits",
        "serving_bytes/predictions",
        "serving_bytes/features",
        "serving_bytes=serving_default/logits",
        "serving_bytes=serving_default/predictions",
        "serving_bytes=serving_default/features"
    };

    private Path dir;
    private ExportResult exported;
    /** The exported variables, read back from {@code variables/variables}. */
    private Map<String, Nhwc> vars;

    @BeforeAll
    void export(@TempDir Path shared) {
        dir = shared;
        exported = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("models"))
                .withSeed(SEED));
        vars = JavaReference.readSavedModel(exported.target());
    }

    private static FloatValues images(int batch, int h, int w, long seed) {
        return FloatValues.uniform(Shape.of(batch, h, w, 3), seed, -1f, 1f);
    }

    private JavaReference.Outputs reference(FloatValues images) {
        return JavaReference.forward(vars, "resnet_v2", TestNets.TINY_TABLE, CLASSES, images);
    }

    /** Every output of {@code got} is within the round-off bound of the plain-Java reference. */
    private void assertAgreesWithReference(Map<String, FloatValues> got, FloatValues images, int pooled, String what) {
        Map<String, FloatValues> want = reference(images).outputs();
        double bound = JavaReference.roundOffBound(vars, pooled, JavaReference.scale(want));
        assertThat(got.keySet()).as(what).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (String name : want.keySet()) {
            assertThat(got.get(name).shape())
                    .as(what + " " + name)
                    .isEqualTo(want.get(name).shape());
            assertThat(got.get(name).maxAbsDiff(want.get(name)))
                    .as(what + " " + name)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void writes_tf_serving_layout_and_nothing_else() throws Exception {
        Path out = dir.resolve("models");
        assertThat(exported.target()).isEqualTo(out.toAbsolutePath().resolve("1"));
        assertThat(TestFiles.children(out)).containsExactly("1");
        assertThat(TestFiles.children(out.resolve("1"))).containsExactly("saved_model.pb", "variables");
        assertThat(TestFiles.children(out.resolve("1/variables")))
                .containsExactly("variables.data-00000-of-00001", "variables.index");
        assertThat(exported.savedModelBytes()).isEqualTo(Files.size(out.resolve("1/saved_model.pb")));
        assertThat(exported.folding()).isEmpty();
        assertThat(exported.tolerance()).containsOnlyKeys(CHECKED);
        assertThat(exported.tolerance().values()).containsOnly(SavedModelExporter.TOLERANCE);
        // The reload check runs in the exporting process, on the same GraphDef with the same variable values and the
        // same kernels and thread pools: it reproduces the exporting session bit for bit (tf-java-facts.md §4), so the
        // reported differences are exactly 0. The tolerance is for reloads elsewhere (another CPU's kernels). The same
        // holds for serving_bytes, and for serving_default fed the batch serving_bytes preprocessed.
        assertThat(exported.maxAbsDiff()).containsOnlyKeys(CHECKED);
        assertThat(exported.maxAbsDiff().values()).containsOnly(0.0);
        // What the reload check ran on: the documented check batch, independently reproduced here.
        try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
            FloatValues check =
                    FloatValues.uniform(Shape.of(1, SIZE, SIZE, 3), SavedModelExporter.CHECK_BATCH_SEED, -1f, 1f);
            assertAgreesWithReference(
                    loaded.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, check)),
                    check,
                    MAP * MAP,
                    "check batch");
        }
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
        SavedModelInfo info = SavedModelInfo.read(exported.target());
        assertThat(info.metaGraphs()).hasSize(1);
        SavedModelInfo.MetaGraph mg = info.metaGraphs().get(0);
        assertThat(mg.tags()).containsExactly("serve");
        assertThat(mg.signatures()).extracting(SignatureInfo::key).containsExactly("serving_bytes", "serving_default");
        SignatureInfo sig = mg.signatures().get(1);
        assertThat(sig.methodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(sig.inputs()).containsOnlyKeys("images");
        assertThat(sig.outputs()).containsOnlyKeys("logits", "predictions", "features");
        assertThat(sig.inputs().get("images").dtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(sig.inputs().get("images").tensorName()).isEqualTo("images:0");
        assertThat(Dtypes.shape(sig.inputs().get("images").shape())).isEqualTo("[-1," + SIZE + "," + SIZE + ",3]");
        assertThat(Dtypes.shape(sig.outputs().get("logits").shape())).isEqualTo("[-1," + CLASSES + "]");
        assertThat(Dtypes.shape(sig.outputs().get("predictions").shape())).isEqualTo("[-1," + CLASSES + "]");
        assertThat(Dtypes.shape(sig.outputs().get("features").shape()))
                .isEqualTo("[-1," + SmallNets.TINY_FEATURES + "]");
        assertThat(sig.outputs().values()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo(DataType.DT_FLOAT));
        assertThat(exported.signature()).isEqualTo(sig);
    }

    @Test
    void reload_agrees_with_the_plain_java_forward_of_the_exported_variables_at_batch_1_and_3() {
        try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
            for (int batch : new int[] {1, 3}) {
                FloatValues images = images(batch, SIZE, SIZE, 100 + batch);
                Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
                assertAgreesWithReference(got, images, MAP * MAP, "batch " + batch);
                assertThat(got.get("logits").shape().asArray()).containsExactly(batch, CLASSES);
            }
        }
    }

    @Test
    void outputs_agree_with_plain_java_softmax_logits_conv_and_a_mean_pool_over_a_2x2_map() throws Exception {
        FloatValues images = images(2, SIZE, SIZE, 7);
        int f = SmallNets.TINY_FEATURES;
        String postnormName;
        try (InferenceModel names = InferenceModel.build(TestNets.tinyNet(CLASSES, SIZE), SEED, false)) {
            postnormName = names.model().postnorm().op().name();
        }
        Map<String, FloatValues> got;
        FloatValues post;
        try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
            got = loaded.run("serving_default", Map.of("images", images));
            try (TFloat32 in = images.toTensor();
                    Result r = loaded.bundle()
                            .session()
                            .runner()
                            .feed("images:0", in)
                            .fetch(postnormName)
                            .run()) {
                post = FloatValues.of((TFloat32) r.get(0));
            }
        }
        FloatValues logits = got.get("logits");
        FloatValues predictions = got.get("predictions");
        FloatValues features = got.get("features");

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

        // logits = features · W + b with W [1,1,F,C] and b [C] read from the exported variables; a dot product of
        // length F in float32 is off by at most F·u of Σ|x·w|
        Nhwc w = vars.get("resnet_v2/logits/weights");
        float[] bias = vars.get("resnet_v2/logits/biases").data();
        assertThat(w.shape()).containsExactly(1, 1, f, CLASSES);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < CLASSES; c++) {
                double z = bias[c];
                double magnitude = Math.abs(bias[c]);
                for (int k = 0; k < f; k++) {
                    z += (double) features.get(b * f + k) * w.get(0, 0, k, c);
                    magnitude += Math.abs((double) features.get(b * f + k) * w.get(0, 0, k, c));
                }
                double bound = 2 * (f + 1) * JavaReference.UNIT_ROUNDOFF * magnitude;
                assertThat((double) logits.get(b * CLASSES + c)).isCloseTo(z, within(bound));
            }
        }

        // features = mean of the SavedModel's own postnorm over its 2×2 positions (slim's global_pool)
        assertThat(post.shape().asArray()).containsExactly(2, MAP, MAP, f);
        int distinct = 0;
        for (int b = 0; b < 2; b++) {
            for (int k = 0; k < f; k++) {
                double mean = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < MAP * MAP; i++) {
                    double v = post.get((b * MAP * MAP + i) * f + k);
                    mean += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                mean /= MAP * MAP;
                double bound = 4 * MAP * MAP * JavaReference.UNIT_ROUNDOFF * Math.max(1e-30, Math.abs(max));
                assertThat((double) features.get(b * f + k))
                        .as("feature %d of image %d", k, b)
                        .isCloseTo(mean, within(bound));
                if (max - min > 1e-3 * Math.max(1, Math.abs(max))) {
                    distinct++;
                }
            }
        }
        // The pool really averages: for most channels the four positions differ, so no single position equals the mean.
        assertThat(distinct).as("channels whose 2x2 postnorm values differ").isGreaterThan(f);

        // and the postnorm map itself agrees with the plain-Java forward
        Nhwc refPost = reference(images).postnorm();
        double bound = JavaReference.roundOffBound(vars, 0, refPost.maxAbs());
        assertThat(new Nhwc(post.shape().asArray(), post.data()).maxAbsDiff(refPost))
                .isLessThanOrEqualTo((float) bound);
    }

    @Test
    void reload_by_hand_in_a_new_graph_and_session_without_saved_model_bundle() throws Exception {
        FloatValues images = images(3, SIZE, SIZE, 11);
        MetaGraphDef mg;
        try (SavedModelBundle b = SavedModelBundle.load(exported.target().toString(), "serve")) {
            mg = b.metaGraphDef();
        }
        try (Graph g = new Graph()) {
            g.importGraphDef(mg.getGraphDef());
            try (Session s = new Session(g);
                    TFloat32 in = images.toTensor()) {
                s.restore(exported.target().resolve("variables/variables").toString());
                String logitsName = mg.getSignatureDefOrThrow("serving_default")
                        .getOutputsOrThrow("logits")
                        .getName();
                try (Result r =
                        s.runner().feed("images:0", in).fetch(logitsName).run()) {
                    FloatValues got = FloatValues.of((TFloat32) r.get(0));
                    Map<String, FloatValues> want = reference(images).outputs();
                    assertThat(got.maxAbsDiff(want.get("logits")))
                            .isLessThanOrEqualTo(
                                    JavaReference.roundOffBound(vars, MAP * MAP, JavaReference.scale(want)));
                }
            }
        }
    }

    /** The child of {@link #a_separate_jvm_loads_it_and_gets_the_reference_outputs}: {@code DIR BATCH SIZE SEED}. */
    static final class LoadInAnotherJvm {
        public static void main(String[] args) {
            int batch = Integer.parseInt(args[1]);
            int size = Integer.parseInt(args[2]);
            try (LoadedSavedModel m = LoadedSavedModel.load(Path.of(args[0]))) {
                Map<String, FloatValues> out = m.run(
                        ServingSignature.KEY,
                        Map.of(ServingSignature.IMAGES, images(batch, size, size, Long.parseLong(args[3]))));
                out.forEach((name, v) -> {
                    StringBuilder line = new StringBuilder("OUTPUT ").append(name);
                    for (float x : v.data()) {
                        line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(x)));
                    }
                    System.out.println(line);
                });
            }
        }
    }

    @Test
    void a_separate_jvm_loads_it_and_gets_the_reference_outputs() throws Exception {
        ChildJvm.Finished child = ChildJvm.run(
                        dir.resolve("child"),
                        LoadInAnotherJvm.class,
                        List.of(exported.target().toString(), "2", Integer.toString(SIZE), "5"),
                        Duration.ofMinutes(3))
                .assertSucceeded();
        FloatValues images = images(2, SIZE, SIZE, 5);
        Map<String, FloatValues> want = reference(images).outputs();
        double bound = JavaReference.roundOffBound(vars, MAP * MAP, JavaReference.scale(want));
        for (String name : want.keySet()) {
            String[] f = child.lineStartingWith("OUTPUT " + name + " ").split(" ");
            float[] values = new float[f.length - 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(f[i + 2], 16));
            }
            FloatValues got = new FloatValues(want.get(name).shape(), values);
            assertThat(got.maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void dynamic_size_accepts_any_height_and_width_and_batch() {
        ExportResult r = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("dynamic"))
                .withSeed(SEED)
                .withDynamicSize(true));
        assertThat(Dtypes.shape(r.signature().inputs().get("images").shape())).isEqualTo("[-1,-1,-1,3]");
        assertThat(Dtypes.shape(r.signature().outputs().get("logits").shape())).isEqualTo("[-1," + CLASSES + "]");
        // the same seed: the same variables as the static export, so the same reference
        assertThat(JavaReference.readSavedModel(r.target()).keySet()).containsExactlyElementsOf(vars.keySet());
        try (LoadedSavedModel loaded = LoadedSavedModel.load(r.target())) {
            // {batch, height, width, postnorm positions}: the net's output stride is 32, SAME padding rounds up
            for (int[] bs : new int[][] {{1, 32, 32, 1}, {3, 64, 48, 2 * 2}, {2, 45, 33, 2 * 2}, {1, 96, 64, 3 * 2}}) {
                FloatValues images = images(bs[0], bs[1], bs[2], bs[1]);
                Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
                assertAgreesWithReference(got, images, bs[3], "size " + bs[1] + "x" + bs[2]);
                assertThat(got.get("features").shape().asArray()).containsExactly(bs[0], SmallNets.TINY_FEATURES);
            }
        }
    }

    @Test
    void same_seed_gives_byte_identical_variables_and_another_seed_does_not() throws Exception {
        Path a = exported.target();
        Path b = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("seedB"))
                        .withSeed(SEED))
                .target();
        Path c = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("seedC"))
                        .withSeed(SEED + 1))
                .target();
        String data = "variables/variables.data-00000-of-00001";
        String index = "variables/variables.index";
        assertThat(Files.mismatch(a.resolve(data), b.resolve(data))).isEqualTo(-1L);
        assertThat(Files.mismatch(a.resolve(index), b.resolve(index))).isEqualTo(-1L);
        assertThat(Files.mismatch(a.resolve(data), c.resolve(data))).isNotEqualTo(-1L);
    }

    @Test
    void features_only_model_without_classes() {
        ExportResult r = SavedModels.export(
                ExportSpec.of(TestNets.tinyNet(0), dir.resolve("features")).withSeed(SEED));
        assertThat(r.signature().outputs()).containsOnlyKeys("features");
        assertThat(Dtypes.shape(r.signature().outputs().get("features").shape()))
                .isEqualTo("[-1,32]");
    }

    @Test
    void verify_lists_signatures_runs_one_batch_and_resolves_the_highest_version() throws Exception {
        Path out = dir.resolve("versions");
        TestFiles.copyTree(exported.target(), out.resolve("2"));
        TestFiles.copyTree(exported.target(), out.resolve("10"));
        Files.createDirectories(out.resolve("11-not-a-version"));
        VerifyResult v = SavedModels.verify(new VerifySpec(out, null, 3, 224, 0));
        assertThat(v.dir()).isEqualTo(out.toAbsolutePath().resolve("10"));
        assertThat(v.tags()).containsExactly("serve");
        assertThat(v.signatures()).extracting(SignatureInfo::key).containsExactly("serving_bytes", "serving_default");
        assertThat(v.signatureKey()).isEqualTo("serving_default");
        assertThat(v.fed().get("images").asArray()).containsExactly(3, SIZE, SIZE, 3);
        assertThat(v.outputs())
                .extracting(VerifyResult.OutputSummary::name)
                .containsExactly("features", "logits", "predictions");
        assertThat(v.outputs().get(1).shape().asArray()).containsExactly(3, CLASSES);
        assertThat(v.allFinite()).isTrue();
        // predictions are probabilities: in [0, 1], mean exactly 1/C per row
        VerifyResult.OutputSummary p = v.outputs().get(2);
        assertThat(p.min()).isGreaterThanOrEqualTo(0);
        assertThat(p.max()).isLessThanOrEqualTo(1);
        assertThat(p.mean()).isCloseTo(1.0 / CLASSES, within(1e-6));
        assertThat(v.outputs().get(2).argmaxFirst())
                .isEqualTo(v.outputs().get(1).argmaxFirst());
    }
}
