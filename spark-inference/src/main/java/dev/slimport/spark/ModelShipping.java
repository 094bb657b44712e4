/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.SavedModelInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * How the executors get the SavedModel ({@code --model-shipping}), and the code of each way: the files the driver
 * ships ({@link #filesToShip}), the layout an executor rebuilds from them ({@link #assemble}) and where a task finds
 * the model ({@link #modelOnExecutor}).
 *
 * <p>Spark's file distribution ({@code SparkContext.addFile} or spark-submit's {@code --files}) flattens paths:
 * {@code saved_model.pb}, {@code variables.index} and {@code variables.data-NNNNN-of-NNNNN} arrive side by side in
 * the SparkFiles directory, and {@link #assemble} rebuilds the layout TensorFlow's loader needs next to them (hard
 * links, or copies where links are not possible).
 */
public enum ModelShipping {
    /**
     * Every executor reads {@code --saved-model} at the same path: a shared filesystem (NFS, a mounted bucket) or
     * local mode.
     */
    SHARED,
    /**
     * The driver ships the model's files (saved_model.pb and each file under variables/): in {@code spark.files} when
     * the run creates the session, else with {@code SparkContext.addFile}; each executor fetches them and rebuilds
     * the SavedModel layout in its SparkFiles directory ({@link #assemble}).
     */
    ADD_FILE,
    /**
     * spark-submit already shipped the model's files with {@code --files}; driver and executors rebuild the SavedModel
     * layout from their SparkFiles directory. {@code --saved-model} is not used.
     */
    SPARK_FILES;

    /** The option value, which picocli also accepts: {@code shared}, {@code add-file}, {@code spark-files}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

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

    /**
     * The model directory a task of this JVM runs: the driver's {@code checkedDir} with {@link #SHARED}, which must
     * exist here too, otherwise the layout rebuilt in this JVM's SparkFiles directory.
     *
     * @throws IllegalStateException with {@link #SHARED} if this executor does not see {@code checkedDir}; the driver
     *     finds its message with {@link #notOnExecutorMessageIn} and reports it as a usage error
     */
    Path modelOnExecutor(String checkedDir) {
        if (this != SHARED) {
            return assemble(Path.of(SparkFiles.getRootDirectory()));
        }
        Path dir = Path.of(checkedDir);
        if (!Files.isDirectory(dir)) {
            SparkEnv env = SparkEnv.get();
            String executor = (env == null ? "?" : env.executorId()) + " ("
                    + ManagementFactory.getRuntimeMXBean().getName() + ")";
            throw new IllegalStateException("saved-model: " + dir + NOT_ON_EXECUTOR + executor
                    + "; with --model-shipping shared the model must be at that path on every executor (a shared"
                    + " filesystem), or ship it from the driver with --model-shipping add-file");
        }
        return dir;
    }

    private static final String NOT_ON_EXECUTOR = " exists on the driver but not on executor ";

    /**
     * The message of {@link #modelOnExecutor}'s failure if {@code e} is a job that failed with it: found in the
     * messages of {@code e} and its causes (Spark reports a task's failure as text in the job's {@code
     * SparkException}); null otherwise.
     */
    static String notOnExecutorMessageIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(NOT_ON_EXECUTOR);
            if (at >= 0) {
                int start = m.lastIndexOf("saved-model: ", at);
                int end = m.indexOf('\n', at);
                return m.substring(Math.max(start, 0), end < 0 ? m.length() : end)
                        .trim();
            }
        }
        return null;
    }
}
