/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

/**
 * The names an exported model is served under: tag {@code serve}, signature {@code serving_default} with method
 * {@code tensorflow/serving/predict} (TF Serving's Predict API; TF Java leaves the method empty unless set), input
 * {@code images} and outputs {@code logits}, {@code predictions}, {@code features}.
 *
 * <table>
 *   <caption>serving_default</caption>
 *   <tr><th>name</th><th>dtype</th><th>shape</th><th>what</th></tr>
 *   <tr><td>images</td><td>float32</td><td>[-1,H,W,3]</td><td>NHWC, values in [-1,1] (Inception preprocessing);
 *       H=W=image size, or -1 with a dynamic size</td></tr>
 *   <tr><td>logits</td><td>float32</td><td>[-1,C]</td><td>slim's squeezed logits (C = classes)</td></tr>
 *   <tr><td>predictions</td><td>float32</td><td>[-1,C]</td><td>softmax of the logits (slim's {@code
 *       predictions} end point)</td></tr>
 *   <tr><td>features</td><td>float32</td><td>[-1,F]</td><td>slim's {@code global_pool} end point (mean of
 *       {@code postnorm} over height and width) squeezed from [B,1,1,F] to [B,F]; F = 2048 for the official
 *       depths</td></tr>
 * </table>
 *
 * <p>A model with 0 classes has only {@code features}.
 *
 * <p>Beside it, signature {@code serving_bytes} (same method) takes encoded image files and has the same outputs
 * (the same tensors):
 *
 * <table>
 *   <caption>serving_bytes</caption>
 *   <tr><th>name</th><th>dtype</th><th>shape</th><th>what</th></tr>
 *   <tr><td>image_bytes</td><td>string</td><td>[-1]</td><td>one JPEG, PNG, GIF or BMP file per element, any sizes;
 *       slim's eval preprocessing ({@code inception_preprocessing.preprocess_for_eval}: central crop 0.875,
 *       bilinear resize to the model's image size S×S, {@code (x - 0.5) * 2}) runs in the graph, see {@link
 *       dev.slimport.resnet.preprocess.EncodedImages#evalBatch}</td></tr>
 *   <tr><td>logits, predictions, features</td><td>float32</td><td>as above</td><td>as above</td></tr>
 * </table>
 *
 * <p>The network reads {@code images}, a {@code PlaceholderWithDefault} whose default is the preprocessed {@code
 * image_bytes}: {@code serving_default} feeds {@code images} (the preprocessing does not run), {@code serving_bytes}
 * feeds {@code image_bytes}. A dynamic-size export preprocesses to its {@code --image-size} (default 224).
 */
public final class ServingSignature {
    private ServingSignature() {}

    /** The MetaGraph tag TF Serving and {@code saved_model_cli} load by default. */
    public static final String TAG = "serve";

    /** The signature key ({@code tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY}). */
    public static final String KEY = "serving_default";

    /** The signature's method name ({@code tf.saved_model.PREDICT_METHOD_NAME}). */
    public static final String METHOD_NAME = "tensorflow/serving/predict";

    /** The input: float32 NHWC images. */
    public static final String IMAGES = "images";

    /** The output: logits {@code [B, classes]}. */
    public static final String LOGITS = "logits";

    /** The output: softmax predictions {@code [B, classes]}. */
    public static final String PREDICTIONS = "predictions";

    /** The output: globally pooled features {@code [B, channels]}. */
    public static final String FEATURES = "features";

    /** The signature key of the encoded-images signature. */
    public static final String BYTES_KEY = "serving_bytes";

    /** The input of {@link #BYTES_KEY}: string {@code [-1]}, one encoded image file per element. */
    public static final String IMAGE_BYTES = "image_bytes";

    /** The graph name scope of the output identities, so {@code logits} is op {@code serving_default/logits}. */
    public static final String OUTPUT_SCOPE = "serving_default";
}
