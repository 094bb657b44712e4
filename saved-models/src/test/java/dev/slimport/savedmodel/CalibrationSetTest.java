/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class CalibrationSetTest {

    @TempDir
    Path dir;

    /** Batch k is FloatValues.uniform of seed + k: batch 0 is forward's fixed input; walking again gives the same. */
    @Test
    void synthetic_batches_are_seeded_and_repeatable() {
        CalibrationSet set = CalibrationSet.synthetic(3, 2, 5, 4, 11, 0f, 1f);
        List<FloatValues> first = copies(set);
        assertThat(first).hasSize(3);
        for (int k = 0; k < 3; k++) {
            assertThat(first.get(k)).isEqualTo(FloatValues.uniform(Shape.of(2, 5, 4, 3), 11 + k, 0f, 1f));
        }
        assertThat(copies(set)).isEqualTo(first);
        assertThat(set.imagesFed()).isEqualTo(6);
        assertThat(set.describe()).isEqualTo("synthetic uniform [0, 1), seed 11: 3 batches of 2 (6 images)");
    }

    /** The previous batch is closed when the next is asked for, the last one when hasNext() turns false. */
    @Test
    void batches_are_closed_after_use() {
        CalibrationSet set = CalibrationSet.synthetic(2, 1, 2, 2, 0, -1f, 1f);
        var it = set.iterator();
        TFloat32 a = it.next();
        TFloat32 b = it.next();
        assertThatThrownBy(a::numBytes).isInstanceOf(IllegalStateException.class);
        assertThat(b.shape()).isEqualTo(Shape.of(1, 2, 2, 3));
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(b::numBytes).isInstanceOf(IllegalStateException.class);
    }

    /**
     * An image folder goes through slim's eval preprocessing: a solid-colour image stays solid through the central
     * crop and the bilinear resize, each channel {@code (c / 255 - 0.5) · 2}; files are taken in sorted path order
     * (subfolders included, other extensions skipped) and cycled when the folder holds fewer than the batches need.
     */
    @Test
    void image_folder_through_eval_preprocessing_in_sorted_order() throws IOException {
        solid(dir.resolve("b.png"), 255, 0, 128);
        Files.createDirectories(dir.resolve("sub"));
        solid(dir.resolve("sub/c.png"), 0, 255, 0);
        solid(dir.resolve("a.bmp"), 51, 102, 204);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        CalibrationSet set = CalibrationSet.images(dir, 2, 2, 8, 6);
        assertThat(set.images()).isEqualTo(3);
        assertThat(set.imagesFed()).isEqualTo(4);
        List<FloatValues> batches = copies(set);
        assertThat(batches).hasSize(2);
        float[][] expected = {
            rgb(51, 102, 204), rgb(255, 0, 128), rgb(0, 255, 0), rgb(51, 102, 204) // a, b, sub/c, then a again
        };
        for (int i = 0; i < 4; i++) {
            FloatValues b = batches.get(i / 2);
            assertThat(b.shape()).isEqualTo(Shape.of(2, 8, 6, 3));
            int per = 8 * 6 * 3;
            for (int p = 0; p < 8 * 6; p++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(b.get((i % 2) * per + p * 3 + c))
                            .as("image %d pixel %d channel %d", i, p, c)
                            .isCloseTo(expected[i][c], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void bad_arguments_name_the_option_and_the_allowed_values() throws IOException {
        assertThatThrownBy(() -> CalibrationSet.images(dir.resolve("missing"), 1, 1, 8, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("calibration: ")
                .hasMessageContaining("does not exist")
                .hasMessageContaining("synthetic");
        assertThatThrownBy(() -> CalibrationSet.images(dir, 1, 1, 8, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no image file");
        assertThatThrownBy(() -> CalibrationSet.synthetic(0, 1, 8, 8, 0, 0f, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("calibration-batches: must be in 1..");
        Files.write(dir.resolve("broken.png"), new byte[] {1, 2, 3, 4});
        CalibrationSet broken = CalibrationSet.images(dir, 1, 1, 8, 8);
        assertThatThrownBy(() -> copies(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.png is not a readable image");
    }

    private static float[] rgb(int r, int g, int b) {
        return new float[] {(r / 255f - 0.5f) * 2, (g / 255f - 0.5f) * 2, (b / 255f - 0.5f) * 2};
    }

    private static void solid(Path file, int r, int g, int b) throws IOException {
        BufferedImage im = new BufferedImage(13, 9, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 13; x++) {
                im.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        String name = file.getFileName().toString();
        ImageIO.write(im, name.substring(name.lastIndexOf('.') + 1), file.toFile());
    }

    private static List<FloatValues> copies(CalibrationSet set) {
        List<FloatValues> out = new ArrayList<>();
        for (TFloat32 t : set) {
            out.add(FloatValues.of(t));
        }
        return out;
    }
}
