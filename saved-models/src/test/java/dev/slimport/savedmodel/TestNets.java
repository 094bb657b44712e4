/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.testing.SmallNets;

/** saved-models' fixture over resnet-graph's shared tiny net ({@link SmallNets#tiny()}): its {@link ModelSpec}. */
final class TestNets {
  private TestNets() {}

  /** The tiny net in slim's default scope {@code resnet_v2}. */
  static final Network TINY = Network.custom("resnet_v2", SmallNets.tiny());

  /**
   * The tiny net's block table as {@link dev.slimport.resnet.testing.RefResNetV2} rows {base depth, units, stride},
   * written from slim-semantics.md §1.6 rather than read from the library: resnet_v2_50's 3, 4, 6, 3 units with
   * base depths 1, 2, 4, 8 and strides 2, 2, 2, 1.
   */
  static final int[][] TINY_TABLE = {{1, 3, 2}, {2, 4, 2}, {4, 6, 2}, {8, 3, 1}};

  /** The tiny net with {@code classes} classes at 32×32 (static size). */
  static ModelSpec tiny(int classes, long seed) {
    return tiny(classes, seed, 32);
  }

  /** The tiny net with {@code classes} classes at {@code size}×{@code size} (static size). */
  static ModelSpec tiny(int classes, long seed, int size) {
    return new ModelSpec(TINY, classes, size, false, seed);
  }
}
