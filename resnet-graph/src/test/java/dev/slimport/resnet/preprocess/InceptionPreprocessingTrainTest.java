/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.preprocess.InceptionPreprocessing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.SampleDistortedBoundingBox;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The training path ({@code forTrain} and its steps) against slim's arguments: output shape and range, determinism
 * under a fixed seed, the sampled box's bounds, the flip, and fast-mode colour distortion staying in [0, 1].
 */
class InceptionPreprocessingTrainTest {
    private static final int H = 24;
    private static final int W = 36;

    /** A deterministic uint8 image {@code [h, w, 3]}. */
    private static byte[][][] image(int h, int w, long seed) {
        Random r = new Random(seed);
        byte[][][] im = new byte[h][w][3];
        for (byte[][] row : im) {
            for (byte[] px : row) {
                r.nextBytes(px);
            }
        }
        return im;
    }

    /** Builds {@code build(tf)} once, runs it {@code times} times in one session, the float results in order. */
    private static List<float[]> runs(Function<Ops, List<Operand<?>>> build, int times) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            List<Operand<?>> fetches = build.apply(tf);
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                Session.Runner runner = s.runner();
                fetches.forEach(runner::fetch);
                try (Result r = runner.run()) {
                    for (int k = 0; k < fetches.size(); k++) {
                        if (r.get(k) instanceof TInt32 t) {
                            int[] v = new int[(int) t.shape().size()];
                            t.copyTo(DataBuffers.of(v, false, false));
                            float[] f = new float[v.length];
                            for (int j = 0; j < v.length; j++) {
                                f[j] = v[j];
                            }
                            out.add(f);
                        } else {
                            out.add(ImageGraphs.floats(r.get(k)).data());
                        }
                    }
                }
            }
            return out;
        }
    }

    private static Function<Ops, List<Operand<?>>> train(byte[][][] im, boolean color, long seed) {
        return tf -> List.of(InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, color, seed));
    }

    @Test
    void outputHasTheRequestedShapeAndStaysInMinusOneToOne() {
        byte[][][] im = image(50, 70, 1);
        for (boolean color : new boolean[] {true, false}) {
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                Operand<TFloat32> out = InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, color, 3);
                assertThat(out.shape().asArray()).containsExactly(H, W, 3);
            }
            for (float[] run : runs(train(im, color, 3), 20)) {
                assertThat(run).hasSize(H * W * 3);
                for (float v : run) {
                    assertThat(v).isBetween(-1f, 1f);
                }
            }
        }
    }

    @Test
    void aFixedSeedGivesTheSameSequenceAndAnotherSeedAnother() {
        byte[][][] im = image(40, 40, 2);
        List<float[]> a = runs(train(im, true, 42), 6);
        List<float[]> b = runs(train(im, true, 42), 6);
        List<float[]> c = runs(train(im, true, 43), 6);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("run %d", i).containsExactly(b.get(i));
        }
        assertThat(a.get(0)).as("successive runs draw anew").isNotEqualTo(a.get(1));
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            differs |= !java.util.Arrays.equals(a.get(i), c.get(i));
        }
        assertThat(differs).as("another seed").isTrue();
    }

    @Test
    void twoCallsInOneGraphDrawIndependently() {
        byte[][][] im = image(40, 40, 3);
        List<float[]> out = runs(
                tf -> List.of(
                        InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, true, 42),
                        InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, true, 42)),
                3);
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(2 * i)).as("run %d", i).isNotEqualTo(out.get(2 * i + 1));
        }
        List<float[]> again = runs(
                tf -> List.of(
                        InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, true, 42),
                        InceptionPreprocessing.forTrain(tf, tf.constant(im), H, W, true, 42)),
                3);
        for (int i = 0; i < out.size(); i++) {
            assertThat(again.get(i)).containsExactly(out.get(i));
        }
    }

    @Test
    void sampledBoxRespectsSlimsArguments() {
        int h = 120;
        int w = 200;
        int n = 400;
        List<float[]> out = runs(
                tf -> {
                    Operand<TUint8> zeros = tf.constant(new byte[h][w][3]);
                    SampleDistortedBoundingBox<TInt32> box =
                            InceptionPreprocessing.distortedBoundingBox(tf, zeros, new Seeds(11));
                    return List.of(box.begin(), box.sizeOutput(), box.bboxes());
                },
                n);
        double minArea = 1;
        double minRatio = 10;
        double maxRatio = 0;
        for (int i = 0; i < n; i++) {
            float[] begin = out.get(3 * i);
            float[] size = out.get(3 * i + 1);
            float[] box = out.get(3 * i + 2);
            int y = (int) begin[0];
            int x = (int) begin[1];
            int bh = (int) size[0];
            int bw = (int) size[1];
            assertThat(begin[2]).isZero();
            assertThat(size[2]).isEqualTo(-1f); // all channels
            assertThat(y).isBetween(0, h - 1);
            assertThat(x).isBetween(0, w - 1);
            assertThat(y + bh).isLessThanOrEqualTo(h);
            assertThat(x + bw).isLessThanOrEqualTo(w);
            double area = (double) bh * bw / (h * w);
            // min_object_covered=0.1 of the whole-image box: at least a tenth of the image, at most all of it.
            assertThat(area).as("area fraction").isBetween(0.1 - 1e-9, 1.0);
            boolean whole = bh == h && bw == w;
            if (!whole) {
                // aspect_ratio_range (0.75, 1.33) before the box's sides are rounded to whole pixels.
                double ratio = (double) bw / bh;
                assertThat(ratio)
                        .as("aspect ratio of %dx%d", bw, bh)
                        .isBetween(0.75 * bh / (bh + 1.0), 1.33 * (bh + 1.0) / bh);
                minRatio = Math.min(minRatio, ratio);
                maxRatio = Math.max(maxRatio, ratio);
            }
            minArea = Math.min(minArea, area);
            // The normalised box [ymin, xmin, ymax, xmax] is the same box.
            assertThat(box)
                    .containsExactly(
                            new float[] {(float) y / h, (float) x / w, (float) (y + bh) / h, (float) (x + bw) / w},
                            org.assertj.core.data.Offset.offset(1e-6f));
        }
        // The draws spread over the allowed ranges.
        assertThat(minArea).isLessThan(0.25);
        assertThat(minRatio).isLessThan(0.85);
        assertThat(maxRatio).isGreaterThan(1.2);
    }

    @Test
    void flipMirrorsOrKeepsTheImageAndIsSeeded() {
        int h = 3;
        int w = 5;
        float[][][] im = new float[h][w][3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    im[y][x][c] = y * 100 + x * 10 + c;
                }
            }
        }
        Function<Ops, List<Operand<?>>> flip =
                tf -> List.of(InceptionPreprocessing.randomFlipLeftRight(tf, tf.constant(im), new Seeds(5)));
        List<float[]> a = runs(flip, 40);
        List<float[]> b = runs(flip, 40);
        int mirrored = 0;
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).containsExactly(b.get(i));
            float[] r = a.get(i);
            boolean same = true;
            boolean mirror = true;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        float v = r[(y * w + x) * 3 + c];
                        same &= v == im[y][x][c];
                        mirror &= v == im[y][w - 1 - x][c];
                    }
                }
            }
            assertThat(same || mirror)
                    .as("run %d is the image or its mirror", i)
                    .isTrue();
            mirrored += mirror ? 1 : 0;
        }
        assertThat(mirrored).as("about half of 40 runs mirror").isBetween(8, 32);
    }

    @Test
    void fastColourDistortionStaysInZeroToOne() {
        // All four fast-mode orderings (earlier slim selected among them; now fast mode uses ordering 0).
        // Extremes and mid values: brightness (±32/255) pushes past 0 and 1, saturation changes colours; clipped.
        float[][][] im = new float[4][6][3];
        Random r = new Random(7);
        for (float[][] row : im) {
            for (float[] px : row) {
                for (int c = 0; c < 3; c++) {
                    int k = r.nextInt(4);
                    px[c] = k == 0 ? 0f : k == 1 ? 1f : r.nextFloat();
                }
            }
        }
        List<float[]> out = runs(tf -> List.of(allOrderings(tf, tf.constant(im), new Seeds(9))), 60);
        int changed = 0;
        float[] flat = flatten(im);
        for (float[] run : out) {
            assertThat(run).hasSize(flat.length);
            for (float v : run) {
                assertThat(v).isBetween(0f, 1f);
            }
            changed += java.util.Arrays.equals(run, flat) ? 0 : 1;
        }
        assertThat(changed).isGreaterThan(55);
    }

    @Test
    void onGreyImagesOnlyBrightnessActsByAtMost32Over255() {
        // Saturation has no effect on grey (S = 0), so every ordering adds one delta in [-32/255, 32/255) to all
        // pixels, then clips; interior values show the delta.
        float[][][] im = new float[3][4][3];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                float v = 0.2f + 0.05f * (y * 4 + x);
                im[y][x] = new float[] {v, v, v};
            }
        }
        float[] flat = flatten(im);
        List<float[]> out = runs(tf -> List.of(allOrderings(tf, tf.constant(im), new Seeds(13))), 40);
        double maxDelta = 0;
        for (float[] run : out) {
            float delta = run[0] - flat[0];
            for (int i = 0; i < run.length; i++) {
                assertThat(run[i] - flat[i]).isCloseTo(delta, org.assertj.core.data.Offset.offset(2e-6f));
            }
            assertThat(Math.abs(delta)).isLessThanOrEqualTo(32f / 255 + 1e-6f);
            maxDelta = Math.max(maxDelta, Math.abs(delta));
        }
        assertThat(maxDelta).as("the deltas spread toward 32/255").isGreaterThan(0.08);
    }

    /** {@code apply_with_random_selector} over the four fast-mode {@code distort_color} orderings. */
    private static Operand<TFloat32> allOrderings(Ops tf, Operand<TFloat32> image, Seeds seeds) {
        return InceptionPreprocessing.applyWithRandomSelector(
                tf,
                image,
                InceptionPreprocessing.COLOR_ORDERINGS,
                (x, c) -> InceptionPreprocessing.distortColorFast(tf, x, c, seeds),
                seeds);
    }

    @Test
    void selectorRunsExactlyOneCaseChosenUniformly() {
        float[][][] im = {{{0.25f, 0.5f, 0.75f}}};
        List<float[]> out = runs(
                tf -> List.of(InceptionPreprocessing.applyWithRandomSelector(
                        tf, tf.constant(im), 4, (x, c) -> tf.math.add(x, tf.constant(10f * c)), new Seeds(21))),
                200);
        int[] seen = new int[4];
        for (float[] run : out) {
            int c = Math.round((run[0] - 0.25f) / 10f);
            assertThat(run).containsExactly(0.25f + 10f * c, 0.5f + 10f * c, 0.75f + 10f * c);
            seen[c]++;
        }
        for (int c = 0; c < 4; c++) {
            assertThat(seen[c]).as("case %d of 200 runs", c).isBetween(25, 80);
        }
        List<float[]> one = runs(
                tf -> List.of(InceptionPreprocessing.applyWithRandomSelector(
                        tf, tf.constant(im), 1, (x, c) -> tf.math.add(x, tf.constant(10f * c + 1)), new Seeds(0))),
                10);
        for (float[] run : one) {
            assertThat(run).containsExactly(1.25f, 1.5f, 1.75f);
        }
    }

    @Test
    void fastModeUsesOrderingZeroOnly() {
        // slim's num_distort_cases = 1 if fast_mode else 4: forTrain builds one Switch (one case, ordering 0).
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            InceptionPreprocessing.forTrain(tf, tf.constant(image(10, 10, 1)), 8, 8, true, 1);
            int switches = 0;
            int merges = 0;
            for (java.util.Iterator<org.tensorflow.GraphOperation> it = g.operations(); it.hasNext(); ) {
                String type = it.next().type();
                switches += type.equals("Switch") ? 1 : 0;
                merges += type.equals("Merge") ? 1 : 0;
            }
            assertThat(switches).isEqualTo(InceptionPreprocessing.FAST_MODE_COLOR_CASES);
            assertThat(merges).isEqualTo(1);
        }
    }

    @Test
    void graceHopperThroughTheTrainPath() {
        byte[] jpeg = ImageGraphs.resource("/images/grace_hopper.jpg");
        ImageGraphs.Floats out = ImageGraphs.runFloat(
                jpeg,
                (tf, in) ->
                        InceptionPreprocessing.forTrain(tf, InceptionPreprocessing.decode(tf, in), 299, 299, true, 1));
        assertThat(out.shape()).containsExactly(299, 299, 3);
        for (float v : out.data()) {
            assertThat(v).isBetween(-1f, 1f);
        }
    }

    private static float[] flatten(float[][][] im) {
        List<Float> values = new ArrayList<>();
        for (float[][] row : im) {
            for (float[] px : row) {
                for (float v : px) {
                    values.add(v);
                }
            }
        }
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }
}
