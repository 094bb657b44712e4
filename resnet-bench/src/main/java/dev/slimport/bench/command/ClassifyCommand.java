/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.classify.Classification;
import dev.slimport.classify.ImageClassifier;
import dev.slimport.classify.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code resnet-bench classify IMAGE|DIR ...}: the top-k ImageNet (or {@code --labels}) classes of each image, with
 * a SavedModel or a slim checkpoint ({@link ClassifierOptions}), through {@link ImageClassifier}. A directory stands
 * for the image files under it (by extension, recursively, sorted); a file named on the command line is tried
 * whatever its name. Each image that cannot be classified is reported on its own line and the others are still
 * classified; exit 1 if any failed, 2 on usage errors.
 */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Classify images (JPEG, PNG, GIF, BMP) with a ResNet v2: slim's eval preprocessing, the network, the"
                    + " softmax; prints each image's top-k classes (rank, probability, index, label).",
            "Exit 1 if any image could not be classified (each is reported, the rest are classified), 2 on usage"
                    + " errors."
        })
public final class ClassifyCommand extends BenchCommand {

    /** The extensions a directory's image files are picked by (case-insensitive). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp");

    @Parameters(
            arity = "1..*",
            paramLabel = "IMAGE|DIR",
            description = "Image files, or directories whose image files (.jpg .jpeg .png .gif .bmp, in"
                    + " subdirectories too) are classified.")
    List<Path> inputs = new ArrayList<>();

    @Mixin
    ClassifierOptions model = new ClassifierOptions();

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "5",
            description = "Classes per image, most probable first (default: ${DEFAULT-VALUE}; at most the model's"
                    + " classes).")
    int topK;

    @Mixin
    SharedOptions.TextOrJson format = new SharedOptions.TextOrJson();

    /** A command-line path that yields no image: the path and why. */
    record Problem(String path, String message) {}

    /**
     * The command line's paths expanded.
     *
     * @param files the image files, in order
     * @param problems the paths that yield none
     * @param skipped the files in the given directories left out for their names
     */
    record Expanded(List<Path> files, List<Problem> problems, int skipped) {}

    @Override
    protected int run() throws Exception {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k: must be >= 1, got " + topK);
        }
        Expanded expanded = expand(inputs);
        int failed = expanded.problems().size();
        int classified = 0;
        PrintWriter out = out();
        long t0 = System.nanoTime();
        try (ImageClassifier classifier = model.open()) {
            long tLoaded = System.nanoTime();
            model.ignoredImageSize(classifier).ifPresent(this::warn);
            int k = Math.min(topK, classifier.numClasses());
            ObjectNode json = ResultWriter.MAPPER.createObjectNode();
            ArrayNode images = json.putArray("images");
            if (!format.json()) {
                out.println(ClassifierOptions.headerLine(classifier));
            }
            for (Problem p : expanded.problems()) {
                if (format.json()) {
                    images.addObject().put("image", p.path()).put("error", p.message());
                } else {
                    out.println(p.path() + ": error: " + p.message());
                }
            }
            List<Path> files = expanded.files();
            int step = 64;
            for (int from = 0; from < files.size(); from += step) {
                List<Classification> results =
                        classifier.classifyFiles(files.subList(from, Math.min(files.size(), from + step)), k);
                for (Classification c : results) {
                    if (c.ok()) {
                        classified++;
                    } else {
                        failed++;
                    }
                    if (format.json()) {
                        ObjectNode o = images.addObject().put("image", c.image());
                        if (c.ok()) {
                            ArrayNode top = o.putArray("top");
                            c.top()
                                    .forEach(p -> top.addObject()
                                            .put("rank", p.rank())
                                            .put("index", p.index())
                                            .put("label", p.label())
                                            .put("probability", p.probability()));
                        } else {
                            o.put("error", c.error());
                        }
                    } else {
                        print(out, c);
                    }
                }
                out.flush();
            }
            if (format.json()) {
                ObjectNode head = ResultWriter.MAPPER.valueToTree(ClassifierOptions.header(classifier));
                head.put("top_k", k);
                head.put("classified", classified);
                head.put("failed", failed);
                head.put("load_seconds", seconds(tLoaded - t0));
                head.put("classify_seconds", seconds(System.nanoTime() - tLoaded));
                head.setAll(json);
                out.print(ResultWriter.MAPPER.writeValueAsString(head) + System.lineSeparator());
            } else {
                err().printf(
                                Locale.ROOT,
                                "%s: %d image(s) in %.1f s after %.1f s loading the model%n",
                                spec.qualifiedName(),
                                classified + failed - expanded.problems().size(),
                                seconds(System.nanoTime() - tLoaded),
                                seconds(tLoaded - t0));
            }
        }
        out.flush();
        if (expanded.skipped() > 0) {
            warn(expanded.skipped() + " file(s) in the given directories skipped: not named ."
                    + String.join(" .", IMAGE_EXTENSIONS.stream().sorted().toList()));
        }
        if (failed > 0) {
            err().println(spec.qualifiedName() + ": " + failed + " of " + (failed + classified)
                    + " image(s) could not be classified (see above)");
            err().flush();
            return 1;
        }
        return 0;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    /** The text lines of one image: its name, then one line per class (rank, probability, index, label). */
    static void print(PrintWriter out, Classification c) {
        if (!c.ok()) {
            out.println(c.image() + ": error: " + c.error());
            return;
        }
        out.println(c.image());
        for (Prediction p : c.top()) {
            out.printf(Locale.ROOT, "  %2d  %.6f  %4d  %s%n", p.rank(), p.probability(), p.index(), p.label());
        }
    }

    /**
     * Files as given; directories replaced by their image files (by {@link #IMAGE_EXTENSIONS}, recursively, hidden
     * ones left out, sorted). A directory without image files is a {@link Problem} of its own.
     */
    static Expanded expand(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int skipped = 0;
        for (Path in : inputs) {
            if (!Files.isDirectory(in)) {
                files.add(in);
                continue;
            }
            List<Path> all;
            try (Stream<Path> walk = Files.walk(in)) {
                all = walk.filter(p -> !p.equals(in))
                        .filter(p -> !hidden(in, p))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
            } catch (IOException | UncheckedIOException e) {
                problems.add(new Problem(in.toString(), "cannot list the directory: " + e.getMessage()));
                continue;
            }
            List<Path> images = all.stream().filter(ClassifyCommand::imageName).toList();
            skipped += all.size() - images.size();
            if (images.isEmpty()) {
                problems.add(new Problem(
                        in.toString(),
                        "no image files (."
                                + String.join(
                                        " .", IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in this directory"));
            }
            files.addAll(images);
        }
        return new Expanded(files, problems, skipped);
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean imageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
