/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * slim's checkpoint naming in a training folder, as {@code train_image_classifier.py} gets it from {@code
 * tf.train.Saver} (through {@code slim.learning.train}): each checkpoint is saved as {@code PREFIX-<global step>}
 * ({@code model.ckpt-500.index}, {@code .data-00000-of-00001}), a state file {@code checkpoint} in the folder (TF's
 * {@code CheckpointState} in text format: {@code model_checkpoint_path} the latest, {@code all_model_checkpoint_paths}
 * the kept ones, oldest first, names relative to the folder) and Saver's {@code max_to_keep=5}: a sixth checkpoint
 * deletes the oldest one's files. TensorFlow's {@code tf.train.latest_checkpoint(folder)} reads this file.
 *
 * <p>Beside them {@code PREFIX} itself always names the latest checkpoint too (hard links to its files, a copy where
 * the file system has none), so tools given {@code PREFIX} read the latest; that alias is this project's, not slim's.
 * Every file is replaced by an atomic rename; only between the index's and the data's renames of the alias does it
 * hold a mismatched pair, which is why {@link #latest} reads the state file first.
 */
public final class SlimCheckpoints {
    private SlimCheckpoints() {}

    /** {@code tf.train.Saver}'s default {@code max_to_keep}. */
    public static final int MAX_TO_KEEP = 5;

    /** The state file's name, in the checkpoints' folder. */
    public static final String STATE_FILE = "checkpoint";

    private static final Pattern LINE = Pattern.compile(
            "^\\s*(model_checkpoint_path|all_model_checkpoint_paths)\\s*:" + "\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");

    /**
     * A folder's checkpoint state.
     *
     * @param latest the latest checkpoint's prefix
     * @param all the kept checkpoints' prefixes, oldest first (the latest last)
     */
    public record State(Path latest, List<Path> all) {}

    /** {@code PREFIX-<step>}. */
    public static Path stepped(Path prefix, long step) {
        return Path.of(prefix + "-" + step);
    }

    /** The state file in {@code dir}, if there is one (paths resolved against {@code dir}). */
    public static Optional<State> read(Path dir) throws IOException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Path latest = null;
        List<Path> all = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Path p = dir.resolve(m.group(2).replaceAll("\\\\(.)", "$1"));
            if (m.group(1).equals("model_checkpoint_path")) {
                latest = p;
            } else {
                all.add(p);
            }
        }
        return latest == null ? Optional.empty() : Optional.of(new State(latest, List.copyOf(all)));
    }

    /**
     * The latest checkpoint {@code path} names: for a folder, its state file's latest (as {@code
     * tf.train.latest_checkpoint}); for a prefix whose folder has a state file naming {@code PREFIX-<step>}
     * checkpoints, the latest of them; else {@code path} itself when {@code path.index} exists. Empty otherwise.
     */
    public static Optional<Path> latest(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return read(path).map(State::latest).filter(SlimCheckpoints::exists);
            }
            Path dir = path.toAbsolutePath().getParent();
            Optional<State> state = dir == null ? Optional.empty() : read(dir);
            String name = path.getFileName().toString() + "-";
            if (state.isPresent()
                    && state.get().latest().getFileName().toString().startsWith(name)
                    && exists(state.get().latest())) {
                return Optional.of(state.get().latest());
            }
        } catch (IOException e) {
            // an unreadable state file: fall back to the prefix itself
        }
        return exists(path) ? Optional.of(path) : Optional.empty();
    }

    private static boolean exists(Path prefix) {
        return Files.isRegularFile(Path.of(prefix + ".index"));
    }

    /**
     * Records the checkpoint just saved at {@code stepped} ({@code PREFIX-<step>}): the state file names it as the
     * latest after the kept ones ({@code previous}, or none to start a new list — their files are deleted then), the
     * oldest beyond {@link #MAX_TO_KEEP} are deleted, and {@code PREFIX} is pointed at it.
     *
     * @return the new state
     */
    public static State record(Path prefix, Path stepped, State previous) {
        Path dir = prefix.toAbsolutePath().getParent();
        List<Path> all = new ArrayList<>();
        if (previous != null) {
            for (Path p : previous.all()) {
                if (!p.toAbsolutePath().equals(stepped.toAbsolutePath())) {
                    all.add(p.toAbsolutePath());
                }
            }
        }
        all.add(stepped.toAbsolutePath());
        List<Path> dropped = new ArrayList<>();
        while (all.size() > MAX_TO_KEEP) {
            dropped.add(all.remove(0));
        }
        State state = new State(stepped.toAbsolutePath(), List.copyOf(all));
        try {
            if (previous == null) {
                // a new list (a run without --resume, e.g. --force): the checkpoints of an earlier run are replaced
                String mine = prefix.getFileName().toString() + "-";
                for (Path p : read(dir).map(State::all).orElse(List.of())) {
                    if (p.getFileName().toString().startsWith(mine)
                            && !p.toAbsolutePath().equals(stepped.toAbsolutePath())) {
                        dropped.add(p.toAbsolutePath());
                    }
                }
            }
            alias(prefix.toAbsolutePath(), stepped.toAbsolutePath());
            write(dir, state);
            for (Path p : dropped) {
                delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the checkpoint " + stepped + " in " + dir, e);
        }
        return state;
    }

    /** Deletes every file of the checkpoint {@code prefix}: {@code PREFIX.index}, {@code PREFIX.data-*}, others. */
    static void delete(Path prefix) throws IOException {
        String name = prefix.getFileName().toString() + ".";
        try (Stream<Path> s = Files.list(prefix.getParent())) {
            for (Path f :
                    s.filter(f -> f.getFileName().toString().startsWith(name)).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void write(Path dir, State state) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("model_checkpoint_path: ").append(quoted(dir, state.latest())).append('\n');
        for (Path p : state.all()) {
            b.append("all_model_checkpoint_paths: ").append(quoted(dir, p)).append('\n');
        }
        Path tmp = Files.createTempFile(dir, "." + STATE_FILE, ".tmp");
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(
                    tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String quoted(Path dir, Path p) {
        String s = p.getParent().equals(dir) ? p.getFileName().toString() : p.toString();
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code prefix.*} become links to (copies of) {@code stepped.*}, each by an atomic rename; stale ones removed. */
    private static void alias(Path prefix, Path stepped) throws IOException {
        String from = stepped.getFileName().toString() + ".";
        Path dir = stepped.getParent();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().startsWith(from)
                            && !f.getFileName().toString().endsWith(".network.json"))
                    .sorted(Comparator.comparing(f -> f.toString().endsWith(".index")))
                    .toList(); // the index last: a reader sees the new data before the new index
        }
        List<String> suffixes = new ArrayList<>();
        for (Path f : files) {
            String suffix = f.getFileName().toString().substring(from.length() - 1);
            suffixes.add(suffix);
            Path target = Path.of(prefix + suffix);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, f);
            } catch (UnsupportedOperationException | FileAlreadyExistsException | SecurityException e) {
                Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        String own = prefix.getFileName().toString() + ".data-";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f :
                    s.filter(f -> f.getFileName().toString().startsWith(own)).toList()) {
                if (!suffixes.contains(f.getFileName().toString().substring(own.length() - ".data-".length()))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
