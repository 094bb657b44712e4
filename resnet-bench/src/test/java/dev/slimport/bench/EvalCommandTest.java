/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.slimport.bench.command.EvalCommandAccess;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@code eval} end to end on slim's tiny test net (4 classes, 32×32, seeded): a generated image-folder tree of 4
 * classes (JPEG and PNG of several sizes) with a truncated JPEG, a text file named {@code .jpg} and a {@code .txt}
 * file; the same images as slim-format TFRecords. The expected per-image predictions come from an independent run:
 * each image preprocessed by {@link InceptionPreprocessing} in a graph of the test's own and fed to the SavedModel's
 * {@code serving_default} through {@link LoadedSavedModel}, argmax taken in the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvalCommandTest {
    private static final NetworkSpec TINY =
            NetworkSpec.custom("resnet_v2", SmallNets.tiny()).withNumClasses(4).withImageSize(32);
    private static final String[] CLASSES = {"circle", "noise", "square", "stripes"};
    private static final int PER_CLASS = 6;

    private Path dir;
    private Path ckpt;
    private Path saved;
    private Path data;
    private Path records;
    /** Every good image (path -> label), in the folder tree's sorted order. */
    private final Map<Path, Integer> good = new LinkedHashMap<>();
    /** Path -> the independent run's top-1. */
    private final Map<Path, Integer> expected = new LinkedHashMap<>();

    @BeforeAll
    void fixtures(@TempDir Path tmp) throws Exception {
        dir = tmp;
        ckpt = dir.resolve("ckpt/model.ckpt");
        Files.createDirectories(ckpt.getParent());
        try (InferenceModel m = InferenceModel.build(TINY, 11, false)) {
            m.initialize();
            m.save(ckpt);
        }
        NetworkDescriptor.of(TINY, "EvalCommandTest").writeFor(ckpt);
        saved = dir.resolve("saved");
        SavedModels.export(ExportSpec.of(TINY, saved).withCheckpoint(ckpt, List.of()));

        data = dir.resolve("data");
        Random r = new Random(3);
        for (int c = 0; c < CLASSES.length; c++) {
            Path folder = Files.createDirectories(data.resolve(CLASSES[c]));
            for (int i = 0; i < PER_CLASS; i++) {
                String format = i % 2 == 0 ? "jpg" : "png";
                Path p = folder.resolve(String.format("img%02d.%s", i, format));
                Files.write(p, encode(pattern(c, 28 + r.nextInt(40), 28 + r.nextInt(40), r), format));
            }
        }
        byte[] jpeg = encode(pattern(0, 64, 64, r), "jpg");
        Files.write(data.resolve("square/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        Files.writeString(data.resolve("stripes/text.jpg"), "this is a text file, not a JPEG\n");
        Files.writeString(data.resolve("noise/readme.txt"), "notes\n");
        for (int c = 0; c < CLASSES.length; c++) {
            try (var s = Files.list(data.resolve(CLASSES[c]))) {
                for (Path p : s.sorted().toList()) {
                    if (p.getFileName().toString().startsWith("img")) {
                        good.put(p, c);
                    }
                }
            }
        }
        try (LoadedSavedModel m = LoadedSavedModel.load(saved.resolve("1"))) {
            for (Path p : good.keySet()) {
                Map<String, FloatValues> out = m.predict(preprocess(Files.readAllBytes(p)));
                expected.put(p, argmax(out.get("predictions").data()));
            }
        }
        // the same images as slim's download_and_convert writes them, in two files
        List<byte[]> first = new ArrayList<>();
        List<byte[]> second = new ArrayList<>();
        int n = 0;
        for (Map.Entry<Path, Integer> e : good.entrySet()) {
            (n++ % 2 == 0 ? first : second).add(example(Files.readAllBytes(e.getKey()), e.getValue()));
        }
        records = Files.createDirectories(dir.resolve("records"));
        Files.write(records.resolve("eval_00000-of-00002.tfrecord"), frame(first));
        Files.write(records.resolve("eval_00001-of-00002.tfrecord"), frame(second));
    }

    private long expectedTop1() {
        return good.entrySet().stream()
                .filter(e -> expected.get(e.getKey()).equals(e.getValue()))
                .count();
    }

    @Test
    void folder_tree_with_a_saved_model_top1_and_predictions_match_an_independent_run() throws Exception {
        Path json = dir.resolve("eval.json");
        Path predictions = dir.resolve("predictions.csv");
        CliRun r = CliRun.of(
                "eval",
                "--data",
                data.toString(),
                "--saved-model",
                saved.toString(),
                "--batch-size",
                "5",
                "--format",
                "json",
                "--output",
                json.toString(),
                "--predictions",
                predictions.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode doc = ResultWriter.MAPPER.readTree(json.toFile());
        assertThat(doc.get("images").asLong()).isEqualTo(good.size());
        assertThat(doc.get("unreadable").asLong()).isEqualTo(2);
        assertThat(doc.get("top1_correct").asLong()).isEqualTo(expectedTop1());
        assertThat(doc.get("top1").asDouble()).isEqualTo((double) expectedTop1() / good.size());
        assertThat(doc.get("top_k").asInt()).isEqualTo(4);
        assertThat(doc.get("top5").asDouble()).isEqualTo(1.0);
        assertThat(doc.get("mapping").asText()).contains("4 class folders in sorted order -> labels 0..3");
        assertThat(doc.get("per_class")).hasSize(4);
        for (int c = 0; c < 4; c++) {
            JsonNode pc = doc.get("per_class").get(c);
            int label = c;
            long correct = good.entrySet().stream()
                    .filter(e -> e.getValue() == label && expected.get(e.getKey()) == label)
                    .count();
            assertThat(pc.get("name").asText()).isEqualTo(CLASSES[c]);
            assertThat(pc.get("images").asLong()).isEqualTo(PER_CLASS);
            assertThat(pc.get("top1").asDouble()).isEqualTo((double) correct / PER_CLASS);
        }
        assertThat(doc.get("images_per_second").asDouble()).isPositive();
        assertThat(doc.get("problems").toString()).contains("truncated.jpg").contains("text.jpg");
        // the per-image predictions equal the independent run's, image by image
        List<String> lines = Files.readAllLines(predictions);
        assertThat(lines.get(0)).isEqualTo("source,label,predicted,probability");
        Map<Path, Integer> predicted = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(Integer.parseInt(f[1])).isEqualTo(good.get(Path.of(f[0])));
            predicted.put(Path.of(f[0]), Integer.parseInt(f[2]));
        }
        assertThat(predicted).isEqualTo(expected);
        // text report on stdout, unreadable files and the skipped one on stderr
        assertThat(r.out()).contains("top-1 ").contains("unreadable (2):");
        assertThat(r.err())
                .contains("truncated.jpg: ")
                .contains("text.jpg: ")
                .contains("1 files without an image extension")
                .contains("noise/readme.txt");
    }

    @Test
    void a_checkpoint_and_slim_tfrecords_give_the_same_numbers() throws Exception {
        CliRun folder = CliRun.of("eval", "--data", data.toString(), "--checkpoint", ckpt.toString(), "-q");
        assertThat(folder.exitCode()).as(folder.toString()).isZero();
        assertThat(folder.out())
                .contains(String.format(
                        "top-1 %.4f (%d/%d)", (double) expectedTop1() / good.size(), expectedTop1(), good.size()))
                .contains(good.size() + " images evaluated")
                .containsPattern("(?m)^\\s+0  circle\\s+6 ")
                .containsPattern("(?m)^\\s+3  stripes\\s+6 ");
        List<String> files;
        try (var s = Files.list(records)) {
            files = s.sorted().map(Path::toString).toList();
        }
        List<String> args = new ArrayList<>(List.of("eval", "--data"));
        args.addAll(files);
        args.addAll(List.of("--saved-model", saved.toString(), "--format", "json", "--labels", labels()));
        CliRun tf = CliRun.of(args.toArray(String[]::new));
        assertThat(tf.exitCode()).as(tf.toString()).isZero();
        JsonNode doc = ResultWriter.MAPPER.readTree(tf.out());
        assertThat(doc.get("data_kind").asText()).isEqualTo("tfrecords");
        assertThat(doc.get("images").asLong()).isEqualTo(good.size());
        assertThat(doc.get("unreadable").asLong()).isZero();
        assertThat(doc.get("top1_correct").asLong()).isEqualTo(expectedTop1());
        assertThat(doc.get("per_class").get(2).get("name").asText()).isEqualTo("square");
    }

    private String labels() throws IOException {
        Path p = dir.resolve("labels.txt");
        Files.writeString(p, String.join("\n", CLASSES) + "\n");
        return p.toString();
    }

    @Test
    void bad_data_is_a_usage_error_naming_the_option() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty/a"));
        Files.createDirectories(dir.resolve("empty/b"));
        CliRun none = CliRun.of("eval", "--data", empty.getParent().toString(), "--checkpoint", ckpt.toString());
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("eval: --data: no images in ");

        Path five = dir.resolve("five");
        for (String c : List.of("a", "b", "c", "d", "e")) {
            Files.createDirectories(five.resolve(c));
            Files.copy(good.keySet().iterator().next(), five.resolve(c + "/x.jpg"));
        }
        CliRun mismatch = CliRun.of("eval", "--data", five.toString(), "--saved-model", saved.toString());
        assertThat(mismatch.exitCode()).as(mismatch.toString()).isEqualTo(2);
        assertThat(mismatch.err()).contains("--data: " + five + " has 5 class folders but the model has 4 classes");

        Path wrongLabels = Files.writeString(dir.resolve("three.txt"), "a\nb\nc\n");
        CliRun labels = CliRun.of(
                "eval",
                "--data",
                data.toString(),
                "--saved-model",
                saved.toString(),
                "--labels",
                wrongLabels.toString());
        assertThat(labels.exitCode()).as(labels.toString()).isEqualTo(2);
        assertThat(labels.err()).contains("--labels");

        CliRun noData = CliRun.of("eval", "--saved-model", saved.toString());
        assertThat(noData.exitCode()).isEqualTo(2);
        assertThat(noData.err()).contains("--data");

        Path text = Files.writeString(dir.resolve("notes.tfrecord"), "not a record file");
        CliRun notRecords = CliRun.of("eval", "--data", text.toString(), "--saved-model", saved.toString());
        assertThat(notRecords.exitCode()).as(notRecords.toString()).isEqualTo(2);
        assertThat(notRecords.err()).contains("--data: no TFRecord records in " + text);
    }

    @Test
    void the_progress_bar_fills_with_the_images_done() {
        assertThat(EvalCommandAccess.bar(0, 10)).isEqualTo("[>                   ]");
        assertThat(EvalCommandAccess.bar(5, 10)).isEqualTo("[==========>         ]");
        assertThat(EvalCommandAccess.bar(10, 10)).isEqualTo("[====================]");
    }

    /** slim's eval preprocessing in the test's own graph: [1, 32, 32, 3]. */
    private static FloatValues preprocess(byte[] encoded) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> in = tf.placeholder(TString.class);
            var image = tf.expandDims(InceptionPreprocessing.evalFromEncoded(tf, in, 32, 32), tf.constant(0));
            try (Session s = new Session(g);
                    TString t = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.scalarOfObject(encoded));
                    var result = s.runner().feed(in, t).fetch(image).run()) {
                return FloatValues.of((TFloat32) result.get(0));
            }
        }
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Four kinds of pictures (a disc, noise, a square, stripes) in random colours. */
    private static BufferedImage pattern(int kind, int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(r.nextInt(1 << 24)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(r.nextInt(1 << 24)));
        switch (kind) {
            case 0 -> g.fillOval(w / 4, h / 4, w / 2, h / 2);
            case 1 -> {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.setRGB(x, y, r.nextInt(1 << 24));
                    }
                }
            }
            case 2 -> g.fillRect(w / 4, h / 4, w / 2, h / 2);
            default -> {
                for (int x = 0; x < w; x += 6) {
                    g.fillRect(x, 0, 3, h);
                }
            }
        }
        g.dispose();
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        return out.toByteArray();
    }

    /** slim's Example: image/encoded, image/format, image/class/label (also used by TrainCommandTest). */
    static byte[] example(byte[] encoded, long label) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder()
                        .putFeature("image/encoded", bytes(encoded))
                        .putFeature("image/format", bytes("jpg".getBytes()))
                        .putFeature(
                                "image/class/label",
                                Feature.newBuilder()
                                        .setInt64List(Int64List.newBuilder().addValue(label))
                                        .build()))
                .build()
                .toByteArray();
    }

    private static Feature bytes(byte[] b) {
        return Feature.newBuilder()
                .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(b)))
                .build();
    }

    /** TFRecord framing (see saved-models' TFRecordReaderTest for the check of this against TF's own writer). */
    static byte[] frame(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] rec : records) {
            byte[] len = new byte[8];
            for (int i = 0; i < 8; i++) {
                len[i] = (byte) ((long) rec.length >>> (8 * i));
            }
            out.writeBytes(len);
            out.writeBytes(le32(masked(len)));
            out.writeBytes(rec);
            out.writeBytes(le32(masked(rec)));
        }
        return out.toByteArray();
    }

    private static int masked(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
