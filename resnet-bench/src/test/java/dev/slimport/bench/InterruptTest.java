/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.TestFiles;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) sent to a real {@code resnet-bench} JVM: an export leaves neither a target nor a temporary
 * directory, whichever step it was in; a benchmark prints the summary of the steps done and writes its result file.
 * Both exit with 130. (Interrupting an export thread in-process is tested in saved-models' {@code
 * ExportInterruptTest}.) The signals are sent on events the child prints or writes, never after a fixed time.
 */
class InterruptTest {
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @TempDir
    Path work;

    private static List<String> export(Path out) {
        return TinyRuns.export("--out", out.toString(), "--progress-lines");
    }

    @Test
    void ctrl_c_while_the_export_is_writing_or_checking_removes_its_temporary_directory() throws Exception {
        Path out = dir.resolve("models");
        try (ChildJvm child = ChildJvm.start(work, ResNetBenchCli.class, export(out))) {
            String temp = child.await(
                    "a temporary directory in " + out,
                    DEADLINE,
                    c -> children(out).stream()
                            .filter(n -> n.startsWith(".1.tmp-"))
                            .findFirst());
            child.interrupt();
            ChildJvm.Finished f = child.finish(DEADLINE);
            assertThat(f.exitCode()).as(f.toString()).isEqualTo(130);
            assertThat(children(dir))
                    .as("left in %s after interrupting the export writing %s; %s", dir, temp, f)
                    .isEmpty();
            assertThat(f.stderr())
                    .contains("resnet-bench export: export to "
                            + out.toAbsolutePath().resolve("1") + " interrupted")
                    .contains("nothing was installed and its temporary files were removed")
                    .doesNotContain("\tat ");
            assertThat(f.stdout()).isEmpty();
        }
    }

    /**
     * The signal is sent when the export says it is building the graph; building and initializing resnet_v2_50 and
     * running its check batch come before the first file (seconds against the milliseconds a signal takes). An
     * inotify watch on the test directory sees whether anything was created there at any moment. Whatever step the
     * signal lands in, the export exits 130 leaving nothing; when it lands before writing, nothing was ever created.
     * Should it land later (a child stalled for seconds), the test is reported as aborted, not passed.
     */
    @Test
    void ctrl_c_before_anything_is_written_leaves_nothing() throws Exception {
        Path out = dir.resolve("models");
        Path target = out.toAbsolutePath().resolve("1");
        try (WatchService watch = watching(dir);
                ChildJvm child = ChildJvm.start(work, ResNetBenchCli.class, export(out))) {
            child.awaitStderr(
                    "resnet-bench export: exporting resnet_v2_50 to " + target + ": building the graph", DEADLINE);
            child.interrupt();
            ChildJvm.Finished f = child.finish(DEADLINE);
            List<String> created = created(watch);
            assertAll(
                    () -> assertThat(f.exitCode()).as(f.toString()).isEqualTo(130),
                    () -> assertThat(children(dir)).as(f.toString()).isEmpty(),
                    () -> assertThat(f.stderr())
                            .as(f.toString())
                            .contains("resnet-bench export: export to " + target + " interrupted ")
                            .contains("nothing was installed and its temporary files were removed")
                            .doesNotContain("\tat ")
                            .doesNotContain(": error: "),
                    () -> assertThat(f.stdout()).isEmpty());
            Assumptions.assumeTrue(
                    created.isEmpty(),
                    () -> "the signal landed after the export began writing (created " + created
                            + "), so this run does not show that nothing is ever written; " + f);
            assertThat(f.stderr())
                    .containsPattern("interrupted (before it started|after building the graph|after preparing"
                            + " the variables|after the check batch|before writing);");
        }
    }

    @Test
    void ctrl_c_during_a_benchmark_prints_the_summary_of_the_steps_done_and_writes_the_result() throws Exception {
        Path json = dir.resolve("result.json");
        try (ChildJvm child = ChildJvm.start(
                work,
                ResNetBenchCli.class,
                TinyRuns.command(
                        "forward",
                        TinyRuns.resnet50(1, 32, 1, 100000),
                        "--no-trace",
                        "--format",
                        "json",
                        "--output",
                        json.toString()))) {
            child.awaitStdout(": step 10, duration = ", DEADLINE);
            child.interrupt();
            ChildJvm.Finished f = child.finish(DEADLINE);
            assertThat(f.exitCode()).as(f.toString()).isEqualTo(130);
            assertThat(f.stdout())
                    .containsPattern(": forward across \\d+ steps, .*\\(interrupted after \\d+ of 100000 steps\\)")
                    .contains("summary: ");
            assertThat(f.stderr()).doesNotContain("\tat ");
            JsonNode result = ResultWriter.MAPPER.readTree(json.toFile());
            assertThat(result.get("timings").get("interrupted").asBoolean()).isTrue();
            assertThat(result.get("timings").get("step_seconds").size()).isGreaterThanOrEqualTo(11);
        }
    }

    private static WatchService watching(Path d) throws IOException {
        WatchService watch = FileSystems.getDefault().newWatchService();
        d.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        return watch;
    }

    /** The names whose creation in the watched directory was seen. */
    private static List<String> created(WatchService watch) {
        List<String> names = new ArrayList<>();
        for (WatchKey key = watch.poll(); key != null; key = watch.poll()) {
            for (WatchEvent<?> e : key.pollEvents()) {
                names.add(
                        e.kind() == StandardWatchEventKinds.OVERFLOW
                                ? "(overflow)"
                                : e.context().toString());
            }
            key.reset();
        }
        return names;
    }

    private static List<String> children(Path d) {
        try {
            return TestFiles.children(d);
        } catch (IOException e) {
            return List.of("(unreadable: " + e + ")");
        }
    }
}
