/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.TensorSpec;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * The driver's check of a SavedModel before any task starts: it loads ({@code serve}), has the export's {@code
 * serving_default} signature with a float32 NHWC {@code images} input, the outputs the options ask for, and runs one
 * image. A missing, incomplete or corrupt model fails here, once, with the loader's message.
 *
 * @param dir the resolved SavedModel directory
 * @param height the input height to feed
 * @param width the input width to feed
 * @param checkMillis how long loading and the one-image run took
 */
public record ModelCheck(Path dir, int height, int width, long checkMillis) {

    /**
     * Loads the model in {@code dir}, checks it against {@code options} and runs one image.
     *
     * @throws IllegalArgumentException if there is no SavedModel at {@code dir}, or the options ask for what the
     *     model cannot give (an output it lacks, a top-k above its class count, a size it does not take)
     * @throws SavedModelException if the model is corrupt or incomplete, or the run fails
     */
    public static ModelCheck check(Path dir, SparkInferenceOptions options) {
        long t0 = System.nanoTime();
        try (LoadedSavedModel model =
                LoadedSavedModel.load(dir, ExecutorModels.config(options.intraOpThreads), ServingSignature.TAG)) {
            SignatureInfo sig = model.signature(ServingSignature.KEY);
            TensorSpec images = sig.inputs().get(ServingSignature.IMAGES);
            if (images == null
                    || sig.inputs().size() != 1
                    || images.dtype() != DataType.DT_FLOAT
                    || images.shape().isUnknown()
                    || images.shape().numDimensions() != 4
                    || images.shape().get(3) != 3) {
                throw new SavedModelException("saved-model: " + model.dir()
                        + " is not an image classifier export: its '"
                        + ServingSignature.KEY + "' signature must take only float32 '" + ServingSignature.IMAGES
                        + "' [-1,H,W,3], it takes " + sig.inputs());
            }
            int[] size = size(images.shape(), options.imageSize);
            int classes = width(sig, ServingSignature.PREDICTIONS);
            if (options.topK > 0 && classes == 0) {
                throw new IllegalArgumentException("top-k: the model in " + model.dir() + " has no '"
                        + ServingSignature.PREDICTIONS + "' output (a feature extractor); use --top-k 0 --features");
            }
            if (options.topK > classes && classes > 0) {
                throw new IllegalArgumentException(
                        "top-k: must be <= the model's " + classes + " classes, got " + options.topK);
            }
            if (options.features && width(sig, ServingSignature.FEATURES) == 0) {
                throw new IllegalArgumentException(
                        "features: the model in " + model.dir() + " has no '" + ServingSignature.FEATURES + "' output");
            }
            FloatValues one = new FloatValues(Shape.of(1, size[0], size[1], 3), new float[size[0] * size[1] * 3]);
            model.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, one));
            return new ModelCheck(model.dir(), size[0], size[1], (System.nanoTime() - t0) / 1_000_000);
        } catch (SavedModelException e) {
            throw new SavedModelException(
                    "saved-model: the model check on the driver failed, no task was started: " + e.getMessage(), e);
        }
    }

    private static int[] size(Shape shape, int requested) {
        long h = shape.get(1);
        long w = shape.get(2);
        if (h < 0 || w < 0) {
            if (requested == 0) {
                throw new IllegalArgumentException("image-size: the model takes any size ([-1," + h + "," + w
                        + ",3]); give the size to resize to");
            }
            return new int[] {h < 0 ? requested : (int) h, w < 0 ? requested : (int) w};
        }
        if (requested != 0 && (requested != h || requested != w)) {
            throw new IllegalArgumentException(
                    "image-size: the model takes " + h + "x" + w + " images only, got " + requested);
        }
        return new int[] {(int) h, (int) w};
    }

    private static int width(SignatureInfo sig, String output) {
        TensorSpec t = sig.outputs().get(output);
        if (t == null) {
            return 0;
        }
        if (t.dtype() != DataType.DT_FLOAT
                || t.shape().isUnknown()
                || t.shape().numDimensions() != 2
                || t.shape().get(1) < 1) {
            throw new SavedModelException("output '" + output + "' must be float32 [-1,N], it is " + t);
        }
        return (int) t.shape().get(1);
    }
}
