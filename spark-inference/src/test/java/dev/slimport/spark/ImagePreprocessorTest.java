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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executors' graph preprocessing against values derived without it: hand-computed resize values, and {@link
 * TestImages#referenceEval} (plain Java, from slim's specification) on PNGs whose pixels the test wrote.
 */
class ImagePreprocessorTest {
    private static ImagePreprocessor p875;

    @BeforeAll
    static void open() {
        p875 = new ImagePreprocessor(new Preprocessing(16, 12, 0.875));
    }

    @AfterAll
    static void close() {
        p875.close();
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    /** TF's uint8 path: convert_image_dtype multiplies by float32(1/255), then (x - 0.5) * 2. */
    private static float scaled(int v) {
        return (v * (float) (1.0 / 255) - 0.5f) * 2f;
    }

    @Test
    void bilinearUpsamplingIsTf1ResizeBilinearWithoutHalfPixelCenters() throws Exception {
        // in=2, out=4: source positions 0, 0.5, 1, 1.5 -> along one axis [a, b] becomes [a, (a+b)/2, b, b] (the last
        // clamped); with a=0 and b=204: 0, 102, 204, 204. Derived by hand from TF1's sampling.
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0);
        img.setRGB(1, 0, 0xcccccc);
        img.setRGB(0, 1, 0xcccccc);
        img.setRGB(1, 1, 0xcccccc);
        float[] out;
        try (ImagePreprocessor p = new ImagePreprocessor(new Preprocessing(4, 4, 1.0))) {
            out = p.preprocess(png(img));
        }
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
    void matchesThePlainJavaReferenceForEachCentralFraction() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        for (int[] hw : new int[][] {{37, 53}, {60, 100}, {15, 17}, {83, 24}}) {
            byte[] file = TestImages.randomPng(random, hw[0], hw[1]);
            BufferedImage pixels = ImageIO.read(new java.io.ByteArrayInputStream(file));
            for (double fraction : new double[] {0.875, 1.0, 0.5}) {
                float[] expected = TestImages.referenceEval(pixels, 16, 12, fraction);
                float[] got;
                if (fraction == 0.875) {
                    got = p875.preprocess(file);
                } else {
                    try (ImagePreprocessor p = new ImagePreprocessor(new Preprocessing(16, 12, fraction))) {
                        got = p.preprocess(file);
                    }
                }
                assertThat(got)
                        .as("%dx%d, central fraction %s", hw[0], hw[1], fraction)
                        .hasSize(16 * 12 * 3);
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i])
                            .as("%dx%d, fraction %s, value %d", hw[0], hw[1], fraction, i)
                            .isCloseTo(expected[i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void writesAtTheOffsetAndLeavesTheRestAlone() throws Exception {
        byte[] file = TestImages.randomPng(new SplittableRandom(9), 30, 40);
        float[] expected =
                TestImages.referenceEval(ImageIO.read(new java.io.ByteArrayInputStream(file)), 16, 12, 0.875);
        int per = 16 * 12 * 3;
        float[] out = new float[3 * per];
        Arrays.fill(out, 42f);
        p875.preprocess(file, out, per);
        assertThat(Arrays.copyOfRange(out, 0, per)).containsOnly(42f);
        assertThat(Arrays.copyOfRange(out, 2 * per, 3 * per)).containsOnly(42f);
        for (int i = 0; i < per; i++) {
            assertThat(out[per + i]).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @Test
    void greyIsReplicatedToThreeChannels() throws Exception {
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                grey.getRaster().setSample(x, y, 0, 77);
            }
        }
        float[] out = p875.preprocess(png(grey));
        assertThat(out).containsOnly(scaled(77));
    }

    @Test
    void badFilesFailAloneWithTheirReason() throws Exception {
        assertThatThrownBy(() -> p875.preprocess("hello, not an image".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("unknown image format");
        assertThatThrownBy(() -> p875.preprocess(new byte[0]))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("empty file");
        byte[] good = TestImages.randomPng(new SplittableRandom(3), 50, 50);
        byte[] cut = Arrays.copyOf(good, good.length / 3);
        assertThatThrownBy(() -> p875.preprocess(cut))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageStartingWith("cannot decode image: ");
        // The preprocessor still works after failures.
        assertThat(p875.preprocess(good)).hasSize(16 * 12 * 3);
    }

    @Test
    void aHugePngIsRefusedFromItsHeaderBeforeDecoding() {
        // PNG signature + IHDR of 20000x20000, 8-bit RGB, and no image data: decoding it would need 1.2 GB.
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        b.putInt(13)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(20000)
                .putInt(20000);
        b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        assertThatThrownBy(() -> p875.preprocess(b.array()))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("20000x20000")
                .hasMessageContaining("not decoded");
    }

    @Test
    void aClosedPreprocessorRefusesRuns() throws Exception {
        ImagePreprocessor p = new ImagePreprocessor(Preprocessing.inception(8));
        byte[] file = TestImages.randomPng(new SplittableRandom(1), 20, 20);
        assertThat(p.preprocess(file)).hasSize(8 * 8 * 3);
        assertThat(p.close(Duration.ofSeconds(5))).isTrue();
        assertThat(p.close(Duration.ofSeconds(5))).isTrue();
        assertThatThrownBy(() -> p.preprocess(file)).isInstanceOf(ImagePreprocessor.ClosedException.class);
    }

    @Test
    void theExecutorsPreprocessorIsSharedAndMatchesTheReference() throws Exception {
        byte[] file = TestImages.randomPng(new SplittableRandom(4), 41, 29);
        float[] expected =
                TestImages.referenceEval(ImageIO.read(new java.io.ByteArrayInputStream(file)), 10, 10, 0.875);
        float[] a = new float[300];
        float[] b = new float[300];
        ExecutorModels.preprocess(Preprocessing.inception(10), file, a, 0);
        ExecutorModels.preprocess(Preprocessing.inception(10), file, b, 0);
        assertThat(b).isEqualTo(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> new Preprocessing(0, 10, 0.875)).hasMessageStartingWith("image-size:");
        assertThatThrownBy(() -> new Preprocessing(10, 10, 0)).hasMessageStartingWith("central-crop:");
        assertThatThrownBy(() -> new Preprocessing(10, 10, 1.5)).hasMessageStartingWith("central-crop:");
    }
}
