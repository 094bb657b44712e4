/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.LoadedSavedModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * {@code export --precision int8} from a checkpoint of slim's tiny net (4 classes, 32×32), calibrated on an image
 * folder, and the commands that then run the int8 SavedModel unchanged: {@code eval} (its per-image predictions
 * against an independent run: each image preprocessed in a graph of the test's own and fed to the SavedModel's
 * {@code serving_default}), {@code verify}, {@code forward --saved-model} and {@code classify}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Int8SavedModelCommandsTest {
    private static final NetworkSpec TINY =
            NetworkSpec.custom("resnet_v2", SmallNets.tiny()).withNumClasses(4).withImageSize(32);
    private static final String[] CLASSES = {"a", "b", "c", "d"};

    private Path dir;
    private Path saved;
    private Path data;
    private CliRun export;
    private final Map<Path, Integer> expected = new LinkedHashMap<>();

    @BeforeAll
    void fixtures(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path ckpt = dir.resolve("ckpt/model.ckpt");
        Files.createDirectories(ckpt.getParent());
        try (InferenceModel m = InferenceModel.build(TINY, 5, false)) {
            m.initialize();
            m.save(ckpt);
        }
        NetworkDescriptor.of(TINY, "Int8SavedModelCommandsTest").writeFor(ckpt);
        data = dir.resolve("data");
        Random r = new Random(9);
        for (int c = 0; c < CLASSES.length; c++) {
            Path folder = Files.createDirectories(data.resolve(CLASSES[c]));
            for (int i = 0; i < 3; i++) {
                String format = i % 2 == 0 ? "png" : "jpg";
                BufferedImage im =
                        new BufferedImage(30 + r.nextInt(20), 30 + r.nextInt(20), BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < im.getHeight(); y++) {
                    for (int x = 0; x < im.getWidth(); x++) {
                        im.setRGB(
                                x, y, (c * 60 + r.nextInt(60)) << 16 | r.nextInt(256) << 8 | (x * 255 / im.getWidth()));
                    }
                }
                ImageIO.write(
                        im,
                        format,
                        data.resolve(CLASSES[c] + "/img" + i + "." + format).toFile());
            }
        }
        saved = dir.resolve("saved");
        export = CliRun.of(
                "export",
                "--checkpoint",
                ckpt.toString(),
                "--precision",
                "int8",
                "--calibration",
                data.toString(),
                "--calibration-batches",
                "1",
                "--out",
                saved.toString());
        try (LoadedSavedModel m = LoadedSavedModel.load(saved.resolve("1"));
                var files = Files.walk(data)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                Map<String, FloatValues> out = m.predict(preprocess(Files.readAllBytes(p)));
                expected.put(p, argmax(out.get("predictions").data()));
            }
        }
    }

    @Test
    void export_reports_the_quantization_and_an_exact_reload() {
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out())
                .contains("inference-optimized: ")
                .contains(", quantized to int8")
                .contains("  int8           52 of 54 convolutions int8")
                .contains("calibrated on " + data + " (slim's eval preprocessing): 1 batch of 8 (8 images), min/max"
                        + " ranges")
                .contains("  variables      none: ")
                .contains("  int8 vs fp32   on the check batch, max |Δ| logits ")
                .contains("  reload check   max |Δ| vs the in-memory int8 model: logits 0 (bound 0), predictions 0"
                        + " (bound 0), features 0 (bound 0)");
    }

    @Test
    void eval_runs_the_int8_saved_model_and_its_predictions_match_an_independent_run() throws IOException {
        Path predictions = dir.resolve("predictions.csv");
        CliRun eval = CliRun.of(
                "eval",
                "--data",
                data.toString(),
                "--saved-model",
                saved.toString(),
                "--batch-size",
                "5",
                "--predictions",
                predictions.toString(),
                "-q");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        List<String> lines = Files.readAllLines(predictions);
        Map<Path, Integer> predicted = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            predicted.put(Path.of(f[0]), Integer.parseInt(f[2]));
        }
        assertThat(predicted).isEqualTo(expected);
        long correct = expected.entrySet().stream()
                .filter(e -> e.getValue()
                        == List.of(CLASSES)
                                .indexOf(e.getKey().getParent().getFileName().toString()))
                .count();
        assertThat(eval.out()).contains(String.format("(%d/%d)", correct, expected.size()));
    }

    @Test
    void verify_forward_and_classify_run_the_int8_saved_model() throws IOException {
        CliRun verify = CliRun.of("verify", saved.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        CliRun bytes = CliRun.of("verify", saved.toString(), "--signature", "serving_bytes");
        assertThat(bytes.exitCode()).as(bytes.toString()).isZero();
        CliRun forward = CliRun.of(
                "forward",
                "--saved-model",
                saved.toString(),
                "--batch-size",
                "2",
                "--warmup",
                "0",
                "--num-batches",
                "1",
                "--no-trace");
        assertThat(forward.exitCode()).as(forward.toString()).isZero();
        assertThat(forward.out()).contains("summary: SavedModel ");
        Path image = expected.keySet().iterator().next();
        Path labels = dir.resolve("labels.txt");
        Files.write(labels, List.of(CLASSES));
        CliRun classify = CliRun.of(
                "classify", "--saved-model", saved.toString(), "--labels", labels.toString(), image.toString());
        assertThat(classify.exitCode()).as(classify.toString()).isZero();
        assertThat(classify.out()).contains(image.getFileName().toString());
    }

    @Test
    void export_refuses_other_precisions_and_calibration_without_int8() {
        CliRun bf16 = CliRun.of(
                "export", "--precision", "bf16", "--out", dir.resolve("x").toString());
        assertThat(bf16.exitCode()).isEqualTo(2);
        assertThat(bf16.err())
                .contains("--precision bf16: export writes the fp32 graph or its int8 quantization;"
                        + " allowed: fp32, int8");
        CliRun calibration = CliRun.of(
                "export",
                "--calibration",
                data.toString(),
                "--out",
                dir.resolve("y").toString());
        assertThat(calibration.exitCode()).isEqualTo(2);
        assertThat(calibration.err()).contains("--calibration: only with --precision int8");
        CliRun missing = CliRun.of(
                "export",
                "--precision",
                "int8",
                "--calibration",
                dir.resolve("none").toString(),
                "--out",
                dir.resolve("z").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--calibration: " + dir.resolve("none") + " does not exist");
        assertThat(Files.exists(dir.resolve("z"))).isFalse();
    }

    private static FloatValues preprocess(byte[] encoded) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> in = tf.placeholder(TString.class);
            var image = tf.expandDims(InceptionPreprocessing.evalFromEncoded(tf, in, 32, 32), tf.constant(0));
            try (Session s = new Session(g);
                    TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
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
}
