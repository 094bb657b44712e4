/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The synthetic gratings: reproducible, balanced, and each label is the orientation visible in its image. */
class SyntheticDatasetTest {

    @Test
    void theSameSeedGivesTheSameExamples() {
        SyntheticDataset a = new SyntheticDataset(20, 16, 24, 3, 7);
        SyntheticDataset b = new SyntheticDataset(20, 16, 24, 3, 7);
        SyntheticDataset c = new SyntheticDataset(20, 16, 24, 3, 8);
        float[] x = new float[16 * 24 * 3];
        float[] y = new float[16 * 24 * 3];
        float[] z = new float[16 * 24 * 3];
        a.image(5, x, 0);
        b.image(5, y, 0);
        c.image(5, z, 0);
        assertThat(x).containsExactly(y);
        assertThat(x).isNotEqualTo(z);
        assertThat(a.shuffled(3)).containsExactly(b.shuffled(3)).isNotEqualTo(a.shuffled(4));
        assertThat(Arrays.stream(a.shuffled(3)).sorted().toArray())
                .containsExactly(java.util.stream.IntStream.range(0, 20).toArray());
        try (SyntheticDataset.Batch batch = a.batch(new int[] {5, 2})) {
            assertThat(batch.images().shape().asArray()).containsExactly(2, 16, 24, 3);
            assertThat(floats(batch.images())).startsWith(x);
            assertThat(batch.labels().getInt(0)).isEqualTo(a.label(5));
            assertThat(batch.labels().getInt(1)).isEqualTo(a.label(2));
        }
    }

    @Test
    void labelsAreBalancedAndMatchTheGratingOrientation() {
        int classes = 4;
        SyntheticDataset d = new SyntheticDataset(400, 32, 32, classes, 3);
        int[] counts = new int[classes];
        int agree = 0;
        float[] img = new float[32 * 32 * 3];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
            d.image(i, img, 0);
            if (dominantOrientationClass(img, 32, 32, classes) == d.label(i)) {
                agree++;
            }
        }
        for (int c : counts) {
            assertThat(c).isBetween(70, 130);
        }
        assertThat(agree)
                .as("labels agreeing with the structure tensor's orientation")
                .isGreaterThanOrEqualTo(380);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new SyntheticDataset(0, 8, 8, 2, 0)).hasMessageContaining("size");
        assertThatThrownBy(() -> new SyntheticDataset(4, 0, 8, 2, 0)).hasMessageContaining("height");
        assertThatThrownBy(() -> new SyntheticDataset(4, 8, 8, 1, 0)).hasMessageContaining("numClasses");
        SyntheticDataset d = new SyntheticDataset(4, 8, 8, 2, 0);
        assertThatThrownBy(() -> d.label(4)).hasMessageContaining("index");
        assertThatThrownBy(() -> d.batch(3, 2)).hasMessageContaining("from/count");
        assertThatThrownBy(() -> d.image(0, new float[10], 0)).hasMessageContaining("dst");
    }

    /**
     * The class whose orientation k·180°/classes is nearest to the direction of the mean intensity gradient (the
     * grating's wave vector), from the structure tensor of the channel-summed image; central differences, so the
     * noise of the two gradient components is uncorrelated.
     */
    private static int dominantOrientationClass(float[] img, int h, int w, int classes) {
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                double gx = sum(img, y, x + 1, w) - sum(img, y, x - 1, w);
                double gy = sum(img, y + 1, x, w) - sum(img, y - 1, x, w);
                xx += gx * gx;
                yy += gy * gy;
                xy += gx * gy;
            }
        }
        double theta = 0.5 * Math.atan2(2 * xy, xx - yy);
        double spacing = Math.PI / classes;
        int k = (int) Math.round(theta / spacing);
        return Math.floorMod(k, classes);
    }

    private static double sum(float[] img, int y, int x, int w) {
        int p = 3 * (y * w + x);
        return img[p] + img[p + 1] + img[p + 2];
    }

    private static float[] floats(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] out = new float[(int) f.shape().size()];
        f.copyTo(DataBuffers.of(out, false, false));
        return out;
    }
}
