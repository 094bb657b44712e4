/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.BatchDataset;
import org.tensorflow.op.data.DatasetToSingleElement;
import org.tensorflow.op.data.ParallelMapDataset;
import org.tensorflow.op.data.TensorSliceDataset;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * A batch of encoded images of different sizes (a string vector {@code [N]}: JPEG, PNG, GIF or BMP files' bytes) to
 * the network's input {@code [N, height, width, 3]}, entirely as graph ops: what a {@code serving_bytes} signature
 * runs, so TF Serving and Python TensorFlow can serve the SavedModel with no Java at run time.
 *
 * <h2>How the graph loops over the images</h2>
 *
 * Each image is decoded and resized on its own (its size is only known after decoding, so the images cannot be one
 * tensor before that), then the results are stacked. The loop is tf.data's, built as TensorFlow documents for
 * "preprocessing at serving time" ({@code tf.data.experimental.get_single_element}, tensorflow/python/data/
 * experimental/ops/get_single_element.py):
 *
 * <pre>
 * Dataset.from_tensor_slices(encoded)                          # op TensorSliceDataset: one scalar string per image
 *        .map(per_image_fn, num_parallel_calls=AUTOTUNE,       # op ParallelMapDatasetV2, deterministic="true"
 *             deterministic=True)
 *        .batch(N)                                             # op BatchDatasetV2, N = size(encoded)
 *        .get_single_element()                                 # op DatasetToSingleElement -> [N, height, width, 3]
 * </pre>
 *
 * <p>The per-image function is a {@link ConcreteFunction} (a {@code FunctionDef} copied into the graph's function
 * library, named {@code <name>_<hash>}); the dataset ops are created afresh by every run, so the graph stays
 * stateless between calls and several calls may run at once. The map runs up to as many images in parallel as
 * TensorFlow's inter-op pool has threads, in input order. An {@link AssertThat} refuses an empty batch with a
 * message (the batch op would otherwise fail with "Batch size must be greater than zero"). A corrupt image fails the
 * whole run with TensorFlow's decoder message, e.g. {@code Unknown image file format. One of JPEG, PNG, GIF, BMP
 * required.} (tf.data prefixes it with the transformation's name); callers that want per-image errors run one image
 * per call or check the images first ({@link ImageHeader}).
 *
 * <p>Alternatives that also work in TF Java 1.1 and were measured (16 JPEGs of 600×450 to 224×224, 2 cores): the
 * functional {@code StatelessWhile} with a {@code TensorScatterNdUpdate} accumulator, one image after the other
 * (28–52 ms), and {@code MapDefun} (25–85 ms), against 13–19 ms for this pipeline.
 */
public final class EncodedImages {

    /** tf.data's {@code AUTOTUNE} value of {@code num_parallel_calls}. */
    static final long AUTOTUNE = -1;

    /** The name (before TensorFlow's hash suffix) of {@link #evalBatch}'s per-image function in the graph library. */
    public static final String EVAL_FUNCTION = "inception_preprocessing_eval";

    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private EncodedImages() {}

    /**
     * slim's evaluation preprocessing over a batch of encoded images: each through {@link
     * InceptionPreprocessing#evalFromEncoded} (decode to RGB, {@code preprocess_for_eval}: central crop 0.875,
     * bilinear resize to {@code height}×{@code width}, {@code (x - 0.5) * 2}), stacked; see the class comment for the
     * loop. This is what {@code eval_image_classifier.py} applies to each image before batching.
     *
     * @param tf where to build the ops
     * @param encoded string {@code [N]} (static shape {@code [-1]} or {@code [N]}): the files' bytes
     * @param height the output height (the network's input size, e.g. 224 or 299)
     * @param width the output width
     * @return float32 {@code [N, height, width, 3]} in [-1, 1], static shape {@code [-1, height, width, 3]}
     * @throws IllegalArgumentException naming {@code encoded} if it is not a rank-1 string tensor, or {@code height}
     *     / {@code width} when not in 1..{@value InceptionPreprocessing#MAX_SIZE}
     */
    public static Operand<TFloat32> evalBatch(Ops tf, Operand<TString> encoded, int height, int width) {
        checkSize("height", height);
        checkSize("width", width);
        return map(
                tf,
                encoded,
                Shape.of(height, width, 3),
                EVAL_FUNCTION + "_" + height + "x" + width,
                (f, one) -> InceptionPreprocessing.evalFromEncoded(f, one, height, width));
    }

    /**
     * Applies {@code perImage} to each encoded image of {@code encoded} in the graph and stacks the results, with the
     * loop described in the class comment. {@code perImage} is called once, now, to build the per-image function:
     * it gets that function's {@link Ops} and its scalar string input, and returns the image {@code imageShape}.
     *
     * @param tf where to build the loop's ops
     * @param encoded string {@code [N]}
     * @param imageShape the fully known shape of one result, e.g. {@code [224, 224, 3]}
     * @param functionName the per-image function's name in the graph's library (a TensorFlow hash is appended)
     * @param perImage builds one image's ops; must not use anything outside its {@code Ops}
     * @return float32 {@code [N, imageShape...]}
     * @throws IllegalArgumentException naming the argument: {@code encoded} not rank-1 string, {@code imageShape}
     *     not fully known, a bad {@code functionName}, or {@code perImage} returning a result whose static shape
     *     cannot be {@code imageShape}
     */
    public static Operand<TFloat32> map(
            Ops tf,
            Operand<TString> encoded,
            Shape imageShape,
            String functionName,
            BiFunction<Ops, Operand<TString>, Operand<TFloat32>> perImage) {
        if (tf == null || encoded == null || imageShape == null || perImage == null) {
            throw new IllegalArgumentException("tf, encoded, imageShape and perImage: must not be null");
        }
        if (encoded.type() != TString.class) {
            throw new IllegalArgumentException("encoded: must be a string tensor, got "
                    + encoded.asOutput().dataType());
        }
        Shape s = encoded.shape();
        if (s.isUnknown() || s.numDimensions() != 1) {
            throw new IllegalArgumentException(
                    "encoded: must be a string vector [N] of encoded images (e.g. a placeholder of shape [-1]), got"
                            + " shape " + s);
        }
        if (imageShape.isUnknown() || imageShape.hasUnknownDimension()) {
            throw new IllegalArgumentException("imageShape: must be fully known, got " + imageShape);
        }
        if (functionName == null || !FUNCTION_NAME.matcher(functionName).matches()) {
            throw new IllegalArgumentException(
                    "functionName: letters, digits and '_', starting with a letter; got " + functionName);
        }
        List<Class<TFloat32>> types = List.of(TFloat32.class);
        Shape batchShape = Shape.of(-1).append(imageShape);
        try (ConcreteFunction fn = perImageFunction(imageShape, functionName, perImage)) {
            Operand<TInt32> n = tf.withName("num_images").size(encoded);
            AssertThat nonEmpty = tf.withName("assert_not_empty")
                    .assertThat(
                            tf.math.greater(n, tf.constant(0)),
                            List.of(tf.constant("encoded: the batch of encoded images is empty; give at least one")));
            Ops loop = tf.withControlDependencies(List.of(nonEmpty));
            TensorSliceDataset images =
                    loop.withName("images").data.tensorSliceDataset(List.of(encoded), List.of(Shape.scalar()));
            ParallelMapDataset mapped = loop.withName("preprocessed")
                    .data
                    .parallelMapDataset(
                            images,
                            List.of(),
                            loop.constant(AUTOTUNE),
                            fn,
                            List.copyOf(types),
                            List.of(imageShape),
                            ParallelMapDataset.deterministic("true"),
                            ParallelMapDataset.preserveCardinality(true));
            Operand<TInt64> batchSize = loop.dtypes.cast(n, TInt64.class);
            BatchDataset batched = loop.withName("batch")
                    .data
                    .batchDataset(mapped, batchSize, loop.constant(false), List.copyOf(types), List.of(batchShape));
            DatasetToSingleElement single = loop.withName("get_single_element")
                    .data
                    .datasetToSingleElement(batched, List.copyOf(types), List.of(batchShape));
            return single.components().get(0).expect(TFloat32.class);
        }
    }

    /** The function {@code string scalar -> float32 imageShape}, its output pinned with {@code EnsureShape}. */
    private static ConcreteFunction perImageFunction(
            Shape imageShape, String name, BiFunction<Ops, Operand<TString>, Operand<TFloat32>> perImage) {
        return ConcreteFunction.create(f -> {
            Placeholder<TString> one =
                    f.withName("encoded").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> image = perImage.apply(f, one);
            if (image == null || image.type() != TFloat32.class) {
                throw new IllegalArgumentException("perImage: must return a float32 image, got "
                        + (image == null ? "null" : image.asOutput().dataType()));
            }
            if (!image.shape().isCompatibleWith(imageShape)) {
                throw new IllegalArgumentException(
                        "perImage: returns shape " + image.shape() + ", which cannot be " + imageShape);
            }
            Operand<TFloat32> pinned = f.withName("image").ensureShape(image, imageShape);
            return Signature.builder()
                    .key(name)
                    .input("encoded", one)
                    .output("image", pinned)
                    .build();
        });
    }

    private static void checkSize(String name, int size) {
        if (size < 1 || size > InceptionPreprocessing.MAX_SIZE) {
            throw new IllegalArgumentException(
                    name + ": must be in 1.." + InceptionPreprocessing.MAX_SIZE + ", got " + size);
        }
    }
}
