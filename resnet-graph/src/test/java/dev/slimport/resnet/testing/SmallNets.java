/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.Depth;
import java.util.List;

/** The tiny networks of slim's resnet_v2_test.py. */
public final class SmallNets {
    private SmallNets() {}

    /** {base depth, units, stride} rows of slim's {@code _resnet_small}. */
    public static final int[][] SMALL_TABLE = {{1, 3, 2}, {2, 3, 2}, {4, 3, 2}, {8, 2, 1}};

    /** slim's {@code _resnet_small} blocks: base depths 1, 2, 4, 8 with 3, 3, 3, 2 units. */
    public static List<BlockSpec> small() {
        return List.of(
                BlockSpec.resnetV2Block("block1", 1, 3, 2),
                BlockSpec.resnetV2Block("block2", 2, 3, 2),
                BlockSpec.resnetV2Block("block3", 4, 3, 2),
                BlockSpec.resnetV2Block("block4", 8, 2, 1));
    }

    /**
     * The tiny net of the export and CLI tests: resnet_v2_50's block table (3, 4, 6, 3 units) with base depths 1, 2,
     * 4, 8, so its features are 4 × 8 = {@value #TINY_FEATURES} deep.
     */
    public static List<BlockSpec> tiny() {
        return Depth.D50.blocks(1);
    }

    /** The depth of {@link #tiny()}'s features. */
    public static final int TINY_FEATURES = 32;

    /** slim's create_test_input: value i + j at (i, j), tiled over batch and channels. */
    public static Nhwc slimTestInput(int batch, int h, int w, int c) {
        Nhwc t = Nhwc.zeros(batch, h, w, c);
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) for (int k = 0; k < c; k++) t.set(i + j, b, i, j, k);
        return t;
    }
}
