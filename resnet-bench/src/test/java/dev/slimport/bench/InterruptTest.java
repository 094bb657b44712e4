/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) sent to a real {@code resnet-bench} JVM: an export leaves neither a target nor a temporary
 * directory, whichever step it was in; a benchmark prints the summary of the steps done and writes its result file.
 * Both exit with 130. (Interrupting an export thread in-process is tested in saved-models' {@code
 * ExportInterruptTest}.)
 */
class InterruptTest {
  @TempDir Path dir;
  @TempDir Path logs;

  private Process process;

  @AfterEach
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static final String[] EXPORT = {"export", "--model", "resnet_v2_50", "--num-classes", "10",
      "--image-size", "32"};

  @Test
  void ctrl_c_while_the_export_is_writing_or_checking_removes_its_temporary_directory() throws Exception {
    Path out = dir.resolve("models");
    start(concat(EXPORT, "--out", out.toString()));
    String temp = await("a temporary directory in " + out, () -> children(out).stream()
        .filter(n -> n.startsWith(".1.tmp-")).findFirst());
    sigint();
    assertThat(exitCode()).as(log()).isEqualTo(130);
    assertThat(children(dir)).as("left in %s after interrupting the export writing %s; %s", dir, temp, log())
        .isEmpty();
    assertThat(stderr()).contains("resnet-bench export: export to " + out.toAbsolutePath().resolve("1")
        + " interrupted").contains("nothing was installed and its temporary files were removed")
        .doesNotContain("\tat ");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void ctrl_c_before_anything_is_written_leaves_nothing() throws Exception {
    Path out = dir.resolve("models");
    start(concat(EXPORT, "--out", out.toString()));
    Thread.sleep(2500);
    sigint();
    assertThat(exitCode()).as(log()).isEqualTo(130);
    assertThat(children(dir)).as(log()).isEmpty();
    assertThat(stderr()).doesNotContain("\tat ");
  }

  @Test
  void ctrl_c_during_a_benchmark_prints_the_summary_of_the_steps_done_and_writes_the_result() throws Exception {
    Path json = dir.resolve("result.json");
    start("forward", "--model", "resnet_v2_50", "--image-size", "32", "-b", "1", "--warmup", "1", "--num-batches",
        "100000", "--no-trace", "--format", "json", "--output", json.toString());
    await("the line of step 10", () -> stdout().contains(": step 10, duration = ") ? Optional.of(true)
        : Optional.empty());
    sigint();
    assertThat(exitCode()).as(log()).isEqualTo(130);
    assertThat(stdout()).containsPattern(": forward across \\d+ steps, .*\\(interrupted after \\d+ of 100000 steps\\)")
        .contains("summary: ");
    assertThat(stderr()).doesNotContain("\tat ");
    JsonNode result = ResultWriter.MAPPER.readTree(json.toFile());
    assertThat(result.get("timings").get("interrupted").asBoolean()).isTrue();
    assertThat(result.get("timings").get("step_seconds").size()).isGreaterThanOrEqualTo(11);
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  private void start(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:ErrorFile=" + logs.resolve("hs_err.log"),
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-Dorg.bytedeco.javacpp.maxbytes=0",
        "-cp", System.getProperty("java.class.path"), ResNetBenchCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(logs.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.redirectOutput(logs.resolve("stdout.txt").toFile()).redirectError(logs.resolve("stderr.txt").toFile());
    process = pb.start();
  }

  private void sigint() throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private int exitCode() throws Exception {
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      throw new AssertionError("the child did not exit after SIGINT; " + log());
    }
    assertThat(logs.resolve("hs_err.log")).as(log()).doesNotExist();
    return process.exitValue();
  }

  private <T> T await(String what, Supplier<Optional<T>> probe) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      Optional<T> seen = probe.get();
      if (seen.isPresent()) {
        return seen.get();
      }
      if (!process.isAlive()) {
        throw new AssertionError("the child exited " + process.exitValue() + " before " + what + "; " + log());
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no " + what + " within 180 s; " + log());
  }

  private static List<String> children(Path d) {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private String stdout() {
    return read("stdout.txt");
  }

  private String stderr() {
    return read("stderr.txt");
  }

  private String read(String name) {
    try {
      return Files.readString(logs.resolve(name));
    } catch (IOException e) {
      return "";
    }
  }

  private String log() {
    return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
  }
}
