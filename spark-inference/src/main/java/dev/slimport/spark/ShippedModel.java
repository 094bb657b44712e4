/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.SavedModelInfo;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A SavedModel shipped file by file through Spark's file distribution ({@code SparkContext.addFile} or
 * spark-submit's {@code --files}), which flattens paths: {@code saved_model.pb}, {@code variables.index} and
 * {@code variables.data-NNNNN-of-NNNNN} arrive side by side in the SparkFiles directory. {@link #assemble} rebuilds
 * the layout TensorFlow's loader needs next to them (hard links, or copies where links are not possible).
 */
final class ShippedModel {
    private ShippedModel() {}

    /** The directory {@link #assemble} creates under the SparkFiles root. */
    static final String ASSEMBLED_DIR = "slimport-savedmodel";

    private static final Pattern VARIABLE_FILE = Pattern.compile("variables\\.(index|data-\\d+-of-\\d+)");

    /**
     * The files to ship for the SavedModel in {@code dir} (already resolved to a version directory): the graph file
     * and every file under {@code variables/}.
     *
     * @throws IllegalArgumentException if a file does not have a name the executors can place back
     */
    static List<Path> filesToShip(Path dir) {
        List<Path> files = new ArrayList<>();
        Path pb = dir.resolve(SavedModelInfo.SAVED_MODEL_PB);
        files.add(Files.isRegularFile(pb) ? pb : dir.resolve(SavedModelInfo.SAVED_MODEL_PBTXT));
        Path vars = dir.resolve("variables");
        if (Files.isDirectory(vars)) {
            try (Stream<Path> s = Files.list(vars)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    String name = p.getFileName().toString();
                    if (!VARIABLE_FILE.matcher(name).matches()) {
                        throw new IllegalArgumentException(
                                "saved-model: " + p + " cannot be shipped file by file (only"
                                        + " variables.index and variables.data-* are placed back); use --model-shipping shared");
                    }
                    files.add(p);
                }
            } catch (IOException e) {
                throw new SavedModelException("cannot list " + vars + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /**
     * Rebuilds {@code root/slimport-savedmodel/{saved_model.pb, variables/...}} from the flat files in {@code root}
     * (once per directory: concurrent callers and later calls reuse it).
     *
     * @param root the SparkFiles root directory of this JVM
     * @return the assembled SavedModel directory
     * @throws IllegalArgumentException if {@code root} holds no shipped SavedModel graph
     */
    static synchronized Path assemble(Path root) {
        Path target = root.resolve(ASSEMBLED_DIR);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path pb = root.resolve(SavedModelInfo.SAVED_MODEL_PB);
        if (!Files.isRegularFile(pb)) {
            pb = root.resolve(SavedModelInfo.SAVED_MODEL_PBTXT);
        }
        if (!Files.isRegularFile(pb)) {
            throw new IllegalArgumentException("saved-model: no " + SavedModelInfo.SAVED_MODEL_PB + " among the shipped"
                    + " files in " + root + " (" + listing(root)
                    + "); ship saved_model.pb and the files of variables/ with"
                    + " spark-submit --files, or use --model-shipping add-file/shared");
        }
        Path tmp = root.resolve("." + ASSEMBLED_DIR + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp.resolve("variables"));
            place(pb, tmp.resolve(pb.getFileName().toString()));
            try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
                for (Path p : s) {
                    if (VARIABLE_FILE.matcher(p.getFileName().toString()).matches()) {
                        place(
                                p,
                                tmp.resolve("variables").resolve(p.getFileName().toString()));
                    }
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                deleteTreeQuietly(tmp); // a concurrent caller placed it first
            }
            return target;
        } catch (IOException e) {
            deleteTreeQuietly(tmp);
            throw new SavedModelException(
                    "cannot rebuild the shipped SavedModel in " + target + ": " + e.getMessage(), e);
        }
    }

    private static void place(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    private static String listing(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "it is empty" : "it has " + String.join(", ", names);
        } catch (IOException e) {
            return "cannot list it: " + e.getMessage();
        }
    }

    /** Deletes {@code dir} and what is under it, best effort (a leftover in a temporary directory is harmless). */
    static void deleteTreeQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover in a temporary directory (SparkFiles', or the packed executor jars)
        }
    }
}
