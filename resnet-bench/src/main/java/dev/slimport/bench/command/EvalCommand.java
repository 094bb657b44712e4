/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.engine.RunFailure;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.classify.Evaluation;
import dev.slimport.classify.ImageClassifier;
import dev.slimport.classify.LabelledImages;
import dev.slimport.classify.Labels;
import dev.slimport.savedmodel.SavedModelInfo;
import dev.slimport.savedmodel.ServingSignature;
import dev.slimport.savedmodel.SignatureInfo;
import dev.slimport.savedmodel.TensorSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench eval --data DIR|FILE.tfrecord...}: slim's {@code eval_image_classifier.py} — top-1, top-5 and
 * per-class accuracy of a SavedModel or a checkpoint ({@link ClassifierOptions}, shared with {@code classify}) on a
 * labelled image set ({@link LabelledImages}: an image-folder tree or slim's TFRecords), streamed through {@link
 * Evaluation#run} one batch at a time. Unreadable images are counted and listed on stderr; exit 1 only when no image
 * could be evaluated.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Accuracy of a model on labelled images, as slim's eval_image_classifier.py: top-1, top-5, per class,"
                    + " images/s and unreadable images.",
            "--data is an image-folder tree DIR/<class>/<image> (class folders sorted -> labels, slim's background"
                    + " class 0 for a model with one class more, ImageNet synset folders -> slim's indices, or mapped"
                    + " by name through --labels) or TFRecord files in slim's format (image/encoded,"
                    + " image/class/label).",
            "Unreadable images are counted and listed on stderr; exit 1 only when none could be evaluated."
        })
public final class EvalCommand extends BenchCommand {

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ClassifierOptions model = new ClassifierOptions();

    @Mixin
    SharedOptions.TextOrJson format = new SharedOptions.TextOrJson();

    @Mixin
    SharedOptions.Destination destination = new SharedOptions.Destination();

    @Option(
            names = "--predictions",
            paramLabel = "FILE",
            description =
                    "Also write every image's prediction as CSV (source,label,predicted,probability), atomically.")
    Path predictions;

