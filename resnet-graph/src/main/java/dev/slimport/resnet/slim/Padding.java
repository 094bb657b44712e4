/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/** TensorFlow's padding schemes, as slim's {@code padding='SAME'|'VALID'}. */
public enum Padding {
    SAME,
    VALID
}
