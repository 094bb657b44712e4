/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/** JSON (Jackson) and CSV renderings of results, and atomic file writes (a temp file renamed into place). */
public final class ResultWriter {
    private ResultWriter() {}

    /** The mapper: snake_case keys, indented, tolerant of unknown keys when reading. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A CSV column of the values every row repeats: its name and how it is read from the result. */
    private record Column(String name, Function<BenchmarkResult, Object> value) {}

    /** The configuration and environment columns, in order; a null value is an empty cell. */
    private static final List<Column> FIXED_COLUMNS = List.of(
            new Column("model", r -> r.config().model()),
            new Column("mode", r -> r.config().mode()),
            new Column("precision", r -> r.config().precision()),
            new Column("batch_size", r -> r.config().batchSize()),
            new Column("height", r -> r.config().height()),
            new Column("width", r -> r.config().width()),
            new Column("num_classes", r -> r.config().numClasses()),
            new Column("output_stride", r -> r.config().outputStride()),
            new Column("data_format", r -> r.config().dataFormat()),
            new Column("input", r -> r.config().input()),
            new Column("seed", r -> r.config().seed()),
            new Column("device_requested", r -> r.config().deviceRequested()),
            new Column("device_used", r -> r.config().deviceUsed()),
            new Column("intra_op_threads", r -> r.config().intraOpThreads()),
            new Column("inter_op_threads", r -> r.config().interOpThreads()),
            new Column("xla", r -> r.config().xla()),
            new Column("saved_model", r -> r.config().savedModel()),
            new Column("signature", r -> r.config().signature()),
            new Column("tf_version", r -> r.environment().tfVersion()),
            new Column("tf_java_version", r -> r.environment().tfJavaVersion()),
            new Column("native_classifier", r -> r.environment().nativeClassifier()),
            new Column("java_version", r -> r.environment().javaVersion()),
            new Column("os", r -> r.environment().os()),
            new Column("host", r -> r.environment().host()),
            new Column("cpu_model", r -> r.environment().cpuModel()),
            new Column("logical_cores", r -> r.environment().logicalCores()),
            new Column("onednn", r -> r.environment().onednn()),
            new Column("started_at", r -> r.startedAt()));

    /** The columns of {@link #csv}: the configuration and environment repeated on every row, then the step. */
    public static final List<String> CSV_COLUMNS = Stream.concat(
                    FIXED_COLUMNS.stream().map(Column::name), Stream.of("phase", "step", "duration_s"))
            .toList();

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
        List<Object> fixed = FIXED_COLUMNS.stream()
                .map(c -> Objects.requireNonNullElse(c.value().apply(r), ""))
                .toList();
        StringBuilder sb = new StringBuilder();
        appendRow(sb, CSV_COLUMNS);
        addSteps(sb, fixed, "warmup", r.timings().warmupSeconds());
        addSteps(sb, fixed, "step", r.timings().stepSeconds());
        return sb.toString();
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
        Path tmp = Files.createFile(abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp"));
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