    @Override
    protected int run() throws Exception {
        ResultWriter.checkWritable("--output", destination.output);
        ResultWriter.checkWritable("--predictions", predictions);
        // A model of other than ImageNet's 1000/1001 classes needs labels; without --labels they are the data's
        // class names (sorted folders), so the set is indexed before the model is opened.
        int classes = model.labels == null ? classesBeforeOpening() : -1;
        LabelledImages early = classes > 0 && classes != 1000 && classes != Labels.IMAGENET_SIZE
                ? labelledImages(classes, null)
                : null;
        try (ImageClassifier classifier = model.open(early == null ? null : namesOf(early))) {
            LabelledImages set = early != null && early.numClasses() == classifier.numClasses()
                    ? early
                    : labelledImages(
                            classifier.numClasses(),
                            model.labels != null ? null : classifier.labels().names());
            for (String w : set.warnings()) {
                warn(w);
            }
            boolean json = format.json();
            boolean textToStdout = !json || destination.output != null;
            Path predictionsTemp = predictions == null
                    ? null
                    : Files.createTempFile(
                            predictions.toAbsolutePath().getParent(), "." + predictions.getFileName(), ".tmp");
            if (predictionsTemp != null) {
                predictionsTemp.toFile().deleteOnExit(); // Ctrl-C leaves no partial file behind
            }
            Evaluation.Result result;
            try (Progress progress = Progress.create(err(), Progress.interactive() && !destination.quiet);
                    BufferedWriter csv = predictionsTemp == null
                            ? null
                            : Files.newBufferedWriter(predictionsTemp, StandardCharsets.UTF_8)) {
                if (csv != null) {
                    csv.write("source,label,predicted,probability\n");
                }
                progress.phase("eval: loading " + set.size() + " images");
                Listener listener = new Listener(progress, csv);
                result = Evaluation.run(set, classifier, model.batchSize, listener);
                if (listener.failure != null) {
                    throw listener.failure;
                }
            } catch (Exception | Error e) {
                if (predictionsTemp != null) {
                    Files.deleteIfExists(predictionsTemp);
                }
                throw e;
            }
            if (predictionsTemp != null) {
                Files.move(
                        predictionsTemp,
                        predictions.toAbsolutePath(),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            String text = text(classifier, set, result);
            if (textToStdout) {
                out().print(text);
                out().flush();
            }
            String document = json ? ResultWriter.json(document(classifier, set, result)) : text;
            if (destination.output != null) {
                ResultWriter.writeAtomically(destination.output, document);
            } else if (json) {
                out().print(document);
                out().flush();
            }
            if (result.images() == 0) {
                throw new RunFailure("no image of " + set.size() + " could be evaluated (" + result.unreadable()
                        + " unreadable; see the messages above)");
            }
            return 0;
        }
    }

    /**
     * The set for a model of {@code classes} classes: mapped through {@code --labels} when given, else through the
     * model's own {@code defaults} (null: none) where folder names are needed.
     */
    private LabelledImages labelledImages(int classes, List<String> defaults) throws IOException {
        return data.read(classes, model.labels, defaults);
    }

    /** The set's class names as labels ({@code class N} where it has none). */
    private Labels namesOf(LabelledImages set) {
        List<String> names = new ArrayList<>(set.numClasses());
        for (int i = 0; i < set.numClasses(); i++) {
            String n = set.className(i);
            names.add(n == null || n.isBlank() ? "class " + i : n.strip());
        }
        return Labels.of(
                names,
                set.kind() == LabelledImages.Kind.TFRECORDS
                        ? "the records' image/class/text (class N where they have none)"
                        : "the class folders of " + data.data.get(0));
    }

    /**
     * The model's class count read before it is opened — the checkpoint's network, or the width of the SavedModel's
     * {@code predictions} (else {@code logits}) in {@code serving_bytes} (else {@code serving_default}) — or -1 when
     * it cannot be told here (opening the model then reports why).
     */
    private int classesBeforeOpening() {
        try {
            if (model.checkpoint != null && model.savedModel == null) {
                return model.network().numClasses();
            }
            if (model.savedModel != null && model.checkpoint == null) {
                for (SavedModelInfo.MetaGraph g :
                        SavedModelInfo.read(model.savedModel).metaGraphs()) {
                    if (!g.tags().contains(ServingSignature.TAG)) {
                        continue;
                    }
                    for (String key : List.of(ServingSignature.BYTES_KEY, ServingSignature.KEY)) {
                        for (SignatureInfo sig : g.signatures()) {
                            if (!sig.key().equals(key)) {
                                continue;
                            }
                            for (String out : List.of(ServingSignature.PREDICTIONS, ServingSignature.LOGITS)) {
                                TensorSpec t = sig.outputs().get(out);
                                if (t != null
                                        && t.shape().numDimensions() == 2
                                        && t.shape().get(1) > 0) {
                                    return (int) t.shape().get(1);
                                }
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // opening the model reports it
        }
        return -1;
    }

    /** Progress bar, unreadable images on stderr, the predictions file. */
    private final class Listener implements Evaluation.Listener {
        private final Progress progress;
        private final BufferedWriter csv;
        private final long start = System.nanoTime();
        IOException failure;

        Listener(Progress progress, BufferedWriter csv) {
            this.progress = progress;
            this.csv = csv;
        }

        @Override
        public void batch(long done, long total, Evaluation sofar) {
            double s = (System.nanoTime() - start) / 1e9;
            progress.update(String.format(
                    Locale.ROOT,
                    "eval %s %d/%d images, %.1f images/s, top-1 %.4f",
                    bar(done, total),
                    done,
                    total,
                    s > 0 ? sofar.images() / s : 0.0,
                    sofar.top1()));
        }

        @Override
        public void unreadable(Evaluation.Problem problem) {
            progress.clear();
            warn(problem.source() + ": " + problem.message());
        }

        @Override
        public void predicted(String source, int label, int predicted, float score) {
            if (csv == null || failure != null) {
                return;
            }
            try {
                csv.write(csvField(source) + "," + label + "," + predicted + "," + score + "\n");
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** A 20-character bar: {@code [=======>            ]}. */
    static String bar(long done, long total) {
        int width = 20;
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return b.append(']').toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static String text(ImageClassifier classifier, LabelledImages set, Evaluation.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(ClassifierOptions.headerLine(classifier)).append('\n');
        b.append("data: ").append(set.mapping()).append('\n');
        b.append(String.format(
                Locale.ROOT,
                "%d images evaluated in %.2f s (%.1f images/s), %d unreadable%n",
                r.images(),
                r.seconds(),
                r.imagesPerSecond(),
                r.unreadable()));
        b.append(String.format(Locale.ROOT, "top-1 %.4f (%d/%d)%n", r.top1(), r.top1Correct(), r.images()));
        b.append(String.format(
                Locale.ROOT,
                "top-%d %.4f (%d/%d)%s%n",
                Evaluation.TOP_K,
                r.top5(),
                r.top5Correct(),
                r.images(),
                r.topK() < Evaluation.TOP_K ? " (the model has only " + r.numClasses() + " classes)" : ""));
        if (!r.perClass().isEmpty()) {
            b.append(String.format(
                    Locale.ROOT, "%6s  %-24s %7s %7s %7s%n", "label", "class", "images", "top-1", "top-5"));
            for (Evaluation.ClassAccuracy c : r.perClass()) {
                b.append(String.format(
                        Locale.ROOT,
                        "%6d  %-24s %7d %7.4f %7.4f%n",
                        c.label(),
                        c.name() == null ? "" : c.name(),
                        c.images(),
                        c.top1(),
                        c.top5()));
            }
        }
        if (r.unreadable() > 0) {
            b.append("unreadable (").append(r.unreadable()).append("):\n");
            for (Evaluation.Problem p : r.problems()) {
                b.append("  ")
                        .append(p.source())
                        .append(": ")
                        .append(p.message())
                        .append('\n');
            }
            if (r.unreadable() > r.problems().size()) {
                b.append("  ... (").append(r.unreadable() - r.problems().size()).append(" more)\n");
            }
        }
        return b.toString().replace("\n", System.lineSeparator());
    }

    private Map<String, Object> document(ImageClassifier classifier, LabelledImages set, Evaluation.Result r) {
        Map<String, Object> d = new LinkedHashMap<>(ClassifierOptions.header(classifier));
        d.put("data", data.data.stream().map(Path::toString).toList());
        d.put("data_kind", set.kind().name().toLowerCase(Locale.ROOT));
        d.put("mapping", set.mapping());
        d.put("labels_offset", data.labelsOffset);
        d.put("batch_size", model.batchSize);
        d.put("images", r.images());
        d.put("unreadable", r.unreadable());
        d.put("top1", finite(r.top1()));
        d.put("top5", finite(r.top5()));
        d.put("top_k", r.topK());
        d.put("top1_correct", r.top1Correct());
        d.put("top5_correct", r.top5Correct());
        d.put("seconds", r.seconds());
        d.put("images_per_second", finite(r.imagesPerSecond()));
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (Evaluation.ClassAccuracy c : r.perClass()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.label());
            m.put("name", c.name());
            m.put("images", c.images());
            m.put("top1", c.top1());
            m.put("top5", c.top5());
            perClass.add(m);
        }
        d.put("per_class", perClass);
        d.put(
                "problems",
                r.problems().stream()
                        .map(p -> Map.of("source", p.source(), "message", p.message()))
                        .toList());
        d.put("warnings", set.warnings());
        return d;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
