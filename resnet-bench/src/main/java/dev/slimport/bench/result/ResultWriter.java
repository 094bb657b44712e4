/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimport.bench.host.EnvironmentInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** JSON (Jackson) and CSV renderings of results, and atomic file writes (a temp file renamed into place). */
public final class ResultWriter {
    private ResultWriter() {}

    /** The mapper: snake_case keys, indented, tolerant of unknown keys when reading. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The columns of {@link #csv}: the configuration and environment repeated on every row, then the step. */
    public static final List<String> CSV_COLUMNS = List.of(
            "model",
            "mode",
            "precision",
            "batch_size",
            "height",
            "width",
            "num_classes",
            "output_stride",
            "data_format",
            "input",
            "seed",
            "device_requested",
            "device_used",
            "intra_op_threads",
            "inter_op_threads",
            "xla",
            "saved_model",
            "signature",
            "tf_version",
            "tf_java_version",
            "native_classifier",
            "java_version",
            "os",
            "host",
            "cpu_model",
            "logical_cores",
            "onednn",
            "started_at",
            "phase",
            "step",
            "duration_s");

    /** Any value as indented JSON. */
    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + System.lineSeparator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a {@link BenchmarkResult} written by {@link #json}. */
    public static BenchmarkResult readResult(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), BenchmarkResult.class);
    }

    /**
     * A long-format CSV: a header, then one row per warm-up step ({@code phase=warmup}) and per timed step ({@code
     * phase=step}), each carrying the whole configuration and environment (RFC 4180 quoting).
     */
    public static String csv(BenchmarkResult r) {
        BenchmarkResult.Config c = r.config();
        EnvironmentInfo e = r.environment();
        List<Object> fixed = List.of(
                c.model(),
                c.stepMode().label(),
                c.precision(),
                c.batchSize(),
                c.height(),
                c.width(),
                c.numClasses(),
                c.outputStride() == null ? "" : c.outputStride(),
                orEmpty(c.dataFormat()),
                c.input(),
                c.seed(),
                c.deviceRequested(),
                c.deviceUsed(),
                c.intraOpThreads(),
                c.interOpThreads(),
                c.xla(),
                orEmpty(c.savedModel()),
                orEmpty(c.signature()),
                e.tfVersion(),
                e.tfJavaVersion(),
                e.nativeClassifier(),
                e.javaVersion(),
                e.os(),
                e.host(),
                e.cpuModel(),
                e.logicalCores(),
                e.onednn(),
                r.startedAt());
        StringBuilder sb = new StringBuilder();
        appendRow(sb, new ArrayList<>(CSV_COLUMNS));
        addSteps(sb, fixed, "warmup", r.timings().warmupSeconds());
        addSteps(sb, fixed, "step", r.timings().stepSeconds());
        return sb.toString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void addSteps(StringBuilder sb, List<Object> fixed, String phase, List<Double> seconds) {
        for (int i = 0; i < seconds.size(); i++) {
            List<Object> row = new ArrayList<>(fixed);
            row.add(phase);
            row.add(i);
            row.add(String.format(Locale.ROOT, "%.6f", seconds.get(i)));
            appendRow(sb, row);
        }
    }

    private static void appendRow(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(String.valueOf(cells.get(i))));
        }
        sb.append("\r\n");
    }

    static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** Writes {@code text} to {@code file} through a temp file in the same folder, renamed into place. */
    public static void writeAtomically(Path file, String text) throws IOException {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} to {@code file} through a temp file in the same folder, renamed into place. The temp file is
     * created like any new file (the umask's mode), not with {@code createTempFile}'s 0600.
     */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = Files.createFile(
                abs.resolveSibling("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp"));
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks that {@code file} can be created or replaced: its folder exists and takes a new file, and it is not a
     * folder. Nothing is left behind.
     */
    public static void checkWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + ": '" + file + "' is a directory; give a file path");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": the directory of '" + file + "' does not exist");
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new IllegalArgumentException(option + ": '" + file + "' is not writable");
        }
        try {
            Path probe = Files.createTempFile(dir, ".resnet-bench-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(
                    option + ": cannot write in '" + dir + "' (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The lower-case extension of {@code file}, or an empty string. */
    public static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
