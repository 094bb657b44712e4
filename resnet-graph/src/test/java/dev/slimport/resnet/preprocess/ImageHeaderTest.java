/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.preprocess.ImageHeader.Format;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHeaderTest {

    @Test
    void readsTheSizeOfEachFormatAsTensorFlowDecodesIt() throws Exception {
        BufferedImage rgb = ImageGraphs.randomRgb(37, 23, 1);
        BufferedImage indexed = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_INDEXED);
        Object[][] cases = {
            {Format.PNG, ImageGraphs.encode(rgb, "png"), 37, 23},
            {Format.JPEG, ImageGraphs.jpeg(rgb, 0.9f), 37, 23},
            {Format.GIF, ImageGraphs.encode(indexed, "gif"), 19, 11},
            {Format.BMP, ImageGraphs.encode(rgb, "bmp"), 37, 23},
        };
        for (Object[] c : cases) {
            byte[] bytes = (byte[]) c[1];
            ImageHeader h = ImageHeader.read(bytes);
            assertThat(h).isEqualTo(new ImageHeader((Format) c[0], (int) c[2], (int) c[3]));
            ImageGraphs.Pixels decoded = ImageGraphs.runUint8(bytes, InceptionPreprocessing::decode);
            assertThat(new int[] {decoded.width(), decoded.height()})
                    .as("TensorFlow's decoder on %s", c[0])
                    .containsExactly(h.width(), h.height());
        }
    }

    @Test
    void jpegHeaderIsFoundAfterLargeSegmentsAndInProgressiveFiles() throws Exception {
        byte[] jpeg = ImageGraphs.jpeg(ImageGraphs.randomRgb(40, 30, 2), 0.8f);
        // An APP1 segment of 60000 bytes (as EXIF with a thumbnail) and a comment, inserted after SOI.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(segment(0xE1, new byte[60000]));
        out.write(segment(0xFE, "a comment".getBytes(StandardCharsets.US_ASCII)));
        out.write(jpeg, 2, jpeg.length - 2);
        assertThat(ImageHeader.read(out.toByteArray())).isEqualTo(new ImageHeader(Format.JPEG, 40, 30));

        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream prog = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(prog)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            w.write(null, new IIOImage(ImageGraphs.randomRgb(21, 13, 3), null, null), p);
        } finally {
            w.dispose();
        }
        assertThat(ImageHeader.read(prog.toByteArray())).isEqualTo(new ImageHeader(Format.JPEG, 21, 13));
    }

    @Test
    void theGraceHopperFixtureIs512By600() throws Exception {
        assertThat(ImageHeader.read(ImageGraphs.resource("/images/grace_hopper.jpg")))
                .isEqualTo(new ImageHeader(Format.JPEG, 512, 600));
    }

    @Test
    void hugePngIsRefusedFromItsHeaderAlone(@TempDir Path dir) throws Exception {
        // Signature + IHDR only: no image data, so a decoder could not even start; the header is enough to refuse it.
        byte[] header = pngHeader(20000, 20000);
        Path file = dir.resolve("huge.png");
        Files.write(file, header);
        ImageHeader h = ImageHeader.read(file);
        assertThat(h).isEqualTo(new ImageHeader(Format.PNG, 20000, 20000));
        assertThat(h.pixels()).isEqualTo(400_000_000L);
        assertThatThrownBy(() -> h.requirePixelsAtMost(ImageHeader.DEFAULT_MAX_PIXELS))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("PNG image is 20000x20000")
                .hasMessageContaining("67108864");
        assertThat(ImageHeader.read(pngHeader(8192, 8192)).requirePixelsAtMost(ImageHeader.DEFAULT_MAX_PIXELS))
                .isNotNull();
    }

    @Test
    void bmpTopDownAndCoreHeaders() throws Exception {
        ByteBuffer info = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        info.put((byte) 'B')
                .put((byte) 'M')
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(40)
                .putInt(300)
                .putInt(-200);
        assertThat(ImageHeader.read(info.array())).isEqualTo(new ImageHeader(Format.BMP, 300, 200));
        ByteBuffer core = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        core.put((byte) 'B')
                .put((byte) 'M')
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(12)
                .putShort((short) 64);
        core.putShort((short) 48);
        assertThat(ImageHeader.read(core.array())).isEqualTo(new ImageHeader(Format.BMP, 64, 48));
    }

    @Test
    void unknownEmptyTruncatedAndInvalidHeadersNameTheProblem() throws IOException {
        assertThatThrownBy(() -> ImageHeader.read("this is a text file\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("unknown image format")
                .hasMessageContaining("74 68 69 73")
                .hasMessageContaining("JPEG, PNG, GIF or BMP");
        assertThatThrownBy(() -> ImageHeader.read(new byte[0]))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("empty file");
        byte[] png = pngHeader(10, 10);
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(png, 20)))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("png image: header truncated");
        assertThatThrownBy(() -> ImageHeader.read(pngHeader(0, 10)))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("png image: invalid size 0x10");
        byte[] jpeg = ImageGraphs.jpeg(ImageGraphs.randomRgb(8, 8, 4), 0.9f);
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(jpeg, 30)))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("jpeg image");
        assertThatThrownBy(() -> ImageHeader.read(new byte[] {'G', 'I', 'F', '8', '9', 'a', 1}))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("gif image: header truncated");
    }

    @Test
    void badLimitIsRefused() throws Exception {
        ImageHeader h = new ImageHeader(Format.GIF, 2, 2);
        assertThatThrownBy(() -> h.requirePixelsAtMost(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPixels");
        assertThatThrownBy(() -> new ImageHeader(Format.GIF, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] segment(int marker, byte[] payload) {
        byte[] s = new byte[payload.length + 4];
        s[0] = (byte) 0xFF;
        s[1] = (byte) marker;
        s[2] = (byte) ((payload.length + 2) >> 8);
        s[3] = (byte) (payload.length + 2);
        System.arraycopy(payload, 0, s, 4, payload.length);
        return s;
    }

    /** A PNG signature and a valid IHDR chunk (8-bit RGB), with its CRC, and nothing else. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer out = ByteBuffer.allocate(8 + 4 + 17 + 4);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        out.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return out.array();
    }
}
