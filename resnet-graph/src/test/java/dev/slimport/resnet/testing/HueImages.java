/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The labelled image-folder tree of the training tests (saved-models' ImageTrainingTest, resnet-bench's
 * TrainCommandTest): four hue families a small net learns in a hundred steps. In the test-jar, so both use this one copy.
 */
public final class HueImages {
    private HueImages() {}

    /** The class folders, in sorted order: labels 0..3. */
    public static final List<String> CLASSES = List.of("a_red", "b_green", "c_blue", "d_yellow");

    /** The hue centres (RGB) of {@link #CLASSES}. */
    private static final int[][] HUES = {{200, 40, 40}, {40, 190, 40}, {40, 40, 210}, {210, 200, 40}};

    /**
     * {@code dir/<class>/<i>.jpg|png}: per class {@code perClass} images of its hue with per-pixel noise (±30 per
     * channel), sizes 40..79, every other one JPEG ({@code 0.jpg, 1.png, 2.jpg, ...}).
     */
    public static void writeTree(Path dir, int perClass, long seed) throws IOException {
        Random r = new Random(seed);
        for (int c = 0; c < HUES.length; c++) {
            Path folder = Files.createDirectories(dir.resolve(CLASSES.get(c)));
            for (int i = 0; i < perClass; i++) {
                int w = 40 + r.nextInt(40);
                int h = 40 + r.nextInt(40);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int rgb = 0;
                        for (int k = 0; k < 3; k++) {
                            rgb = (rgb << 8) | Math.max(0, Math.min(255, HUES[c][k] + r.nextInt(61) - 30));
                        }
                        img.setRGB(x, y, rgb);
                    }
                }
                String format = i % 2 == 0 ? "jpg" : "png";
                if (!ImageIO.write(img, format, folder.resolve(i + "." + format).toFile())) {
                    throw new IOException("no ImageIO writer for " + format);
                }
            }
        }
    }
}
