/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code main} class run in a fresh JVM with this JVM's class path: the one launcher of the test suites (soak
 * children, SavedModel loads in another process, the real CLI for signals and crashes). Standard output and error go
 * to files in a work directory; a JVM crash leaves {@code hs_err.log} there. The child is killed when it outlives its
 * deadline or when {@link #close} runs, so a failing test never leaves a process behind.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Path errorFile;

    private ChildJvm(Process process, Path work) {
        this.process = process;
        this.stdout = work.resolve("stdout.txt");
        this.stderr = work.resolve("stderr.txt");
        this.errorFile = work.resolve("hs_err.log");
    }

    /**
     * Starts {@code mainClass args...} in a new JVM with {@code -Xmx1g}, JavaCPP's memory limits off (as the test JVMs)
     * and {@code TF_CPP_MIN_LOG_LEVEL=2}; {@code work} receives {@code stdout.txt}, {@code stderr.txt} and, on a crash,
     * {@code hs_err.log}, and is the child's working directory.
     */
    public static ChildJvm start(Path work, Class<?> mainClass, List<String> args) throws IOException {
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx1g",
                "-XX:ErrorFile=" + work.resolve("hs_err.log"),
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
                "-Dorg.bytedeco.javacpp.maxbytes=0",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectOutput(work.resolve("stdout.txt").toFile())
                .redirectError(work.resolve("stderr.txt").toFile());
        return new ChildJvm(pb.start(), work);
    }

    /** Runs {@code mainClass args...} to its end within {@code deadline} and returns what it printed. */
    public static Finished run(Path work, Class<?> mainClass, List<String> args, Duration deadline) throws Exception {
        try (ChildJvm child = start(work, mainClass, args)) {
            return child.finish(deadline);
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGINT (Ctrl-C) to the child. A process started with SIGINT ignored (a job launched in the background of
     * a non-interactive shell) passes that on, and a JVM that starts with SIGINT ignored never sees Ctrl-C: then the
     * test is aborted with that reason instead of timing out.
     */
    public void interrupt() throws Exception {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        Optional<String> ignored = Files.isReadable(status)
                ? Files.readAllLines(status).stream()
                        .filter(l -> l.startsWith("SigIgn:"))
                        .findFirst()
                : Optional.empty();
        Assumptions.assumeFalse(
                ignored.isPresent()
                        && (Long.parseUnsignedLong(ignored.get().substring(7).trim(), 16) & 0b10) != 0,
                "the child JVM ignores SIGINT, inherited from this test's process (started with SIGINT ignored, e.g."
                        + " in the background of a non-interactive shell), so it cannot see Ctrl-C");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
    }

    /** What the child printed to standard output so far. */
    public String stdout() {
        return read(stdout);
    }

    /** What the child printed to standard error so far. */
    public String stderr() {
        return read(stderr);
    }

    /**
     * Polls {@code probe} over this child's state until it yields a value, the child exits, or {@code deadline}
     * passes; the latter two fail with the child's output.
     */
    public <T> T await(String what, Duration deadline, Function<ChildJvm, Optional<T>> probe) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            Optional<T> seen = probe.apply(this);
            if (seen.isPresent()) {
                return seen.get();
            }
            if (!process.isAlive()) {
                Optional<T> last = probe.apply(this);
                if (last.isPresent()) {
                    return last.get();
                }
                throw new AssertionError("the child exited " + process.exitValue() + " before " + what + "; " + log());
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no " + what + " within " + deadline.toSeconds() + " s; " + log());
    }

    /** Waits until standard error holds a line containing {@code text}. */
    public void awaitStderr(String text, Duration deadline) throws Exception {
        await(
                "'" + text + "' on stderr",
                deadline,
                c -> c.stderr().contains(text) ? Optional.of(true) : Optional.empty());
    }

    /** Waits until standard output holds {@code text}. */
    public void awaitStdout(String text, Duration deadline) throws Exception {
        await(
                "'" + text + "' on stdout",
                deadline,
                c -> c.stdout().contains(text) ? Optional.of(true) : Optional.empty());
    }

    /**
     * Waits for the child to exit within {@code deadline} (killing it and failing otherwise) and checks that it did not
     * crash (no {@code hs_err.log}).
     */
    public Finished finish(Duration deadline) throws Exception {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the child JVM did not exit within " + deadline.toSeconds() + " s; " + log());
        }
        if (Files.exists(errorFile)) {
            throw new AssertionError("the child JVM crashed (" + errorFile + "); " + log());
        }
        return new Finished(process.exitValue(), stdout(), stderr());
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String log() {
        return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A child that has exited.
     *
     * @param exitCode its exit code
     * @param stdout what it printed to standard output
     * @param stderr what it printed to standard error
     */
    public record Finished(int exitCode, String stdout, String stderr) {
        /** Fails with the child's output unless it exited 0. */
        public Finished assertSucceeded() {
            if (exitCode != 0) {
                throw new AssertionError("the child JVM exited " + exitCode + "; " + this);
            }
            return this;
        }

        /** The first standard-output line starting with {@code prefix}, failing with the output when there is none. */
        public String lineStartingWith(String prefix) {
            return stdout.lines()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no line starting with '" + prefix + "' from the child; " + this));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
