/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import java.io.IOException;

/**
 * An encoded image that {@link ImageHeader} refuses before any decoding: not JPEG, PNG, GIF or BMP, a header cut short
 * or invalid, or more pixels than the caller allows. The message names the format (or the bytes found) and the
 * reason, so it can be reported per file while the other files are processed.
 */
public class ImageFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with its message.
     *
     * @param message what is wrong with the image, naming its format when known
     */
    public ImageFormatException(String message) {
        super(message);
    }
}
