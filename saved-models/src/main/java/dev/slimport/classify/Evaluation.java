/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The metrics of slim's {@code eval_image_classifier.py}, accumulated image by image with memory bounded by the class
 * count: top-1 accuracy ({@code slim.metrics.streaming_accuracy} of {@code argmax(logits)}), top-5 recall ({@code
 * streaming_sparse_recall_at_k(logits, labels, 5)}, i.e. the label is among the 5 highest), per-class accuracy, the
 * number of unreadable images (reported, not counted in the accuracies) and images per second.
 *
 * <p>Ties are broken as TF's {@code argmax} and {@code top_k} break them: the lower index first. So an image's rank
 * is the number of classes with a higher probability plus the number of lower-indexed classes with an equal one, and
 * it is top-k correct when that rank is below k. With fewer than 5 classes top-5 is over all of them (k = the class
 * count; slim's {@code top_k} would refuse k larger than the class count).
 *
 * <p>{@link #run} is the evaluation loop: batches of a {@link LabelledImages} stream through a {@link Scorer} (an
 * {@code ImageClassifier}'s probabilities), one batch in memory at a time. Not thread-safe.
 */
public final class Evaluation {

    /** The k of top-k accuracy: slim's 5. */
    public static final int TOP_K = 5;

    /** How many problems a result keeps with their messages (all are counted). */
    public static final int MAX_PROBLEMS = 100;

    private final int numClasses;
    private final int k;
    private final long[] perClassImages;
    private final long[] perClassTop1;
    private final long[] perClassTopK;
    private long images;
    private long top1;
    private long topK;
    private long unreadable;
    private final List<Problem> problems = new ArrayList<>();

    /** An empty evaluation of a model with {@code numClasses} outputs. */
    public Evaluation(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses: must be >= 1, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.k = Math.min(TOP_K, numClasses);
        perClassImages = new long[numClasses];
        perClassTop1 = new long[numClasses];
        perClassTopK = new long[numClasses];
    }

    /**
     * The rank of {@code label} among {@code scores}, 0 = first: the classes scored higher, plus the lower-indexed
     * ones scored equal (TF's tie order). NaN scores rank last.
     */
    public static int rank(float[] scores, int label) {
        float s = scores[label];
        if (Float.isNaN(s)) {
            return scores.length - 1;
        }
        int rank = 0;
        for (int j = 0; j < scores.length; j++) {
            float o = scores[j];
            if (o > s || (o == s && j < label)) {
                rank++;
            }
        }
        return rank;
    }

    /** The index of the highest score, the lowest index among equals (TF's {@code argmax}). */
    public static int argmax(float[] scores) {
        int best = 0;
        for (int j = 1; j < scores.length; j++) {
            if (scores[j] > scores[best] || Float.isNaN(scores[best]) && !Float.isNaN(scores[j])) {
                best = j;
            }
        }
        return best;
    }

    /** Adds one image of class {@code label} with the model's {@code probabilities} (or logits) for it. */
    public void add(int label, float[] probabilities) {
        Objects.requireNonNull(probabilities, "probabilities");
        if (probabilities.length != numClasses) {
            throw new IllegalArgumentException(
                    "probabilities: " + probabilities.length + " scores for a model with " + numClasses + " classes");
        }
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label: " + label + " outside 0.." + (numClasses - 1));
        }
        int r = rank(probabilities, label);
        images++;
        perClassImages[label]++;
        if (r == 0) {
            top1++;
            perClassTop1[label]++;
        }
        if (r < k) {
            topK++;
            perClassTopK[label]++;
        }
    }

    /** Counts an image that could not be read or decoded. */
    public void unreadable(String source, String problem) {
        unreadable++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(source, problem));
        }
    }

    /** The images added so far (unreadable ones not included). */
    public long images() {
        return images;
    }

    /** The unreadable images so far. */
    public long unreadableCount() {
        return unreadable;
    }

    /** Top-1 accuracy so far; NaN before any image. */
    public double top1() {
        return images == 0 ? Double.NaN : (double) top1 / images;
    }

    /** A problem with one image. */
    public record Problem(String source, String message) {}

    /**
     * The accuracy of one class.
     *
     * @param label the class index
     * @param name its folder or label name, null when unknown
     * @param images images of this class evaluated
     * @param top1Correct of them, predicted first
     * @param top5Correct of them, among the first k
     */
    public record ClassAccuracy(int label, String name, long images, long top1Correct, long top5Correct) {
        /** Top-1 accuracy of this class. */
        public double top1() {
            return (double) top1Correct / images;
        }

        /** Top-5 accuracy of this class. */
        public double top5() {
            return (double) top5Correct / images;
        }
    }

    /**
     * The result of an evaluation.
     *
     * @param numClasses the model's classes
     * @param topK the k of {@code top5} (5, or the class count when smaller)
     * @param images images evaluated (unreadable ones not included)
     * @param top1Correct images whose highest score is their label
     * @param top5Correct images whose label is among the k highest
     * @param top1 {@code top1Correct / images} (NaN for no image)
     * @param top5 {@code top5Correct / images}
     * @param perClass every class with at least one image, by index
     * @param unreadable images that could not be read or decoded
     * @param problems the first {@link #MAX_PROBLEMS} of them with their reasons
     * @param seconds wall time of the evaluation (reading, decoding, preprocessing and the network)
     * @param imagesPerSecond {@code images / seconds}
     */
    public record Result(
            int numClasses,
            int topK,
            long images,
            long top1Correct,
            long top5Correct,
            double top1,
            double top5,
            List<ClassAccuracy> perClass,
            long unreadable,
            List<Problem> problems,
            double seconds,
            double imagesPerSecond) {}

    /** The result so far, with {@code seconds} of wall time and classes named by {@code names} (may return null). */
    public Result result(double seconds, IntFunction<String> names) {
        List<ClassAccuracy> perClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (perClassImages[c] > 0) {
                perClass.add(new ClassAccuracy(
                        c, names == null ? null : names.apply(c), perClassImages[c], perClassTop1[c], perClassTopK[c]));
            }
        }
        return new Result(
                numClasses,
                k,
                images,
                top1,
                topK,
                images == 0 ? Double.NaN : (double) top1 / images,
                images == 0 ? Double.NaN : (double) topK / images,
                List.copyOf(perClass),
                unreadable,
                List.copyOf(problems),
                seconds,
                seconds > 0 ? images / seconds : Double.NaN);
    }

    /**
     * The model side of {@link #run}: scores a batch of encoded images — for example {@code
     * ImageClassifier.probabilities}. Returns one {@link Scored} per image, in order.
     */
    @FunctionalInterface
    public interface Scorer {
        /** The scores of each of {@code encoded}, or the reason an image failed (it is counted unreadable). */
        List<Scored> score(List<byte[]> encoded) throws Exception;
    }

    /**
     * One image's scores, or why it failed.
     *
     * @param scores the model's probabilities (or logits), null when failed
     * @param error why the image could not be decoded or classified, null when scored
     */
    public record Scored(float[] scores, String error) {
        /** A scored image. */
        public static Scored of(float[] scores) {
            return new Scored(scores, null);
        }

        /** A failed image. */
        public static Scored failed(String error) {
            return new Scored(null, error);
        }
    }

    /** Hears the loop's progress; every method has an empty default. */
    public interface Listener {
        /** After each batch: images evaluated and unreadable so far, of {@code total} expected. */
        default void batch(long done, long total, Evaluation sofar) {}

        /** An image that could not be read or decoded. */
        default void unreadable(Problem problem) {}

        /** One evaluated image: its label and its top-1 prediction with that class's score. */
        default void predicted(String source, int label, int predicted, float score) {}
    }

    /**
     * {@link #run(LabelledImages, Scorer, int, Listener)} with {@code classifier}'s {@link
     * ImageClassifier#probabilities} as the scorer: an image it cannot decode is counted unreadable.
     */
    public static Result run(LabelledImages data, ImageClassifier classifier, int batchSize, Listener listener)
            throws Exception {
        if (data.numClasses() != classifier.numClasses()) {
            throw new IllegalArgumentException(
                    "data: labelled for " + data.numClasses() + " classes, the model has " + classifier.numClasses());
        }
        return run(data, images -> scores(classifier.probabilities(images)), batchSize, listener);
    }

    private static List<Scored> scores(List<ImageScores> scores) {
        List<Scored> out = new ArrayList<>(scores.size());
        for (ImageScores s : scores) {
            out.add(s.ok() ? Scored.of(s.probabilities()) : Scored.failed(s.error()));
        }
        return out;
    }

    /**
     * slim's evaluation loop over {@code data}: reads {@code batchSize} examples at a time, scores the readable ones
     * with {@code scorer}, and adds each to a new evaluation; unreadable examples and images the scorer fails are
     * counted and reported to {@code listener}. The wall time covers reading, decoding and the network.
     *
     * @throws Exception what the scorer throws for a whole batch (a failure of the model, not of an image)
     */
    public static Result run(LabelledImages data, Scorer scorer, int batchSize, Listener listener) throws Exception {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
        }
        Listener l = listener == null ? new Listener() {} : listener;
        Evaluation e = new Evaluation(data.numClasses());
        long start = System.nanoTime();
        try (LabelledImages.Reader reader = data.reader()) {
            List<LabelledImage> batch = new ArrayList<>(batchSize);
            while (reader.hasNext()) {
                batch.clear();
                while (batch.size() < batchSize && reader.hasNext()) {
                    LabelledImage img = reader.next();
                    if (img.readable()) {
                        batch.add(img);
                    } else {
                        e.unreadable(img.source(), img.problem());
                        l.unreadable(new Problem(img.source(), img.problem()));
                    }
                }
                if (!batch.isEmpty()) {
                    List<Scored> scored = scorer.score(
                            batch.stream().map(LabelledImage::encoded).toList());
                    if (scored.size() != batch.size()) {
                        throw new IllegalStateException(
                                "the scorer returned " + scored.size() + " results for " + batch.size() + " images");
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        LabelledImage img = batch.get(i);
                        Scored s = scored.get(i);
                        if (s.error() != null) {
                            e.unreadable(img.source(), s.error());
                            l.unreadable(new Problem(img.source(), s.error()));
                        } else {
                            e.add(img.label(), s.scores());
                            int p = argmax(s.scores());
                            l.predicted(img.source(), img.label(), p, s.scores()[p]);
                        }
                    }
                }
                l.batch(e.images() + e.unreadableCount(), data.size(), e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return e.result(seconds, data::className);
    }
}
