/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jars a driver ships to a cluster's executors: class-path expansion, selection by name, packing. */
class ExecutorJarsTest {
    @TempDir
    Path tmp;

    private Path jar(Path file, String classPath, String entry) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(entry.getBytes());
            j.closeEntry();
        }
        return file;
    }

    @Test
    void classPathFollowsManifestClassPathLikeJavaDashJar() throws IOException {
        Path lib = tmp.resolve("lib");
        Path a = jar(lib.resolve("a-1.0.jar"), null, "a");
        Path b = jar(lib.resolve("b-1.0.jar"), "a-1.0.jar", "b");
        Path app = jar(lib.resolve("app.jar"), "b-1.0.jar a-1.0.jar missing.jar", "app");
        assertThat(ExecutorJars.classPath(app.toString())).containsExactly(app, b, a);
    }

    @Test
    void shipsTheListedJarsAndItsOwnButNotTheRest() throws IOException {
        Path lib = tmp.resolve("lib");
        Path tf = jar(lib.resolve("tensorflow-core-api-1.1.0.jar"), null, "tf");
        Path spark = jar(lib.resolve("spark-core_2.13-4.2.0.jar"), null, "spark");
        Path own = jar(lib.resolve("spark-inference-0.1.0-SNAPSHOT.jar"), null, "own");
        List<Path> jars = ExecutorJars.find(
                tmp.resolve("packed"), List.of(tf, spark, own), Set.of("tensorflow-core-api-1.1.0.jar"), own);
        assertThat(jars).containsExactly(tf, own);
    }

    @Test
    void packsClassDirectoriesIntoJars() throws IOException {
        Path classes = Files.createDirectories(tmp.resolve("classes/dev/x"));
        Files.writeString(classes.resolve("A.class"), "bytes");
        List<Path> jars = ExecutorJars.find(
                tmp.resolve("packed"),
                List.of(tmp.resolve("classes")),
                Set.of("saved-models-0.1.0-SNAPSHOT.jar"),
                tmp.resolve("classes"));
        assertThat(jars).hasSize(1);
        try (JarFile j = new JarFile(jars.get(0).toFile())) {
            assertThat(new String(j.getInputStream(j.getEntry("dev/x/A.class")).readAllBytes()))
                    .isEqualTo("bytes");
        }
    }

    @Test
    void aMissingDependencyIsNamed() throws IOException {
        Path own = jar(tmp.resolve("own.jar"), null, "own");
        assertThatThrownBy(() -> ExecutorJars.find(
                        tmp.resolve("packed"),
                        List.of(own),
                        Set.of("tensorflow-core-native-1.1.0-linux-x86_64.jar"),
                        own))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tensorflow-core-native-1.1.0-linux-x86_64.jar")
                .hasMessageContaining("spark.jars");
    }

    @Test
    void theBuildListsTheRuntimeDependenciesAndNoSpark() {
        Set<String> names = ExecutorJars.dependencyNames();
        assertThat(names)
                .contains(
                        "tensorflow-core-native-1.1.0-linux-x86_64.jar",
                        "tensorflow-core-api-1.1.0.jar",
                        "javacpp-1.5.11.jar",
                        "protobuf-java-3.21.9.jar")
                .noneMatch(n -> n.startsWith("spark-"));
    }

    @Test
    void onlyForAClusterMasterOutsideSparkSubmitWithoutTheUsersJars() {
        assertThat(ExecutorJars.needed("spark://127.0.0.1:7077", Map.of())).isTrue();
        assertThat(ExecutorJars.needed("local[2]", Map.of())).isFalse();
        assertThat(ExecutorJars.needed(null, Map.of())).isFalse();
        assertThat(ExecutorJars.needed("spark://127.0.0.1:7077", Map.of("spark.jars", "x.jar")))
                .isFalse();
    }

    @Test
    void eachEntryOnce() {
        assertThat(ExecutorJars.classPath(tmp + File.pathSeparator + tmp)).containsExactly(tmp);
    }
}
