/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    /** An RGB image whose red channel is the row and green the column: every pixel says where it came from. */
    private static BufferedImage coordinates(int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (y << 16) | (x << 8) | 7);
            }
        }
        return img;
    }

    /** TF's uint8 path: convert_image_dtype multiplies by float32(1/255), then (x - 0.5) * 2. */
    private static float scaled(int v) {
        return (v * (float) (1.0 / 255) - 0.5f) * 2f;
    }

    @Test
    void bilinearUpsamplingMatchesTf1ResizeBilinearWithoutAlignCorners() {
        // in=2, out=4: scale 0.5, source positions 0, 0.5, 1, 1.5 -> rows (0,0,0), (0,1,.5), (1,1,0), (1,1,.5 clamped)
        // so along one axis [a, b] becomes [a, (a+b)/2, b, b]; with a=0 and b=204 that is 0, 102, 204, 204.
        byte[] px = new byte[2 * 2 * 3];
        int[][] grid = {{0, 204}, {204, 204}};
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                Arrays.fill(px, (y * 2 + x) * 3, (y * 2 + x) * 3 + 3, (byte) grid[y][x]);
            }
        }
        float[] out = new float[4 * 4 * 3];
        new ImagePreprocessing(4, 4, 1.0).apply(new ImagePreprocessing.Rgb(2, 2, px), out, 0);
        int[][] expected = {{0, 102, 204, 204}, {102, 153, 204, 204}, {204, 204, 204, 204}, {204, 204, 204, 204}};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(out[(y * 4 + x) * 3 + c])
                            .as("(%d,%d,%d)", y, x, c)
                            .isCloseTo(scaled(expected[y][x]), within(1e-6f));
                }
            }
        }
    }

    @Test
    void centralCropKeepsTfCentralCropsWindow() throws Exception {
        // tf.image.central_crop(0.875) on 100x60: start = int((100 - 87.5) / 2) = 6 rows, int((60 - 52.5) / 2) = 3
        // columns, keeping 100 - 12 = 88 rows and 60 - 6 = 54 columns. Resizing to exactly that size samples 1:1.
        float[] out = new ImagePreprocessing(88, 54, 0.875).preprocess(png(coordinates(100, 60)));
        for (int y = 0; y < 88; y++) {
            for (int x = 0; x < 54; x++) {
                int o = (y * 54 + x) * 3;
                assertThat(out[o]).as("row of (%d,%d)", y, x).isEqualTo(scaled(y + 6));
                assertThat(out[o + 1]).as("column of (%d,%d)", y, x).isEqualTo(scaled(x + 3));
                assertThat(out[o + 2]).isEqualTo(scaled(7));
            }
        }
    }

    @Test
    void downsamplingPicksTheLegacySourcePixels() throws Exception {
        // 64 -> 16 without crop: scale 4, source index 4*i exactly (lerp 0), so output (i,j) is pixel (4i, 4j).
        float[] out = new ImagePreprocessing(16, 16, 1.0).preprocess(png(coordinates(64, 64)));
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                assertThat(out[(i * 16 + j) * 3]).isEqualTo(scaled(4 * i));
                assertThat(out[(i * 16 + j) * 3 + 1]).isEqualTo(scaled(4 * j));
            }
        }
    }

    @Test
    void scalesTheUint8RangeToMinusOneOne() {
        byte[] px = {0, (byte) 255, (byte) 128};
        float[] out = new float[3];
        new ImagePreprocessing(1, 1, 1.0).apply(new ImagePreprocessing.Rgb(1, 1, px), out, 0);
        assertThat(out[0]).isEqualTo(-1f);
        assertThat(out[1]).isCloseTo(1f, within(1e-6f));
        assertThat(out[2]).isCloseTo(128 / 127.5f - 1, within(1e-6f));
    }

    @Test
    void greyIsReplicatedNotGammaConverted() throws Exception {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(2, 1, 0, 200);
        ImagePreprocessing.Rgb rgb = ImagePreprocessing.decode(png(grey));
        assertThat(rgb.pixels()[0] & 0xff).isEqualTo(100);
        assertThat(rgb.pixels()[1] & 0xff).isEqualTo(100);
        assertThat(rgb.pixels()[2] & 0xff).isEqualTo(100);
        assertThat(rgb.pixels()[(1 * 3 + 2) * 3 + 2] & 0xff).isEqualTo(200);
        // what BufferedImage.getRGB reports for the same pixel (linear grey to sRGB) is not the stored sample
        assertThat(grey.getRGB(0, 0) & 0xff).isNotEqualTo(100);
    }

    @Test
    void alphaIsDroppedNotComposited() throws Exception {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, (10 << 24) | (200 << 16) | (100 << 8) | 50);
        ImagePreprocessing.Rgb rgb = ImagePreprocessing.decode(png(img));
        assertThat(rgb.pixels()[0] & 0xff).isEqualTo(200);
        assertThat(rgb.pixels()[1] & 0xff).isEqualTo(100);
        assertThat(rgb.pixels()[2] & 0xff).isEqualTo(50);
    }

    @Test
    void nonImagesAndCorruptImagesAreReported() throws Exception {
        ImagePreprocessing p = ImagePreprocessing.inception(8);
        assertThatThrownBy(() -> p.preprocess("hello, not a picture".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageStartingWith("not an image");
        assertThatThrownBy(() -> p.preprocess(new byte[0]))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("empty");
        byte[] good = png(coordinates(40, 40));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> p.preprocess(truncated))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageStartingWith("cannot decode image");
    }

    @Test
    void badArgumentsNameTheOption() {
        assertThatThrownBy(() -> new ImagePreprocessing(0, 4, 1)).hasMessageStartingWith("image-size:");
        assertThatThrownBy(() -> new ImagePreprocessing(4, 4, 0)).hasMessageStartingWith("central-crop:");
        assertThatThrownBy(() -> new ImagePreprocessing(4, 4, 1.5)).hasMessageStartingWith("central-crop:");
    }
}
