/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.Depth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Shared fixtures: slim's tiny test net and directory helpers. */
final class TestNets {
  private TestNets() {}

  /** slim's tiny test network: the resnet_v2_50 block table with base depths 1, 2, 4, 8 (output depth 32). */
  static final Network TINY = Network.custom("resnet_v2", Depth.D50.blocks(1));

  /** The tiny net's final feature depth: 4 × base depth 8. */
  static final int TINY_FEATURES = 32;

  /** The tiny net with {@code classes} classes at 32×32. */
  static ModelSpec tiny(int classes, long seed) {
    return new ModelSpec(TINY, classes, 32, false, seed);
  }

  /** Copies the directory tree {@code from} to {@code to}. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
  }

  /** The names directly under {@code dir}, sorted (hidden temp directories included). */
  static List<String> children(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
