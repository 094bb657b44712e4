/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.SavedModels;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code classify} through the command line on slim's tiny test net (4 classes, 32×32): a seeded checkpoint with its
 * network descriptor, and the verified SavedModel exported from it. A folder holds three good images (JPEG and PNG,
 * one in a subfolder), a truncated JPEG, a text file named {@code .jpg} and a {@code .txt} file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassifyCommandTest {
    private static final NetworkSpec TINY =
            NetworkSpec.custom("resnet_v2", SmallNets.tiny()).withNumClasses(4).withImageSize(32);
    private static final Pattern PREDICTION = Pattern.compile("^ {2}( ?\\d+) {2}(\\d\\.\\d{6}) {2}( *\\d+) {2}(.+)$");

    private Path ckpt;
    private Path saved;
    private Path labels;
    private Path photos;
    private Path good;

    @BeforeAll
    void fixtures(@TempDir Path dir) throws Exception {
        ckpt = dir.resolve("ckpt/model.ckpt");
        Files.createDirectories(ckpt.getParent());
        try (InferenceModel m = InferenceModel.build(TINY, 5, false)) {
            m.initialize();
            m.save(ckpt);
        }
        NetworkDescriptor.of(TINY, "ClassifyCommandTest").writeFor(ckpt);
        saved = dir.resolve("saved");
        SavedModels.export(ExportSpec.of(TINY, saved).withCheckpoint(ckpt, List.of()));
        labels = Files.writeString(dir.resolve("labels.txt"), "circle\nsquare\nstripes\nnoise\n");

        photos = Files.createDirectories(dir.resolve("photos"));
        Files.write(photos.resolve("a.jpg"), encode(noise(40, 56, 1), "jpg"));
        Files.write(photos.resolve("b.png"), encode(noise(64, 30, 2), "png"));
        Files.createDirectories(photos.resolve("sub"));
        Files.write(photos.resolve("sub/c.JPEG"), encode(noise(33, 33, 3), "jpg"));
        byte[] jpeg = encode(noise(64, 64, 4), "jpg");
        Files.write(photos.resolve("corrupt.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        Files.writeString(photos.resolve("text.jpg"), "this is a text file, not a JPEG\n");
        Files.writeString(photos.resolve("readme.txt"), "not an image name\n");

        good = Files.createDirectories(dir.resolve("good"));
        Files.copy(photos.resolve("a.jpg"), good.resolve("a.jpg"));
        Files.copy(photos.resolve("b.png"), good.resolve("b.png"));
    }

    @Test
    void a_folder_with_bad_files_reports_them_classifies_the_rest_and_exits_1() {
        CliRun r = CliRun.of(
                "classify",
                photos.toString(),
                "--checkpoint",
                ckpt.toString(),
                "--labels",
                labels.toString(),
                "--top-k",
                "3");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        Map<String, List<Integer>> top = textTop(r.out());
        assertThat(top.keySet())
                .containsExactly(
                        photos.resolve("a.jpg").toString(),
                        photos.resolve("b.png").toString(),
                        photos.resolve("sub/c.JPEG").toString());
        top.values().forEach(t -> assertThat(t).hasSize(3).doesNotHaveDuplicates());
        assertThat(r.out())
                .startsWith("model: checkpoint " + ckpt)
                .contains(photos.resolve("corrupt.jpg") + ": error: cannot decode: ")
                .contains(photos.resolve("text.jpg") + ": error: ")
                .doesNotContain("readme.txt");
        assertThat(r.err())
                .contains("5 image(s) in ")
                .contains("1 file(s) in the given directories skipped")
                .contains("2 of 5 image(s) could not be classified");
    }

    @Test
    void saved_model_json_agrees_with_the_checkpoint_and_a_clean_folder_exits_0() throws IOException {
        CliRun text = CliRun.of(
                "classify",
                good.toString(),
                "--checkpoint",
                ckpt.toString(),
                "--labels",
                labels.toString(),
                "--top-k",
                "4");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        CliRun json = CliRun.of(
                "classify",
                good.toString(),
                "--saved-model",
                saved.toString(),
                "--labels",
                labels.toString(),
                "--top-k",
                "4",
                "--format",
                "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode root = ResultWriter.MAPPER.readTree(json.out());
        assertThat(root.get("signature").asText())
                .as("export writes serving_bytes")
                .isEqualTo("serving_bytes");
        assertThat(root.get("num_classes").asInt()).isEqualTo(4);
        assertThat(root.get("top_k").asInt()).isEqualTo(4);
        assertThat(root.get("classified").asInt()).isEqualTo(2);
        assertThat(root.get("failed").asInt()).isZero();
        Map<String, List<Integer>> fromText = textTop(text.out());
        Map<String, double[]> probabilities = textProbabilities(text.out());
        List<String> labelList = List.of("circle", "square", "stripes", "noise");
        for (JsonNode image : root.get("images")) {
            String name = image.get("image").asText();
            List<Integer> indices = new ArrayList<>();
            double sum = 0;
            for (JsonNode p : image.get("top")) {
                int i = p.get("index").asInt();
                indices.add(i);
                assertThat(p.get("rank").asInt()).isEqualTo(indices.size());
                assertThat(p.get("label").asText()).isEqualTo(labelList.get(i));
                assertThat(p.get("probability").asDouble())
                        .isCloseTo(probabilities.get(name)[indices.size() - 1], within(2e-6));
                sum += p.get("probability").asDouble();
            }
            assertThat(sum).as("all 4 classes: the softmax sums to 1").isCloseTo(1.0, within(1e-5));
            assertThat(indices).isEqualTo(fromText.get(name));
        }
    }

    @Test
    void usage_errors_exit_2_naming_the_option() {
        String img = good.resolve("a.jpg").toString();
        assertUsage(CliRun.of("classify", img), "--saved-model or --checkpoint: give a model");
        assertUsage(
                CliRun.of("classify", img, "--saved-model", saved.toString(), "--checkpoint", ckpt.toString()),
                "--saved-model: not with --checkpoint");
        assertUsage(
                CliRun.of("classify", img, "--saved-model", saved.toString(), "--model", "50"),
                "--model: only with --checkpoint");
        assertUsage(
                CliRun.of("classify", img, "--saved-model", saved.toString()),
                "--labels: slim's ImageNet labels (imagenet_slim_labels.txt) has 1001 labels, but the model has 4"
                        + " classes");
        assertUsage(
                CliRun.of(
                        "classify",
                        img,
                        "--checkpoint",
                        ckpt.toString(),
                        "--labels",
                        labels.toString(),
                        "--model",
                        "resnet_v2_50"),
                "--model: not with this checkpoint");
        assertUsage(
                CliRun.of(
                        "classify",
                        img,
                        "--checkpoint",
                        ckpt.toString(),
                        "--labels",
                        labels.toString(),
                        "--top-k",
                        "0"),
                "--top-k: must be >= 1, got 0");
        assertUsage(
                CliRun.of(
                        "classify",
                        img,
                        "--saved-model",
                        saved.resolveSibling("nothing").toString()),
                "--saved-model: ");
        assertUsage(
                CliRun.of(
                        "classify",
                        img,
                        "--checkpoint",
                        ckpt.resolveSibling("other.ckpt").toString(),
                        "--model",
                        "50"),
                "--checkpoint: no checkpoint at prefix");
    }

    private static void assertUsage(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("resnet-bench classify: " + message);
    }

    /** Each classified image's class indices, in rank order, from the text output. */
    private static Map<String, List<Integer>> textTop(String out) {
        Map<String, List<Integer>> top = new LinkedHashMap<>();
        String current = null;
        for (String line : out.split("\n")) {
            Matcher m = PREDICTION.matcher(line);
            if (m.matches()) {
                assertThat(Integer.parseInt(m.group(1).strip()))
                        .isEqualTo(top.get(current).size() + 1);
                top.get(current).add(Integer.parseInt(m.group(3).strip()));
            } else if (!line.startsWith("model: ") && !line.contains(": error: ")) {
                current = line;
                top.put(current, new ArrayList<>());
            }
        }
        return top;
    }

    private static Map<String, double[]> textProbabilities(String out) {
        Map<String, List<Double>> p = new LinkedHashMap<>();
        String current = null;
        for (String line : out.split("\n")) {
            Matcher m = PREDICTION.matcher(line);
            if (m.matches()) {
                p.get(current).add(Double.parseDouble(m.group(2)));
            } else if (!line.startsWith("model: ") && !line.contains(": error: ")) {
                current = line;
                p.put(current, new ArrayList<>());
            }
        }
        Map<String, double[]> out2 = new LinkedHashMap<>();
        p.forEach((k, v) ->
                out2.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out2;
    }

    private static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        return out.toByteArray();
    }
}
