/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.ReferenceCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example is compiled and run as written: the first {@code ```java} block of the repository's
 * README.md, put into a {@code main} method with the imports it assumes, compiled with {@code javax.tools} against the
 * test class path and run, so a README edit that no longer compiles, or builds another model, fails here.
 */
class ReadmeExampleTest {

    /** The imports the README's example leaves out. */
    private static final List<String> IMPORTS = List.of(
            "dev.slimport.resnet.net.Depth",
            "dev.slimport.resnet.net.NetworkSpec",
            "dev.slimport.resnet.net.ResNetModel",
            "dev.slimport.resnet.net.ResNetV2",
            "org.tensorflow.Graph",
            "org.tensorflow.Result",
            "org.tensorflow.Session",
            "org.tensorflow.ndarray.Shape",
            "org.tensorflow.op.Ops",
            "org.tensorflow.op.core.Placeholder",
            "org.tensorflow.types.TFloat32");

    @TempDir
    Path work;

    /**
     * The example prints resnet_v2_152's end-point names and the predictions' shape: slim's 213 end points (conv1; per
     * unit conv1, conv2, conv3 and the unit, plus the shortcut of each block's first unit; one per block;
     * global_pool, logits, spatial_squeeze, predictions) and {@code [1, 1000]}.
     */
    @Test
    void theReadmesJavaExampleCompilesRunsAndBuildsResnetV2_152() throws Exception {
        String block = firstJavaBlock(Files.readString(repositoryRoot().resolve("README.md")));
        String out = compileAndRun(block).trim();

        assertThat(out).as("what the README example printed").endsWith(" [1, 1000]");
        String keys = out.substring(0, out.length() - " [1, 1000]".length());
        assertThat(keys).startsWith("[").endsWith("]");
        List<String> endPoints =
                Arrays.asList(keys.substring(1, keys.length() - 1).split(", "));
        int units = IntStream.of(ReferenceCounts.unitsPerBlock(152)).sum();
        assertThat(endPoints).hasSize(1 + 4 * units + 4 + 4 + 4);
        assertThat(endPoints.get(0)).isEqualTo("resnet_v2_152/conv1");
        assertThat(endPoints.subList(endPoints.size() - 4, endPoints.size()))
                .containsExactly("global_pool", "resnet_v2_152/logits", "resnet_v2_152/spatial_squeeze", "predictions");
    }

    @Test
    void theFirstJavaBlockIsTheOneTakenAndAMissingOneFails() {
        String md = "# t\n```bash\nls\n```\ntext\n```java\nint a = 1;\n  int b = 2;\n```\n```java\nint c;\n```\n";
        assertThat(firstJavaBlock(md)).isEqualTo("int a = 1;\n  int b = 2;\n");
        assertThatThrownBy(() -> firstJavaBlock("```bash\nls\n```\n")).hasMessageContaining("no ```java block");
        assertThatThrownBy(() -> firstJavaBlock("```java\nint a;\n")).hasMessageContaining("not closed");
    }

    /** The text of the first fenced {@code java} block of a Markdown document. */
    static String firstJavaBlock(String markdown) {
        List<String> lines = markdown.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError("README.md has no ```java block");
        }
        StringBuilder code = new StringBuilder();
        for (int i = start; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```")) {
                return code.toString();
            }
            code.append(lines.get(i)).append('\n');
        }
        throw new AssertionError("README.md's first ```java block is not closed");
    }

    /**
     * The repository root: the nearest directory at or above {@code user.dir} holding a {@code pom.xml} with
     * {@code <modules>} (surefire runs in the module directory; an IDE may run in the root).
     */
    static Path repositoryRoot() throws Exception {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                return d;
            }
        }
        throw new AssertionError("no pom.xml with <modules> at or above " + System.getProperty("user.dir"));
    }

    private String compileAndRun(String block) throws Exception {
        StringBuilder src = new StringBuilder("package readme;\n\n");
        IMPORTS.forEach(i -> src.append("import ").append(i).append(";\n"));
        src.append(
                        "\npublic final class ReadmeExample {\n  public static void main(String[] args) throws Exception {\n")
                .append(block)
                .append("  }\n}\n");
        Path source = work.resolve("src/readme/ReadmeExample.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, src);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (javax.tools)").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(
                null,
                diagnostics,
                diagnostics,
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                source.toString());
        assertThat(rc)
                .as("javac on the README example:\n%s\n%s", diagnostics.toString(StandardCharsets.UTF_8), src)
                .isZero();

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("readme.ReadmeExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        return out;
    }
}
