/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.SavedModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@link ImageClassifier} on slim's tiny test net (5 classes, 32×32) saved from a seeded model as a checkpoint and
 * exported as a SavedModel with {@code serving_default} only. Expected values: the same model's logits for the same
 * preprocessed tensor (preprocessing built here from {@link InceptionPreprocessing}, the network run directly), with
 * the softmax and the top-k computed in plain Java in this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageClassifierTest {
    private static final int CLASSES = 5;
    private static final int SIZE = 32;
    static final NetworkSpec TINY = NetworkSpec.custom("resnet_v2", SmallNets.tiny())
            .withNumClasses(CLASSES)
            .withImageSize(SIZE);
    private static final Labels LABELS = Labels.of(List.of("ant", "bee", "cat", "dog", "eel"), "test labels");

    private Path checkpoint;
    private Path savedModel;
    private Path exported;
    private List<byte[]> images;

    @BeforeAll
    void fixtures(@TempDir Path dir) throws Exception {
        checkpoint = dir.resolve("ckpt/model.ckpt");
        Files.createDirectories(checkpoint.getParent());
        savedModel = dir.resolve("saved");
        try (InferenceModel m = InferenceModel.build(TINY, 7, false)) {
            m.initialize();
            m.save(checkpoint);
            SavedModelBundle.exporter(savedModel.toString())
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
        }
        exported = dir.resolve("exported");
        SavedModels.export(ExportSpec.of(TINY, exported).withCheckpoint(checkpoint, List.of()));
        images = List.of(
                encode(noise(40, 52, 1), "jpg"),
                encode(noise(64, 48, 2), "png"),
                encode(noise(33, 33, 3), "jpg"),
                encode(noise(1, 1, 4), "png"));
    }

    @Test
    void checkpoint_path_gives_the_softmax_and_top_k_of_the_models_own_logits() {
        float[][] logits = referenceLogits(images);
        try (ImageClassifier c = ImageClassifier.fromCheckpoint(
                checkpoint,
                TINY,
                ImageClassifier.Options.DEFAULTS.withLabels(LABELS).withBatchSize(3))) {
            assertThat(c.usesServingBytes()).isFalse();
            assertThat(c.numClasses()).isEqualTo(CLASSES);
            List<Classification> got = c.classify(images, 3);
            assertThat(got).hasSize(images.size());
            for (int i = 0; i < images.size(); i++) {
                double[] p = softmax(logits[i]);
                int[] order = order(p);
                Classification r = got.get(i);
                assertThat(r.ok()).as(r.toString()).isTrue();
                assertThat(r.image()).isEqualTo("image " + i);
                assertThat(r.top()).hasSize(3);
                for (int k = 0; k < 3; k++) {
                    Prediction pr = r.top().get(k);
                    assertThat(pr.rank()).isEqualTo(k + 1);
                    assertThat(pr.index()).isEqualTo(order[k]);
                    assertThat(pr.label()).isEqualTo(LABELS.get(order[k]));
                    assertThat((double) pr.probability()).isCloseTo(p[order[k]], within(1e-5));
                }
            }
            List<ImageScores> scores = c.probabilities(images);
            for (int i = 0; i < images.size(); i++) {
                double[] p = softmax(logits[i]);
                float[] q = scores.get(i).probabilities();
                assertThat(q).hasSize(CLASSES);
                for (int j = 0; j < CLASSES; j++) {
                    assertThat((double) q[j]).isCloseTo(p[j], within(1e-5));
                }
                assertThat(scores.get(i).argmax()).isEqualTo(order(p)[0]);
            }
        }
    }

    @Test
    void serving_bytes_path_agrees_with_the_checkpoint_path() {
        try (ImageClassifier fromCkpt = ImageClassifier.fromCheckpoint(
                        checkpoint, TINY, ImageClassifier.Options.DEFAULTS.withLabels(LABELS));
                ImageClassifier bytes = ImageClassifier.open(
                        exported,
                        ImageClassifier.Options.DEFAULTS.withLabels(LABELS).withBatchSize(3))) {
            assertThat(bytes.usesServingBytes()).isTrue();
            assertThat(bytes.preprocessingSize()).isEmpty();
            assertThat(bytes.describe()).contains("serving_bytes");
            List<ImageScores> a = fromCkpt.probabilities(images);
            List<ImageScores> b = bytes.probabilities(images);
            for (int i = 0; i < images.size(); i++) {
                float[] p = a.get(i).probabilities();
                float[] q = b.get(i).probabilities();
                for (int j = 0; j < CLASSES; j++) {
                    assertThat(q[j]).as("image %d class %d", i, j).isCloseTo(p[j], within(1e-5f));
                }
            }
        }
    }

    @Test
    void saved_model_path_agrees_with_the_checkpoint_path() {
        try (ImageClassifier fromCkpt = ImageClassifier.fromCheckpoint(
                        checkpoint, TINY, ImageClassifier.Options.DEFAULTS.withLabels(LABELS));
                ImageClassifier fromSaved =
                        ImageClassifier.open(savedModel, ImageClassifier.Options.DEFAULTS.withLabels(LABELS))) {
            assertThat(fromSaved.usesServingBytes()).isFalse();
            assertThat(fromSaved.preprocessingSize())
                    .hasValueSatisfying(s -> assertThat(s).containsExactly(32, 32));
            List<ImageScores> a = fromCkpt.probabilities(images);
            List<ImageScores> b = fromSaved.probabilities(images);
            for (int i = 0; i < images.size(); i++) {
                float[] p = a.get(i).probabilities();
                float[] q = b.get(i).probabilities();
                for (int j = 0; j < CLASSES; j++) {
                    assertThat(q[j]).isCloseTo(p[j], within(1e-6f));
                }
            }
            assertThat(fromSaved.classify(images, 5))
                    .extracting(r -> r.top().stream().map(Prediction::index).toList())
                    .containsExactlyElementsOf(fromCkpt.classify(images, 5).stream()
                            .map(r -> r.top().stream().map(Prediction::index).toList())
                            .toList());
        }
    }

    @Test
    void bad_files_are_reported_and_the_others_classified(@TempDir Path dir) throws IOException {
        byte[] jpeg = encode(noise(48, 48, 9), "jpg");
        Path good = Files.write(dir.resolve("good.jpg"), images.get(0));
        Path png = Files.write(dir.resolve("good.png"), images.get(1));
        Path truncated = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        Path text = Files.writeString(dir.resolve("notes.jpg"), "hello, not an image\n", StandardCharsets.UTF_8);
        Path missing = dir.resolve("missing.jpg");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        Path huge = Files.write(dir.resolve("huge.png"), pngHeader(20000, 20000));
        List<Path> files = List.of(good, truncated, text, png, missing, empty, huge);
        ImageClassifier.Options options = ImageClassifier.Options.DEFAULTS.withLabels(LABELS);
        try (ImageClassifier ckpt = ImageClassifier.fromCheckpoint(checkpoint, TINY, options);
                ImageClassifier bytes = ImageClassifier.open(exported, options)) {
            for (ImageClassifier c : List.of(ckpt, bytes)) {
                List<Classification> r = c.classifyFiles(files, 2);
                assertThat(r)
                        .extracting(Classification::image)
                        .containsExactlyElementsOf(
                                files.stream().map(Path::toString).toList());
                assertThat(r)
                        .as(c.describe())
                        .extracting(Classification::ok)
                        .containsExactly(true, false, false, true, false, false, false);
                assertThat(r.get(1).error()).startsWith("cannot decode: ");
                assertThat(r.get(2).error()).startsWith("unknown image format");
                assertThat(r.get(4).error()).isEqualTo("unreadable: no such file");
                assertThat(r.get(5).error()).startsWith("empty file");
                assertThat(r.get(6).error()).contains("20000x20000").contains("not decoded");
                List<Classification> alone = c.classify(List.of(images.get(0), images.get(1)), 2);
                // serving_bytes ran the good images one by one after the batch failed: equal up to float rounding
                for (int[] pair : new int[][] {{0, 0}, {3, 1}}) {
                    List<Prediction> got = r.get(pair[0]).top();
                    List<Prediction> want = alone.get(pair[1]).top();
                    assertThat(got)
                            .extracting(Prediction::index)
                            .isEqualTo(want.stream().map(Prediction::index).toList());
                    for (int k = 0; k < got.size(); k++) {
                        assertThat(got.get(k).probability())
                                .isCloseTo(want.get(k).probability(), within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void labels_that_do_not_match_the_classes_are_refused_naming_labels() {
        assertThatThrownBy(() -> ImageClassifier.fromCheckpoint(checkpoint, TINY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("labels: ")
                .hasMessageContaining("1001 labels, but the model has 5 classes");
        assertThatThrownBy(() -> ImageClassifier.open(savedModel))
                .hasMessageContaining("1001 labels, but the model has 5 classes");
        assertThatThrownBy(() -> ImageClassifier.fromCheckpoint(
                        checkpoint.resolveSibling("nope.ckpt"),
                        TINY,
                        ImageClassifier.Options.DEFAULTS.withLabels(LABELS)))
                .hasMessageStartingWith("checkpoint: ");
    }

    @Test
    void top_k_clamps_to_the_classes_and_in_top_k_counts_ties_in() {
        try (ImageClassifier c =
                ImageClassifier.fromCheckpoint(checkpoint, TINY, ImageClassifier.Options.DEFAULTS.withLabels(LABELS))) {
            List<Prediction> top = c.topK(new float[] {0.1f, 0.4f, 0.1f, 0.3f, 0.1f}, 10);
            assertThat(top).extracting(Prediction::index).containsExactly(1, 3, 0, 2, 4);
            assertThat(top).extracting(Prediction::label).containsExactly("bee", "dog", "ant", "cat", "eel");
            assertThatThrownBy(() -> c.classify(images, 0)).hasMessage("top_k: must be >= 1, got 0");
        }
        ImageScores s = ImageScores.of(new float[] {0.1f, 0.4f, 0.1f, 0.3f, 0.1f});
        assertThat(s.inTopK(3, 2)).isTrue();
        assertThat(s.inTopK(0, 2)).isFalse();
        assertThat(s.inTopK(0, 3))
                .as("ties across the boundary are in, as tf.nn.in_top_k")
                .isTrue();
        assertThat(ImageScores.failed("x").inTopK(1, 5)).isFalse();
    }

    /** A PNG signature and a valid IHDR chunk of {@code w}×{@code h} RGB, 8 bits, then nothing: a header only. */
    static byte[] pngHeader(int w, int h) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        b.putInt(13);
        int chunk = b.position();
        b.put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), chunk, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The tiny model's logits for each image: this test's own preprocessing graph, then the restored network. */
    private float[][] referenceLogits(List<byte[]> encoded) {
        List<float[]> pixels = new ArrayList<>();
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> out = InceptionPreprocessing.evalFromEncoded(tf, in, SIZE, SIZE);
            for (byte[] b : encoded) {
                try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(b));
                        Result r = s.runner().feed(in, t).fetch(out).run()) {
                    pixels.add(FloatValues.of((TFloat32) r.get(0)).data());
                }
            }
        }
        float[][] logits = new float[encoded.size()][];
        try (InferenceModel m = InferenceModel.build(TINY, 99, false)) {
            m.restore(checkpoint, List.of());
            for (int i = 0; i < encoded.size(); i++) {
                FloatValues one = new FloatValues(Shape.of(1, SIZE, SIZE, 3), pixels.get(i));
                logits[i] = m.run(one).get("logits").data();
            }
        }
        return logits;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    /** Indices by decreasing value, ties by index: a selection sort written out. */
    static int[] order(double[] p) {
        int n = p.length;
        int[] idx = new int[n];
        boolean[] used = new boolean[n];
        for (int r = 0; r < n; r++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!used[i] && (best < 0 || p[i] > p[best])) {
                    best = i;
                }
            }
            used[best] = true;
            idx[r] = best;
        }
        return idx;
    }

    static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (x * 255 / Math.max(1, w - 1)) << 16 | (y * 255 / Math.max(1, h - 1)) << 8;
                img.setRGB(x, y, base ^ (r.nextInt(64) * 0x010101));
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as(format).isTrue();
        return out.toByteArray();
    }
}
