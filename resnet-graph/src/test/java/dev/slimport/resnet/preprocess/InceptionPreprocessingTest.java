/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import static dev.slimport.resnet.preprocess.ImageGraphs.Floats;
import static dev.slimport.resnet.preprocess.ImageGraphs.Pixels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TUint8;

/**
 * The evaluation path ({@code decode}, {@code forEval}, {@code evalFromEncoded}) against images with known pixels and
 * against a plain-Java computation of slim's crop box, TF1 bilinear resize and scaling ({@link ImageGraphs}).
 */
class InceptionPreprocessingTest {
    private static final float TOL = 1e-5f;

    @Test
    void pngRgbDecodesToItsPixelsAndEvalMatchesTheReference() {
        BufferedImage im = ImageGraphs.randomRgb(53, 37, 1);
        byte[] png = ImageGraphs.encode(im, "png");
        Pixels expected = ImageGraphs.rgbOf(im);

        Pixels decoded = ImageGraphs.runUint8(png, InceptionPreprocessing::decode);
        assertSamePixels(decoded, expected);

        Floats eval = ImageGraphs.runFloat(png, (tf, in) -> InceptionPreprocessing.evalFromEncoded(tf, in, 17, 23));
        assertThat(eval.shape()).containsExactly(17, 23, 3);
        assertClose(eval.data(), ImageGraphs.referenceEval(expected, 17, 23));
    }

    @ParameterizedTest
    @CsvSource({"1.0", "0.5", "0.875", "0.3"})
    void otherCentralFractionsMatchTheReference(double fraction) {
        // slim's preprocess_for_eval(central_fraction=...) argument; 1 keeps the whole image.
        BufferedImage im = ImageGraphs.randomRgb(41, 30, 3);
        byte[] png = ImageGraphs.encode(im, "png");
        Floats eval = ImageGraphs.runFloat(
                png,
                (tf, in) ->
                        InceptionPreprocessing.forEval(tf, InceptionPreprocessing.decode(tf, in), 13, 19, fraction));
        assertThat(eval.shape()).containsExactly(13, 19, 3);
        assertClose(eval.data(), ImageGraphs.referenceEval(ImageGraphs.rgbOf(im), 13, 19, fraction));
    }

    @Test
    void upscalingMatchesTheReference() {
        // Output larger than the crop: source coordinates fall between pixels and the last ones clamp at the edge.
        BufferedImage im = ImageGraphs.randomRgb(9, 7, 2);
        byte[] png = ImageGraphs.encode(im, "png");
        Floats eval = ImageGraphs.runFloat(png, (tf, in) -> InceptionPreprocessing.evalFromEncoded(tf, in, 20, 31));
        assertClose(eval.data(), ImageGraphs.referenceEval(ImageGraphs.rgbOf(im), 20, 31));
    }

