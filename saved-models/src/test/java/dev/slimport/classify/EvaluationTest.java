/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    @TempDir
    Path tmp;

    @Test
    void topOneTopFiveAndPerClassOnAHandComputedMatrix() {
        // 7 classes. Rank of the label (0 = first) worked out by hand for each row:
        float[][] p = {
            {.40f, .10f, .10f, .10f, .10f, .10f, .10f}, // label 0: rank 0 -> top1, top5
            {.05f, .30f, .20f, .15f, .12f, .10f, .08f}, // label 6: 0.08 < .30 .20 .15 .12 .10 -> rank 5 -> miss
            {.05f, .30f, .20f, .15f, .12f, .10f, .08f}, // label 5: rank 4 -> top5 only
            {.20f, .20f, .20f, .10f, .10f, .10f, .10f}, // label 1: tie with 0 (lower index first) -> rank 1
            {.20f, .20f, .20f, .10f, .10f, .10f, .10f}, // label 0: tie, lowest index -> rank 0 -> top1
            {.10f, .10f, .10f, .10f, .10f, .10f, .40f}, // label 5: 6 higher, 0..4 equal & lower -> rank 6 -> miss
        };
        int[] labels = {0, 6, 5, 1, 0, 5};
        Evaluation e = new Evaluation(7);
        for (int i = 0; i < p.length; i++) {
            e.add(labels[i], p[i]);
        }
        e.unreadable("x.jpg", "not an image");
        Evaluation.Result r = e.result(2.0, c -> "c" + c);
        assertThat(r.images()).isEqualTo(6);
        assertThat(r.top1Correct()).isEqualTo(2);
        assertThat(r.top5Correct()).isEqualTo(4);
        assertThat(r.top1()).isCloseTo(2 / 6.0, within(1e-12));
        assertThat(r.top5()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(r.topK()).isEqualTo(5);
        assertThat(r.unreadable()).isEqualTo(1);
        assertThat(r.problems()).containsExactly(new Evaluation.Problem("x.jpg", "not an image"));
        assertThat(r.imagesPerSecond()).isEqualTo(3.0);
        assertThat(r.perClass())
                .containsExactly(
                        new Evaluation.ClassAccuracy(0, "c0", 2, 2, 2),
                        new Evaluation.ClassAccuracy(1, "c1", 1, 0, 1),
                        new Evaluation.ClassAccuracy(5, "c5", 2, 0, 1),
                        new Evaluation.ClassAccuracy(6, "c6", 1, 0, 0));
        assertThat(r.perClass().get(2).top5()).isEqualTo(0.5);
    }

    @Test
    void argmaxAndRankBreakTiesByTheLowerIndexAsTensorFlowDoes() {
        float[] s = {1f, 3f, 3f, 2f};
        assertThat(Evaluation.argmax(s)).isEqualTo(1);
        assertThat(Evaluation.rank(s, 1)).isZero();
        assertThat(Evaluation.rank(s, 2)).isEqualTo(1);
        assertThat(Evaluation.rank(s, 3)).isEqualTo(2);
        assertThat(Evaluation.rank(s, 0)).isEqualTo(3);
        assertThat(Evaluation.argmax(new float[] {Float.NaN, 0f})).isEqualTo(1);
        assertThat(Evaluation.rank(new float[] {Float.NaN, 0f}, 0)).isEqualTo(1);
    }

    @Test
    void fewerClassesThanFiveMakeTopFiveOverAllOfThem() {
        Evaluation e = new Evaluation(3);
        e.add(2, new float[] {.5f, .3f, .2f});
        Evaluation.Result r = e.result(1, null);
        assertThat(r.topK()).isEqualTo(3);
        assertThat(r.top1()).isZero();
        assertThat(r.top5()).isEqualTo(1.0);
        assertThat(r.perClass().get(0).name()).isNull();
    }

    @Test
    void badArgumentsNameTheArgument() {
        Evaluation e = new Evaluation(3);
        assertThatThrownBy(() -> e.add(0, new float[2])).hasMessageStartingWith("probabilities: 2 scores");
        assertThatThrownBy(() -> e.add(3, new float[3])).hasMessageStartingWith("label: 3 outside 0..2");
        assertThatThrownBy(() -> new Evaluation(0)).hasMessageStartingWith("numClasses:");
        assertThat(new Evaluation(2).result(0, null).top1()).isNaN();
    }

    @Test
    void problemsAreCountedAllButKeptBounded() {
        Evaluation e = new Evaluation(2);
        for (int i = 0; i < Evaluation.MAX_PROBLEMS + 50; i++) {
            e.unreadable("f" + i, "bad");
        }
        Evaluation.Result r = e.result(1, null);
        assertThat(r.unreadable()).isEqualTo(Evaluation.MAX_PROBLEMS + 50);
        assertThat(r.problems()).hasSize(Evaluation.MAX_PROBLEMS);
    }

    @Test
    void theLoopBatchesTheStreamAndCountsWhatTheScorerFails() throws Exception {
        // 3 classes, 7 files; the "image" content names the class the fake model predicts: a file whose content is
        // "2" is scored {0, 0, 1}; "bad" fails to decode; an empty file is unreadable before the scorer.
        Path d = tmp.resolve("data");
        String[][] files = {
            {"a", "1.jpg", "0"},
            {"a", "2.jpg", "1"},
            {"a", "3.jpg", "0"},
            {"b", "1.jpg", "1"},
            {"b", "2.jpg", "bad"},
            {"c", "1.jpg", ""},
            {"c", "2.jpg", "2"},
        };
        for (String[] f : files) {
            Path p = d.resolve(f[0]).resolve(f[1]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f[2]);
        }
        LabelledImages set = LabelledImages.builder(3).build(List.of(d));
        List<Integer> batchSizes = new ArrayList<>();
        List<String> predicted = new ArrayList<>();
        List<long[]> progress = new ArrayList<>();
        Evaluation.Scorer scorer = batch -> {
            batchSizes.add(batch.size());
            List<Evaluation.Scored> out = new ArrayList<>();
            for (byte[] b : batch) {
                String s = new String(b, StandardCharsets.UTF_8);
                if (s.equals("bad")) {
                    out.add(Evaluation.Scored.failed("cannot decode"));
                } else {
                    float[] p = new float[3];
                    p[Integer.parseInt(s)] = 1f;
                    out.add(Evaluation.Scored.of(p));
                }
            }
            return out;
        };
        Evaluation.Result r = Evaluation.run(set, scorer, 3, new Evaluation.Listener() {
            @Override
            public void batch(long done, long total, Evaluation sofar) {
                progress.add(new long[] {done, total});
            }

            @Override
            public void predicted(String source, int label, int p, float score) {
                predicted.add(Path.of(source).getParent().getFileName() + ":" + label + "->" + p);
            }
        });
        // batches of 3 readable examples (an unreadable one takes no place): [a1 a2 a3] [b1 b2 (c1 unreadable) c2]
        assertThat(batchSizes).containsExactly(3, 3);
        assertThat(progress).extracting(x -> x[0]).containsExactly(3L, 7L);
        assertThat(progress).extracting(x -> x[1]).containsOnly(7L);
        assertThat(predicted).containsExactly("a:0->0", "a:0->1", "a:0->0", "b:1->1", "c:2->2");
        assertThat(r.images()).isEqualTo(5);
        assertThat(r.top1Correct()).isEqualTo(4);
        assertThat(r.unreadable()).isEqualTo(2);
        assertThat(r.problems()).extracting(Evaluation.Problem::message).containsExactly("empty file", "cannot decode");
        assertThat(r.perClass()).extracting(Evaluation.ClassAccuracy::name).containsExactly("a", "b", "c");
        assertThat(r.perClass().get(0).top1()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r.seconds()).isPositive();
        assertThatThrownBy(() -> Evaluation.run(set, scorer, 0, null)).hasMessageStartingWith("batchSize:");
    }

    @Test
    void aScorerThatLosesImagesIsAnError() throws IOException {
        Path d = tmp.resolve("d");
        Files.createDirectories(d.resolve("a"));
        Files.writeString(d.resolve("a/1.jpg"), "x");
        LabelledImages set = LabelledImages.builder(1).build(List.of(d));
        assertThatThrownBy(() -> Evaluation.run(set, b -> List.of(), 4, null))
                .hasMessageContaining("returned 0 results for 1 images");
    }
}
