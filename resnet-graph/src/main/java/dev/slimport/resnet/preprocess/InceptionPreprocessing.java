/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Merge;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.SampleDistortedBoundingBox;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.op.random.RandomUniformInt;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * slim's Inception preprocessing ({@code research/slim/preprocessing/inception_preprocessing.py} in
 * tensorflow/models) as TensorFlow graph ops, so that images are decoded by TensorFlow's own decoders (libjpeg,
 * libpng, giflib) and transformed by the same kernels as in slim.
 *
 * <ul>
 *   <li>{@link #decode}: {@code tf.image.decode_image(contents, channels=3)} for JPEG, PNG, GIF and BMP.
 *   <li>{@link #forEval}: {@code preprocess_for_eval(image, height, width, central_fraction=0.875)}.
 *   <li>{@link #evalFromEncoded}: both, what {@code eval_image_classifier.py} does to each image.
 *   <li>{@link #forTrain}: {@code preprocess_for_train(image, height, width, bbox, fast_mode=True)} with {@code
 *       distorted_bounding_box_crop}, {@code distort_color} and {@code apply_with_random_selector}.
 * </ul>
 *
 * <p>Every method builds ops into the given {@link Ops} and returns the output; nothing runs until a session runs
 * it. Images are {@code [height, width, 3]} (no batch dimension), as in slim.
 *
 * <pre>{@code
 * Ops tf = Ops.create(graph);
 * Placeholder<TString> bytes = tf.placeholder(TString.class);
 * Operand<TFloat32> image = InceptionPreprocessing.evalFromEncoded(tf, bytes, 299, 299); // [299, 299, 3] in [-1, 1]
 * }</pre>
 */
public final class InceptionPreprocessing {

    /** {@code preprocess_for_eval}'s default {@code central_fraction}. */
    public static final double CENTRAL_FRACTION = 0.875;

    /** {@code distorted_bounding_box_crop}'s default {@code min_object_covered}. */
    public static final float MIN_OBJECT_COVERED = 0.1f;

    /** {@code distorted_bounding_box_crop}'s default {@code aspect_ratio_range}: slim writes {@code (0.75, 1.33)}. */
    public static final List<Float> ASPECT_RATIO_RANGE = List.of(0.75f, 1.33f);

    /** {@code distorted_bounding_box_crop}'s default {@code area_range}. */
    public static final List<Float> AREA_RANGE = List.of(0.05f, 1.0f);

    /** {@code distorted_bounding_box_crop}'s default {@code max_attempts}. */
    public static final int MAX_ATTEMPTS = 100;

    /** {@code distort_color}'s {@code random_brightness} {@code max_delta}: 32/255. */
    public static final float MAX_BRIGHTNESS_DELTA = (float) (32.0 / 255.0);

    /** {@code distort_color}'s {@code random_saturation} {@code lower}. */
    public static final float SATURATION_LOWER = 0.5f;

    /** {@code distort_color}'s {@code random_saturation} {@code upper}. */
    public static final float SATURATION_UPPER = 1.5f;

    /** The number of colour orderings {@code distort_color} has (valid {@code color_ordering}: 0 to 3). */
    public static final int COLOR_ORDERINGS = 4;

    /**
     * {@code preprocess_for_train}'s {@code num_distort_cases} in fast mode: 1, so the selector always picks ordering 0
     * (brightness, then saturation). Earlier versions of slim selected among all 4 orderings in fast mode too.
     */
    public static final int FAST_MODE_COLOR_CASES = 1;

    /** The largest output side accepted by {@link #forEval} and {@link #forTrain}. */
    public static final int MAX_SIZE = 8192;

    /**
     * {@code tf.image.convert_image_dtype}'s factor from uint8 to float32: {@code 1. / 255} (the Python float {@code
     * 1. / dtype.max}) rounded to float32, by which the cast image is multiplied.
     */
    static final float UINT8_SCALE = (float) (1.0 / 255);

    private InceptionPreprocessing() {}

    /**
     * Decodes one encoded image to 8-bit RGB: {@code tf.image.decode_image(contents, channels=3,
     * expand_animations=False)} (op {@code DecodeImage}). JPEG, PNG, GIF and BMP are told apart by their first bytes.
     * With three channels TensorFlow's decoders replicate grey to R, G and B, drop an alpha channel (no compositing),
     * expand palettes, reduce 16-bit PNG samples to 8 bits, and take the first frame of an animated GIF.
     *
     * <p>Bytes that are not one of these formats, or are corrupt, fail when the graph runs ({@code
     * InvalidArgumentError} from the op). To refuse huge images before decoding, read their size with {@link
     * ImageHeader} first.
     *
     * @param tf where to build the op
     * @param encoded a scalar string: the file's bytes
     * @return {@code [height, width, 3]} uint8
     */
    public static Operand<TUint8> decode(Ops tf, Operand<TString> encoded) {
        return tf.withName("decode_image").image.decodeImage(encoded, new DecodeImage.Options[] {
            DecodeImage.channels(3L), DecodeImage.expandAnimations(false)
        });
    }

    /**
     * slim's {@code inception_preprocessing.preprocess_for_eval(image, height, width, central_fraction=0.875)}:
     *
     * <ol>
     *   <li>{@code tf.image.central_crop(image, 0.875)}: with the image's (dynamic) size {@code h}, the first row is
     *       {@code int((h - h * 0.875) / 2)} computed in float64 and truncated to int32, and {@code h - 2 * start} rows
     *       are kept; likewise for columns;
     *   <li>{@code tf.image.convert_image_dtype(image, tf.float32)}: {@code cast(image) * float32(1/255)}, values in
     *       [0, 1];
     *   <li>{@code tf.image.resize_bilinear(image, [height, width], align_corners=False)}: TF1 semantics, the output
     *       pixel {@code (y, x)} samples the input at {@code (y * in_h / height, x * in_w / width)} (no half-pixel
     *       centres);
     *   <li>{@code (x - 0.5) * 2}: values in [-1, 1].
     * </ol>
     *
     * <p>slim converts to float before cropping; the conversion is element-wise, so cropping the uint8 image first
     * gives the same values and never holds the whole image as float.
     *
     * @param tf where to build the ops
     * @param image {@code [h, w, 3]} uint8, e.g. from {@link #decode}
     * @param height the output height (the network's input size, e.g. 224 or 299)
     * @param width the output width
     * @return {@code [height, width, 3]} float32 in [-1, 1]
     * @throws IllegalArgumentException naming {@code height} or {@code width} when not in 1..{@value #MAX_SIZE}
     */
    public static Operand<TFloat32> forEval(Ops tf, Operand<TUint8> image, int height, int width) {
        return forEval(tf, image, height, width, CENTRAL_FRACTION);
    }

    /**
     * {@code preprocess_for_eval(image, height, width, central_fraction)} with slim's {@code central_fraction}
     * argument: as {@link #forEval(Ops, Operand, int, int)}, cropping {@code centralFraction} of each side ({@code
     * tf.image.central_crop}; slim skips the crop when {@code central_fraction} is false-y, here {@code 1} keeps the
     * whole image).
     *
     * @param tf where to build the ops
     * @param image {@code [h, w, 3]} uint8, e.g. from {@link #decode}
     * @param height the output height
     * @param width the output width
     * @param centralFraction the fraction of each side kept, in (0, 1]; {@value #CENTRAL_FRACTION} is slim's default
     * @return {@code [height, width, 3]} float32 in [-1, 1]
     * @throws IllegalArgumentException naming {@code height}, {@code width} or {@code central_fraction} when out of
     *     range
     */
    public static Operand<TFloat32> forEval(
            Ops tf, Operand<TUint8> image, int height, int width, double centralFraction) {
        checkSize(height, width);
        Ops eval = tf.withSubScope("eval_image");
        Operand<TUint8> cropped = centralCrop(eval, image, centralFraction);
        Operand<TFloat32> resized = resizeBilinear(eval, toFloat(eval, cropped), height, width);
        return scale(eval, resized);
    }

    /**
     * {@link #decode} then {@link #forEval}: one encoded image to the network's input, as slim's evaluation does.
     *
     * @param tf where to build the ops
     * @param encoded a scalar string: the file's bytes (JPEG, PNG, GIF or BMP)
     * @param height the output height
     * @param width the output width
     * @return {@code [height, width, 3]} float32 in [-1, 1]
     * @throws IllegalArgumentException naming {@code height} or {@code width} when not in 1..{@value #MAX_SIZE}
     */
    public static Operand<TFloat32> evalFromEncoded(Ops tf, Operand<TString> encoded, int height, int width) {
        checkSize(height, width);
        return forEval(tf, decode(tf, encoded), height, width);
    }

    /**
     * {@code tf.image.central_crop(image, central_fraction)} (tensorflow/python/ops/image_ops_impl.py) on an image of
     * dynamic size: {@code start = int32((size - size * fraction) / 2)} in float64, {@code size - 2 * start} kept.
     */
    static Operand<TUint8> centralCrop(Ops tf, Operand<TUint8> image, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("central_fraction: must be in (0, 1], got " + fraction);
        }
        if (fraction == 1) {
            return image;
        }
        Ops crop = tf.withSubScope("central_crop");
        Operand<TInt32> shape = crop.shape(image);
        Operand<TInt32> hw = crop.slice(shape, crop.constant(new int[] {0}), crop.constant(new int[] {2}));
        Operand<TFloat64> size = crop.dtypes.cast(hw, TFloat64.class);
        Operand<TFloat64> start =
                crop.math.div(crop.math.sub(size, crop.math.mul(size, crop.constant(fraction))), crop.constant(2.0));
        Operand<TInt32> begin2 = crop.dtypes.cast(start, TInt32.class);
        Operand<TInt32> size2 = crop.math.sub(hw, crop.math.mul(begin2, crop.constant(2)));
        Operand<TInt32> begin = crop.concat(List.of(begin2, crop.constant(new int[] {0})), crop.constant(0));
        Operand<TInt32> extent = crop.concat(List.of(size2, crop.constant(new int[] {-1})), crop.constant(0));
        return crop.slice(image, begin, extent);
    }

    /** {@code tf.image.convert_image_dtype(image, tf.float32)} for uint8: {@code cast(image) * float32(1/255)}. */
    static Operand<TFloat32> toFloat(Ops tf, Operand<TUint8> image) {
        Ops conv = tf.withSubScope("convert_image");
        return conv.math.mul(conv.dtypes.cast(image, TFloat32.class), conv.constant(UINT8_SCALE));
    }

    /**
     * {@code tf.image.resize_bilinear(expand_dims(image, 0), [height, width], align_corners=False)} squeezed back to
     * 3-D; {@code half_pixel_centers=False} is TF1's (and the op's default) sampling.
     */
    static Operand<TFloat32> resizeBilinear(Ops tf, Operand<TFloat32> image, int height, int width) {
        Ops resize = tf.withSubScope("resize");
        Operand<TFloat32> batch = resize.expandDims(image, resize.constant(0));
        Operand<TFloat32> resized = resize.image.resizeBilinear(
                batch,
                resize.constant(new int[] {height, width}),
                ResizeBilinear.alignCorners(false),
                ResizeBilinear.halfPixelCenters(false));
        return resize.reshape(resized, resize.constant(new int[] {height, width, 3}));
    }

    /** {@code tf.multiply(tf.subtract(image, 0.5), 2.0)}. */
    static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> image) {
        return tf.math.mul(tf.math.sub(image, tf.constant(0.5f)), tf.constant(2.0f));
    }

    /**
     * slim's {@code inception_preprocessing.preprocess_for_train(image, height, width, bbox=None, fast_mode=True)},
     * what {@code train_image_classifier.py} applies to each training image ({@code random_crop=True}; the image
     * summaries that {@code add_image_summaries} adds, {@code draw_bounding_boxes} included, are not built):
     *
     * <ol>
     *   <li>{@code distorted_bounding_box_crop}: {@code tf.image.sample_distorted_bounding_box(shape(image),
     *       bounding_boxes=[[[0, 0, 1, 1]]], min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
     *       area_range=(0.05, 1.0), max_attempts=100, use_image_if_no_bounding_boxes=True)} and {@code tf.slice} of
     *       the image to the sampled box;
     *   <li>{@code convert_image_dtype} to float in [0, 1] (slim converts before the crop; element-wise, so the same);
     *   <li>{@code tf.image.resize_images(x, [height, width], BILINEAR)}: in fast mode {@code
     *       apply_with_random_selector} has one case, so always TF1's bilinear resize ({@code align_corners=False});
     *   <li>{@code tf.image.random_flip_left_right}: mirrored when a uniform draw in [0, 1) is below 0.5;
     *   <li>if {@code distortColor}: {@code apply_with_random_selector(image, lambda x, ordering: distort_color(x,
     *       ordering, fast_mode=True), num_cases=num_distort_cases)} with {@code num_distort_cases = 1 if fast_mode
     *       else 4}, so in fast mode always ordering 0: {@code random_brightness(max_delta=32/255)}, then {@code
     *       random_saturation(0.5, 1.5)}, then {@code clip_by_value(0, 1)}; the image is routed through {@code
     *       Switch}/{@code Merge} as slim does;
     *   <li>{@code (x - 0.5) * 2}.
     * </ol>
     *
     * <p>Randomness: with {@code seed != 0} every random op gets the op seeds {@code (seed, k)}, {@code k} unique to
     * the op within the graph (derived from this call's name scope and the op's place in it), so a graph built again
     * in the same order draws the same sequence, and several calls in one graph (one per image of a batch) draw
     * independently; {@code seed == 0} leaves the ops unseeded (TensorFlow then seeds each nondeterministically).
     * Each run of the output draws new values.
     *
     * @param tf where to build the ops
     * @param image {@code [h, w, 3]} uint8, e.g. from {@link #decode}
     * @param height the output height
     * @param width the output width
     * @param distortColor apply slim's fast-mode {@code distort_color} (slim does by default)
     * @param seed the op seed for every random op, 0 for unseeded
     * @return {@code [height, width, 3]} float32 in [-1, 1]
     * @throws IllegalArgumentException naming {@code height} or {@code width} when not in 1..{@value #MAX_SIZE}
     */
    public static Operand<TFloat32> forTrain(
            Ops tf, Operand<TUint8> image, int height, int width, boolean distortColor, long seed) {
        checkSize(height, width);
        Ops train = tf.withSubScope("distort_image");
        Seeds seeds = new Seeds(seed, train.scope().makeOpName("seeds"));
        SampleDistortedBoundingBox<TInt32> box = distortedBoundingBox(train, image, seeds);
        Operand<TUint8> cropped = train.slice(image, box.begin(), box.sizeOutput());
        Operand<TFloat32> resized = resizeBilinear(train, toFloat(train, cropped), height, width);
        Operand<TFloat32> flipped = randomFlipLeftRight(train, resized, seeds);
        Operand<TFloat32> distorted = distortColor
                ? applyWithRandomSelector(
                        train, flipped, FAST_MODE_COLOR_CASES, (x, c) -> distortColorFast(train, x, c, seeds), seeds)
                : flipped;
        return scale(train, distorted);
    }

    /**
     * The box {@code distorted_bounding_box_crop} samples, with slim's arguments and the whole image as the one
     * bounding box (slim's {@code bbox=None} case).
     */
    static SampleDistortedBoundingBox<TInt32> distortedBoundingBox(Ops tf, Operand<TUint8> image, Seeds seeds) {
        Ops crop = tf.withSubScope("distorted_bounding_box_crop");
        Operand<TFloat32> wholeImage = crop.constant(new float[][][] {{{0f, 0f, 1f, 1f}}});
        return crop.image.sampleDistortedBoundingBox(
                crop.shape(image),
                wholeImage,
                crop.constant(MIN_OBJECT_COVERED),
                SampleDistortedBoundingBox.aspectRatioRange(ASPECT_RATIO_RANGE),
                SampleDistortedBoundingBox.areaRange(AREA_RANGE),
                SampleDistortedBoundingBox.maxAttempts((long) MAX_ATTEMPTS),
                SampleDistortedBoundingBox.useImageIfNoBoundingBoxes(true),
                SampleDistortedBoundingBox.seed(seeds.seed),
                SampleDistortedBoundingBox.seed2(seeds.next()));
    }

    /**
     * {@code tf.image.random_flip_left_right} (TF1): {@code cond(random_uniform([]) < 0.5, reverse(image, [1]),
     * image)}; both sides are cheap, so a {@code Select} on the scalar condition.
     */
    static Operand<TFloat32> randomFlipLeftRight(Ops tf, Operand<TFloat32> image, Seeds seeds) {
        Ops flip = tf.withSubScope("random_flip_left_right");
        Operand<TFloat32> u = uniform(flip, seeds);
        Operand<TBool> mirror = flip.math.less(u, flip.constant(0.5f));
        return flip.select(mirror, flip.reverse(image, flip.constant(new int[] {1})), image);
    }

    /**
     * slim's {@code apply_with_random_selector(x, func, num_cases)}: {@code sel = random_uniform([],
     * maxval=num_cases, dtype=int32)}; for each {@code case} the image passes through {@code Switch(x, sel == case)}
     * to {@code func(x, case)}, and {@code Merge} joins the branches, so only the selected branch receives the image
     * and runs.
     *
     * @param func builds one case's branch from the switched image and the case number
     * @throws IllegalArgumentException naming {@code num_cases} when below 1
     */
    static Operand<TFloat32> applyWithRandomSelector(
            Ops tf,
            Operand<TFloat32> image,
            int numCases,
            BiFunction<Operand<TFloat32>, Integer, Operand<TFloat32>> func,
            Seeds seeds) {
        if (numCases < 1) {
            throw new IllegalArgumentException("num_cases: must be at least 1, got " + numCases);
        }
        Ops sel = tf.withSubScope("apply_with_random_selector");
        Operand<TInt32> selector = sel.random.randomUniformInt(
                sel.constant(new int[0]),
                sel.constant(0),
                sel.constant(numCases),
                RandomUniformInt.seed(seeds.seed),
                RandomUniformInt.seed2(seeds.next()));
        List<Operand<TFloat32>> branches = new ArrayList<>();
        for (int c = 0; c < numCases; c++) {
            SwitchCond<TFloat32> sw = sel.switchCond(image, sel.math.equal(selector, sel.constant(c)));
            branches.add(func.apply(sw.outputTrue(), c));
        }
        Merge<TFloat32> merged = sel.merge(branches);
        return merged.output();
    }

    /**
     * slim's {@code distort_color(image, color_ordering, fast_mode=True)}: ordering 0 applies {@code
     * random_brightness} then {@code random_saturation}, any other ordering the reverse; then {@code
     * clip_by_value(image, 0, 1)} because the random ops do not clamp.
     *
     * @throws IllegalArgumentException naming {@code color_ordering} when not in 0..3, as slim raises
     */
    static Operand<TFloat32> distortColorFast(Ops tf, Operand<TFloat32> image, int ordering, Seeds seeds) {
        if (ordering < 0 || ordering >= COLOR_ORDERINGS) {
            throw new IllegalArgumentException("color_ordering must be in [0, 3], got " + ordering);
        }
        Ops d = tf.withSubScope("distort_color");
        Operand<TFloat32> out = image;
        if (ordering == 0) {
            out = randomSaturation(d, randomBrightness(d, out, seeds), seeds);
        } else {
            out = randomBrightness(d, randomSaturation(d, out, seeds), seeds);
        }
        return d.clipByValue(out, d.constant(0f), d.constant(1f));
    }

    /**
     * {@code tf.image.random_brightness(image, max_delta=32/255)}: {@code image + delta}, {@code delta =
     * random_uniform([], -max_delta, max_delta)} ({@code adjust_brightness} on a float image is the addition).
     */
    static Operand<TFloat32> randomBrightness(Ops tf, Operand<TFloat32> image, Seeds seeds) {
        Ops b = tf.withSubScope("random_brightness");
        Operand<TFloat32> delta = uniform(b, -MAX_BRIGHTNESS_DELTA, MAX_BRIGHTNESS_DELTA, seeds);
        return b.math.add(image, delta);
    }

    /**
     * {@code tf.image.random_saturation(image, 0.5, 1.5)}: {@code adjust_saturation(image, factor)} (op {@code
     * AdjustSaturation}: RGB to HSV, saturation times the factor clamped to [0, 1], back to RGB), {@code factor =
     * random_uniform([], 0.5, 1.5)}.
     */
    static Operand<TFloat32> randomSaturation(Ops tf, Operand<TFloat32> image, Seeds seeds) {
        Ops s = tf.withSubScope("random_saturation");
        Operand<TFloat32> factor = uniform(s, SATURATION_LOWER, SATURATION_UPPER, seeds);
        return s.image.adjustSaturation(image, factor);
    }

    /** {@code random_uniform([], low, high)}: {@code RandomUniform * (high - low) + low}, as TF builds it. */
    private static Operand<TFloat32> uniform(Ops tf, float low, float high, Seeds seeds) {
        return tf.math.add(tf.math.mul(uniform(tf, seeds), tf.constant(high - low)), tf.constant(low));
    }

    /** {@code random_uniform([])} in [0, 1). */
    private static Operand<TFloat32> uniform(Ops tf, Seeds seeds) {
        return tf.random.randomUniform(
                tf.constant(new int[0]),
                TFloat32.class,
                RandomUniform.seed(seeds.seed),
                RandomUniform.seed2(seeds.next()));
    }

    private static void checkSize(int height, int width) {
        if (height < 1 || height > MAX_SIZE) {
            throw new IllegalArgumentException("height: must be in 1.." + MAX_SIZE + ", got " + height);
        }
        if (width < 1 || width > MAX_SIZE) {
            throw new IllegalArgumentException("width: must be in 1.." + MAX_SIZE + ", got " + width);
        }
    }

    /**
     * The op seeds of one {@link #forTrain} call: {@code (seed, base + 1)}, {@code (seed, base + 2)}, ... where {@code
     * base} comes from the call's unique name scope ({@code distort_image}, {@code distort_image_1}, ...), so two
     * calls in one graph draw differently and a graph rebuilt in the same order draws the same; all zero when {@code
     * seed} is 0.
     */
    static final class Seeds {
        private final long seed;
        private final long base;
        private long next;

        Seeds(long seed) {
            this(seed, "");
        }

        Seeds(long seed, String scopeName) {
            this.seed = seed;
            this.base = (scopeName.hashCode() & 0x7fffffffL) << 8;
        }

        long next() {
            return seed == 0 ? 0 : base + ++next;
        }
    }
}