    @Test
    void greyPngIsReplicatedToThreeChannels() {
        BufferedImage im = new BufferedImage(11, 6, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = im.getRaster();
        Random rnd = new Random(3);
        int[][] grey = new int[6][11];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 11; x++) {
                grey[y][x] = rnd.nextInt(256);
                r.setSample(x, y, 0, grey[y][x]);
            }
        }
        Pixels decoded = ImageGraphs.runUint8(ImageGraphs.encode(im, "png"), InceptionPreprocessing::decode);
        assertThat(decoded.channels()).isEqualTo(3);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 11; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(decoded.at(y, x, c)).as("(%d,%d,%d)", y, x, c).isEqualTo(grey[y][x]);
                }
            }
        }
    }

    @Test
    void sixteenBitPngKeepsTheHighByte() {
        // TF's png_io.cc: with 8 desired bits a 16-bit PNG is reduced by png_set_strip_16 (the low byte dropped).
        BufferedImage im = new BufferedImage(5, 4, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = im.getRaster();
        int[] values = {0, 1, 255, 256, 257, 0x7fff, 0x80ff, 0xff00, 0xfffe, 0xffff, 12345, 54321};
        for (int i = 0; i < 20; i++) {
            r.setSample(i % 5, i / 5, 0, values[i % values.length]);
        }
        Pixels decoded = ImageGraphs.runUint8(ImageGraphs.encode(im, "png"), InceptionPreprocessing::decode);
        for (int i = 0; i < 20; i++) {
            int want = values[i % values.length] >> 8;
            for (int c = 0; c < 3; c++) {
                assertThat(decoded.at(i / 5, i % 5, c))
                        .as("sample %d", values[i % values.length])
                        .isEqualTo(want);
            }
        }
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() {
        BufferedImage im = new BufferedImage(7, 5, BufferedImage.TYPE_INT_ARGB);
        Random rnd = new Random(4);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                im.setRGB(x, y, rnd.nextInt());
            }
        }
        Pixels decoded = ImageGraphs.runUint8(ImageGraphs.encode(im, "png"), InceptionPreprocessing::decode);
        assertSamePixels(decoded, ImageGraphs.rgbOf(im));
    }

    @Test
    void palettePngGifAndBmpDecodeToTheirPixels() {
        BufferedImage indexed = new BufferedImage(13, 9, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.getGraphics().drawImage(ImageGraphs.randomRgb(13, 9, 5), 0, 0, null);
        for (String format : new String[] {"png", "gif"}) {
            Pixels decoded = ImageGraphs.runUint8(ImageGraphs.encode(indexed, format), InceptionPreprocessing::decode);
            assertSamePixels(decoded, ImageGraphs.rgbOf(indexed));
        }
        BufferedImage rgb = ImageGraphs.randomRgb(10, 6, 6);
        Pixels bmp = ImageGraphs.runUint8(ImageGraphs.encode(rgb, "bmp"), InceptionPreprocessing::decode);
        assertSamePixels(bmp, ImageGraphs.rgbOf(rgb));
    }

    @Test
    void jpegDecodesAsTensorFlowsJpegDecoderAndEvalMatchesTheReference() {
        BufferedImage im = ImageGraphs.smoothRgb(64, 48);
        byte[] jpeg = ImageGraphs.jpeg(im, 0.95f);

        Pixels decoded = ImageGraphs.runUint8(jpeg, InceptionPreprocessing::decode);
        Pixels libjpeg = ImageGraphs.runUint8(jpeg, (tf, in) -> tf.image.decodeJpeg(in, DecodeJpeg.channels(3L)));
        assertSamePixels(decoded, libjpeg);
        // Lossy, but close to the pixels that were encoded.
        Pixels original = ImageGraphs.rgbOf(im);
        long sum = 0;
        for (int i = 0; i < original.data().length; i++) {
            sum += Math.abs((original.data()[i] & 0xff) - (decoded.data()[i] & 0xff));
        }
        assertThat(sum / (double) original.data().length).isLessThan(3.0);

        Floats eval = ImageGraphs.runFloat(jpeg, (tf, in) -> InceptionPreprocessing.evalFromEncoded(tf, in, 33, 29));
        assertClose(eval.data(), ImageGraphs.referenceEval(decoded, 33, 29));
    }

    @ParameterizedTest
    @CsvSource({"299, 299", "224, 224"})
    void graceHopperPhotographMatchesTheReference(int height, int width) {
        byte[] jpeg = ImageGraphs.resource("/images/grace_hopper.jpg");
        Pixels decoded = ImageGraphs.runUint8(jpeg, InceptionPreprocessing::decode);
        assertThat(new int[] {decoded.height(), decoded.width(), decoded.channels()})
                .containsExactly(600, 512, 3);
        Pixels libjpeg = ImageGraphs.runUint8(jpeg, (tf, in) -> tf.image.decodeJpeg(in, DecodeJpeg.channels(3L)));
        assertSamePixels(decoded, libjpeg);

        Floats eval =
                ImageGraphs.runFloat(jpeg, (tf, in) -> InceptionPreprocessing.evalFromEncoded(tf, in, height, width));
        assertThat(eval.shape()).containsExactly(height, width, 3);
        float[] want = ImageGraphs.referenceEval(decoded, height, width);
        assertClose(eval.data(), want);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : eval.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThanOrEqualTo(-1f);
        assertThat(max).isLessThanOrEqualTo(1f);
        assertThat(max - min).as("a photograph spans most of the range").isGreaterThan(1.5f);
    }

    /** slim's integer box: start = int((size - size * 0.875) / 2) in float64, size - 2 * start kept (hand-computed). */
    @ParameterizedTest
    @CsvSource({
        "1, 0, 1",
        "2, 0, 2",
        "3, 0, 3",
        "7, 0, 7",
        "9, 0, 9",
        "15, 0, 15",
        "17, 1, 15",
        "31, 1, 29",
        "33, 2, 29",
        "101, 6, 89",
        "299, 18, 263",
        "333, 20, 293",
        "512, 32, 448",
        "600, 37, 526"
    })
    void centralCropUsesSlimsIntegerBox(int size, int start, int kept) {
        assertThat(ImageGraphs.cropStart(size, 0.875)).isEqualTo(start);
        // Rows carry their index in channel 0, columns in channel 1; the image is size x (size + 2).
        int h = size;
        int w = size + 2;
        byte[][][] image = new byte[h][w][3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image[y][x][0] = (byte) y;
                image[y][x][1] = (byte) x;
            }
        }
        byte[] png = new byte[0];
        Pixels cropped = ImageGraphs.runUint8(
                png,
                (tf, in) -> InceptionPreprocessing.centralCrop(
                        tf, tf.constant(image), InceptionPreprocessing.CENTRAL_FRACTION));
        int startW = ImageGraphs.cropStart(w, 0.875);
        assertThat(cropped.height()).isEqualTo(kept);
        assertThat(cropped.width()).isEqualTo(w - 2 * startW);
        assertThat(cropped.at(0, 0, 0)).isEqualTo(start & 0xff);
        assertThat(cropped.at(0, 0, 1)).isEqualTo(startW & 0xff);
        assertThat(cropped.at(kept - 1, 0, 0)).isEqualTo((start + kept - 1) & 0xff);
    }

    @Test
    void oneByOneImageBecomesOneColour() {
        BufferedImage im = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        im.setRGB(0, 0, 0x3380ff);
        Floats eval = ImageGraphs.runFloat(
                ImageGraphs.encode(im, "png"), (tf, in) -> InceptionPreprocessing.evalFromEncoded(tf, in, 5, 4));
        float s = (float) (1.0 / 255);
        float[] rgb = {(0x33 * s - 0.5f) * 2, (0x80 * s - 0.5f) * 2, (0xff * s - 0.5f) * 2};
        for (int i = 0; i < eval.data().length; i++) {
            assertThat(eval.data()[i]).isEqualTo(rgb[i % 3]);
        }
    }

    @Test
    void notAnImageFailsWhenRun() {
        byte[] text = "this is a text file named photo.jpg\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ImageGraphs.runUint8(text, InceptionPreprocessing::decode))
                .isInstanceOf(TFInvalidArgumentException.class)
                .hasMessageContaining("Unknown image file format");
    }

    @Test
    void badSizesAreRefusedNamingTheArgument() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TUint8> image = tf.placeholder(TUint8.class);
            assertThatThrownBy(() -> InceptionPreprocessing.forEval(tf, image, 0, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("height");
            assertThatThrownBy(() -> InceptionPreprocessing.forEval(tf, image, 10, 9000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("width");
            assertThatThrownBy(() -> InceptionPreprocessing.forTrain(tf, image, -1, 10, true, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("height");
            assertThatThrownBy(() -> InceptionPreprocessing.forEval(tf, image, 10, 10, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("central_fraction");
            assertThatThrownBy(() -> InceptionPreprocessing.centralCrop(tf, image, 1.5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("central_fraction");
        }
    }

    /** Same size and the same bytes; a plain comparison (AssertJ's recursive one is slow on large arrays). */
    static void assertSamePixels(Pixels actual, Pixels expected) {
        assertThat(new int[] {actual.height(), actual.width(), actual.channels()})
                .containsExactly(expected.height(), expected.width(), expected.channels());
        if (!java.util.Arrays.equals(actual.data(), expected.data())) {
            int i = java.util.Arrays.mismatch(actual.data(), expected.data());
            throw new AssertionError("pixels differ first at byte " + i + ": got " + (actual.data()[i] & 0xff)
                    + ", expected " + (expected.data()[i] & 0xff));
        }
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > TOL) {
                throw new AssertionError("value " + i + ": got " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
