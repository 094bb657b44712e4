/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.BatchNorms;
import dev.slimport.resnet.testing.ReferenceCounts;
import dev.slimport.savedmodel.CheckpointEntry;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * {@code export}, {@code verify} and {@code forward --saved-model} through the command line, on resnet_v2_50 with
 * 10 classes at 32×32, restored from a checkpoint whose batch-norm statistics are random (so folding them is far
 * from the identity). Expected counts come from {@link ReferenceCounts} and plain-Java arithmetic over slim's block
 * table; the optimized export is checked against the unoptimized one, itself checked exactly at export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SavedModelCommandsTest {
    private static final int[] UNITS = TinyRuns.UNITS;
    private static final int CLASSES = 10;
    private static final ReferenceCounts R50_32 = ReferenceCounts.of(UNITS, 32, 32, CLASSES);
    private static final Pattern STEP_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}: step (\\d+), duration = \\d+\\.\\d{3}");

    private Path dir;
    private Path ckpt;
    private Path out;
    private CliRun plain;
    private CliRun optimized;

    @BeforeAll
    void exportBothWays(@TempDir Path shared) throws Exception {
        dir = shared;
        Files.createDirectories(dir.resolve("ckpt"));
        ckpt = dir.resolve("ckpt/model.ckpt");
        try (InferenceModel m = InferenceModel.build(
                NetworkSpec.of(Depth.D50).withNumClasses(CLASSES).withImageSize(32), 1, false)) {
            m.initialize();
            BatchNorms.randomize(m.model().graph(), m.session(), m.model().variables(), 17, BatchNorms.NARROW);
            m.save(ckpt);
        }
        out = dir.resolve("models");
        String[] common = TinyRuns.export("--checkpoint", ckpt.toString(), "--out", out.toString(), "--seed", "3")
                .toArray(String[]::new);
        plain = CliRun.of(common);
        optimized = CliRun.of(TinyRuns.concat(common, "--version", "2", "--optimize", "--dynamic-size"));
    }

    /** Sum of the bottleneck depths (slim's base depth d = 64·2^b per unit): a folded conv BN keeps d biases. */
    private static long sumOfBaseDepths() {
        long s = 0;
        for (int b = 0; b < UNITS.length; b++) {
            s += (long) UNITS[b] * (64L << b);
        }
        return s;
    }

    private static long treeSize(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
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
    void export_prints_the_paths_sizes_counts_signature_and_reload_check() throws IOException {
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        Path v1 = out.toAbsolutePath().resolve("1");
        String text = plain.out();
        assertThat(text).startsWith("exported resnet_v2_50 to " + v1 + "\n");
        assertThat(text)
                .contains(String.format(
                        Locale.ROOT, "%d variables, %,d parameters", R50_32.variables(), R50_32.parameters()));
        assertThat(text).contains("restored from " + ckpt.toAbsolutePath() + ": " + R50_32.variables() + " variables");
        assertThat(text)
                .contains(String.format(
                        Locale.ROOT, "saved_model.pb %,d bytes", Files.size(v1.resolve("saved_model.pb"))));
        assertThat(text)
                .contains(String.format(Locale.ROOT, "variables/ %,d bytes", treeSize(v1.resolve("variables"))));
        assertThat(text)
                .contains("signature 'serving_default' (method tensorflow/serving/predict)")
                .containsPattern("input +images +float32 \\[-1,32,32,3\\] +images:0")
                .containsPattern("output +logits +float32 \\[-1,10\\] +serving_default/logits:0")
                .containsPattern("output +predictions +float32 \\[-1,10\\]")
                .containsPattern("output +features +float32 \\[-1,2048\\]")
                .contains("reload check   max |Δ| vs the exporting session: ")
                .contains("(bound 1.00e-05)")
                .contains("timings        build ");
    }

    @Test
    void optimized_export_is_folded_and_equals_the_unoptimized_one_within_the_tolerance() {
        assertThat(optimized.exitCode()).as(optimized.toString()).isZero();
        // 3 batch norms per unit (preact, conv1, conv2) and postnorm.
        // conv1 and conv2 of every unit lose gamma, beta, moving mean and variance (4 x depth) and gain biases (depth)
        int batchNorms = 2 * (UNITS[0] + UNITS[1] + UNITS[2] + UNITS[3]);
        long folded = R50_32.parameters() - 2 * 3 * sumOfBaseDepths();
        assertThat(optimized.out())
                .contains("inference-optimized: " + batchNorms + " batch norms folded")
                .contains(String.format(
                        Locale.ROOT,
                        "%,d parameters (unfolded: %d variables, %,d parameters)",
                        folded,
                        R50_32.variables(),
                        R50_32.parameters()))
                .containsPattern("input +images +float32 \\[-1,-1,-1,3\\]")
                .contains("reload check   max |Δ| vs the unfolded model: ");

        Path v1 = out.resolve("1");
        Path v2 = out.resolve("2");
        List<String> plainVars = SavedModels.listCheckpoint(v1.resolve("variables/variables")).stream()
                .map(CheckpointEntry::name)
                .toList();
        List<CheckpointEntry> foldedVars = SavedModels.listCheckpoint(v2.resolve("variables/variables"));
        assertThat(plainVars).anyMatch(n -> n.endsWith("/moving_mean"));
        assertThat(foldedVars)
                .extracting(CheckpointEntry::name)
                .noneMatch(n -> n.contains("BatchNorm"))
                .allMatch(n -> !n.contains("moving_") || n.contains("/preact/") || n.contains("/postnorm/"));
        assertThat(foldedVars.stream().mapToLong(e -> e.shape().size()).sum()).isEqualTo(folded);

        FloatValues images = FloatValues.uniform(Shape.of(2, 32, 32, 3), 5, -1f, 1f);
        Map<String, FloatValues> want;
        Map<String, FloatValues> got;
        try (LoadedSavedModel a = LoadedSavedModel.load(v1);
                LoadedSavedModel b = LoadedSavedModel.load(v2)) {
            want = a.run("serving_default", Map.of("images", images));
            got = b.run("serving_default", Map.of("images", images));
        }
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (String name : want.keySet()) {
            double bound = 1e-4 * Math.max(1, maxAbs(want.get(name)));
            assertThat(got.get(name).maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(bound);
        }
        assertThat(maxAbs(want.get("logits"))).isGreaterThan(1e-2);
    }

    @Test
    void verify_lists_the_highest_version_and_runs_one_batch() {
        CliRun run = CliRun.of("verify", out.toString(), "--batch-size", "3", "--image-size", "48");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .startsWith("SavedModel " + out.toAbsolutePath().resolve("2") + ", tags [serve], loaded in ")
                .containsPattern("input +images +float32 \\[-1,-1,-1,3\\]")
                .contains("ran 'serving_default' once in ")
                .contains("on images float32 [3,48,48,3] (uniform in [-1, 1], seed 0)")
                .containsPattern("\n  logits float32 \\[3,10\\] min \\S+ max \\S+ mean \\S+ top1\\[0\\]=\\d\n")
                .containsPattern("\n  features float32 \\[3,2048\\] min ")
                .doesNotContain("NON-FINITE");
    }

    @Test
    void forward_saved_model_prints_the_seed_lines_with_the_step_counts_and_plots(@TempDir Path tmp)
            throws IOException {
        Path png = tmp.resolve("steps.png");
        CliRun run = CliRun.of(
                "forward",
                "--saved-model",
                out.resolve("1").toString(),
                "-b",
                "2",
                "--warmup",
                "1",
                "--num-batches",
                "12",
                "--no-trace",
                "--plot",
                png.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> steps =
                run.out().lines().filter(l -> STEP_LINE.matcher(l).matches()).toList();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0)).contains(": step 0, duration = ");
        assertThat(steps.get(1)).contains(": step 10, duration = ");
        assertThat(run.out())
                .contains(": forward across 12 steps, ")
                .contains("summary: SavedModel " + out.toAbsolutePath().resolve("1") + ", signature 'serving_default'"
                        + " (resnet_v2_50 fp32, 10 classes), batch 2, 32x32, on cpu, input fixed host tensor")
                .contains(String.format(Locale.ROOT, "2 x %,d multiply-adds", R50_32.multiplyAdds()))
                .contains("SavedModel load ");
        assertThat(Files.size(png)).isPositive();
    }

    @Test
    void forward_saved_model_json_fills_dynamic_sizes_from_the_options() throws IOException {
        CliRun run = CliRun.of(
                "forward",
                "--saved-model",
                out.toString(),
                "--signature",
                "serving_default",
                "-b",
                "1",
                "--image-size",
                "64",
                "--warmup",
                "1",
                "--num-batches",
                "3",
                "--format",
                "json",
                "--seed",
                "4");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = ResultWriter.MAPPER.readTree(run.out());
        JsonNode config = json.get("config");
        assertThat(config.get("saved_model").asText())
                .isEqualTo(out.toAbsolutePath().resolve("2").toString());
        assertThat(config.get("signature").asText()).isEqualTo("serving_default");
        assertThat(config.get("model").asText()).isEqualTo("resnet_v2_50");
        assertThat(config.get("batch_size").asInt()).isEqualTo(1);
        assertThat(config.get("height").asInt()).isEqualTo(64);
        assertThat(config.get("width").asInt()).isEqualTo(64);
        assertThat(config.get("num_classes").asInt()).isEqualTo(CLASSES);
        assertThat(config.get("input").asText()).isEqualTo("fixed");
        assertThat(config.get("seed").asLong()).isEqualTo(4);
        assertThat(json.get("timings").get("step_seconds")).hasSize(3);
        assertThat(json.get("timings").get("warmup_seconds")).hasSize(1);
        assertThat(json.get("model").get("multiply_adds_per_image").asLong())
                .isEqualTo(ReferenceCounts.of(UNITS, 64, 64, CLASSES).multiplyAdds());
        assertThat(json.get("model").get("parameters").asLong())
                .isEqualTo(R50_32.parameters() - 2 * 3 * sumOfBaseDepths());
        assertThat(json.get("trace").get("op_types")).isNotEmpty();
    }

    @Test
    void an_existing_target_without_force_is_refused_untouched() throws IOException {
        Path v1 = out.resolve("1");
        Map<Path, FileTime> before = snapshot(v1);
        CliRun run = CliRun.of(TinyRuns.export("--out", out.toString()).toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("resnet-bench export: --out: " + v1.toAbsolutePath()
                        + " already exists; choose another --version or use --force to replace it");
        assertThat(snapshot(v1)).isEqualTo(before);
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("1", "2");
        }
    }

    private static Map<Path, FileTime> snapshot(Path root) throws IOException {
        Map<Path, FileTime> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    @Test
    void help_needs_no_other_option() {
        CliRun export = CliRun.of("export", "--help");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out()).contains("--out=DIR", "--version=<version>", "--optimize", "--dynamic-size");
        CliRun verify = CliRun.of("verify", "-h");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("--signature=KEY", "DIR");
    }

    @Test
    void bad_export_arguments_exit_2_before_anything_is_written() {
        Path target = dir.resolve("never");
        CliRun missing = CliRun.of(
                "export",
                "--model",
                "resnet_v2_50",
                "--out",
                target.toString(),
                "--checkpoint",
                dir.resolve("nowhere/model.ckpt").toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err().strip())
                .doesNotContain("\n")
                .startsWith("resnet-bench export: --checkpoint: no checkpoint at prefix "
                        + dir.toAbsolutePath().resolve("nowhere/model.ckpt"));
        assertThat(CliRun.of("export", "--model", "resnet_v2_18", "--out", target.toString())
                        .err())
                .contains("--model: unknown model 'resnet_v2_18'");
        assertThat(CliRun.of("export", "--model", "resnet_v2_50", "--out", target.toString(), "--exclude", "x")
                        .err())
                .contains("--exclude: only meaningful with a checkpoint (--checkpoint)");
        CliRun noOut = CliRun.of("export", "--model", "resnet_v2_50");
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err()).contains("Missing required option: '--out=DIR'");
        assertThat(target).doesNotExist();
    }

    @Test
    void missing_or_corrupt_saved_models_give_a_clear_message_and_exit_code() throws IOException {
        Path nowhere = dir.resolve("nowhere");
        CliRun verifyMissing = CliRun.of("verify", nowhere.toString());
        assertThat(verifyMissing.exitCode()).isEqualTo(2);
        assertThat(verifyMissing.err().strip())
                .isEqualTo("resnet-bench verify: DIR: " + nowhere.toAbsolutePath() + " does not exist");
        CliRun forwardMissing = CliRun.of("forward", "--saved-model", nowhere.toString());
        assertThat(forwardMissing.exitCode()).isEqualTo(2);
        assertThat(forwardMissing.err().strip())
                .isEqualTo("resnet-bench forward: --saved-model: " + nowhere.toAbsolutePath() + " does not exist");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun noModel = CliRun.of("verify", empty.toString());
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("holds no saved_model.pb");

        Path corrupt = Files.createDirectories(dir.resolve("corrupt/1"));
        Files.write(corrupt.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02, 0x7f});
        for (String[] args : List.of(
                new String[] {"verify", dir.resolve("corrupt").toString()},
                new String[] {"forward", "--saved-model", dir.resolve("corrupt").toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err().strip())
                    .doesNotContain("\n")
                    .contains(": error: ")
                    .contains(corrupt.toAbsolutePath().resolve("saved_model.pb")
                            + " is not a SavedModel protocol buffer");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void forward_saved_model_refuses_a_batch_that_cannot_fit_before_feeding_it() {
        CliRun run = CliRun.of(
                "forward",
                "--saved-model",
                out.resolve("1").toString(),
                "--batch-size",
                "1000000",
                "--warmup",
                "0",
                "--num-batches",
                "1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("resnet-bench forward: error: --batch-size 1000000: one step needs at least")
                .contains("use a smaller --batch-size");
    }

    @Test
    void forward_saved_model_refuses_options_the_saved_model_fixes() {
        String v1 = out.resolve("1").toString();
        CliRun model = CliRun.of("forward", "--saved-model", v1, "--model", "resnet_v2_50");
        assertThat(model.exitCode()).isEqualTo(2);
        assertThat(model.err()).contains("resnet-bench forward: --model: not with --saved-model");
        CliRun size = CliRun.of("forward", "--saved-model", v1, "--image-size", "64");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err())
                .contains("--image-size/--height/--width: the SavedModel's input 'images' is float32"
                        + " [-1,32,32,3], so dimension 1 is fixed at 32, got 64");
        CliRun signature = CliRun.of("forward", "--saved-model", v1, "--signature", "predict");
        assertThat(signature.exitCode()).isEqualTo(2);
        assertThat(signature.err())
                .contains("--signature: 'predict' is not in SavedModel")
                .contains("available: serving_bytes, serving_default");
        assertThat(CliRun.of("forward", "--signature", "serving_default").err())
                .contains("--signature: only with --saved-model DIR");
        assertThat(CliRun.of("forward", "--saved-model", v1, "--input", "random")
                        .err())
                .contains(
                        "--input random: with --saved-model the signature's input is a fed host tensor; allowed: fixed");
    }
}
