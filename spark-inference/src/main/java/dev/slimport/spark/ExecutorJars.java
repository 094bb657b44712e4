/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The jars a driver ships to a cluster's executors ({@code spark.jars}) when it starts the session itself, as
 * {@code resnet-bench spark-infer --master spark://...} does: this module's jar and its run-time dependencies
 * (saved-models, resnet-graph, TensorFlow Java with its native jar, JavaCPP, protobuf, ...), but not Spark, which the
 * executors have. The dependencies' file names are Maven's, written into this module's jar at build time ({@value
 * #RESOURCE}); they are looked up on this JVM's class path, expanded with the manifests' {@code Class-Path} as the JVM
 * does (the CLI is launched with {@code -jar}). A directory on the class path (classes run from a build tree) is packed
 * into a jar in a temporary directory, which the caller deletes when the session has stopped.
 *
 * <p>Not used in local mode (one JVM), under spark-submit (which ships its {@code --jars} and the application jar
 * itself) or when the user set {@code spark.jars}.
 */
final class ExecutorJars {
    /** The class-path resource listing the run-time dependencies' file names, comma-separated. */
    static final String RESOURCE = "executor-jars.txt";

    private ExecutorJars() {}

    /**
     * Whether a session started with {@code master} and the user's {@code conf} needs the jars set: a cluster master,
     * not launched by spark-submit (which sets the system property {@code SPARK_SUBMIT}), no {@code spark.jars} given.
     */
    static boolean needed(String master, Map<String, String> conf) {
        return master != null
                && !master.startsWith("local")
                && System.getProperty("SPARK_SUBMIT") == null
                && System.getProperty("spark.jars") == null
                && !conf.containsKey("spark.jars");
    }

    /** The file names of this module's run-time dependencies, as Maven resolved them when the module was built. */
    static Set<String> dependencyNames() {
        try (InputStream in = ExecutorJars.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing next to " + ExecutorJars.class.getName()
                        + "; this spark-inference build is incomplete (it is written by the build)");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .trim()
                            .split(","))
                    .map(s -> s.substring(s.lastIndexOf('/') + 1))
                    .filter(s -> s.endsWith(".jar"))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This JVM's class path: {@code java.class.path} with every jar's manifest {@code Class-Path}, depth first. */
    static List<Path> classPath() {
        return classPath(System.getProperty("java.class.path", ""));
    }

    /** {@code javaClassPath} with every jar's manifest {@code Class-Path}, depth first, each entry once. */
    static List<Path> classPath(String javaClassPath) {
        Set<Path> seen = new LinkedHashSet<>();
        for (String entry : javaClassPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                add(Path.of(entry).toAbsolutePath().normalize(), seen);
            }
        }
        return new ArrayList<>(seen);
    }

    private static void add(Path entry, Set<Path> seen) {
        if (!Files.exists(entry) || !seen.add(entry) || Files.isDirectory(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp != null) {
                for (String ref : cp.trim().split("\\s+")) {
                    if (!ref.isEmpty()) {
                        add(entry.getParent().resolve(ref).normalize(), seen);
                    }
                }
            }
        } catch (IOException e) {
            // not a jar: the JVM ignores it too
        }
    }

    /**
     * The jars to ship: every class-path jar named in {@value #RESOURCE}, this module's own jar (found through this
     * class), and every class-path directory packed into a jar in {@code packDir}.
     *
     * @throws IllegalStateException if one of the dependencies is not on the class path, naming it
     */
    static List<Path> find(Path packDir) {
        return find(packDir, classPath(), dependencyNames(), ownLocation());
    }

    /** {@link #find(Path)} over the given class path, wanted file names and own location (null if unknown). */
    static List<Path> find(Path packDir, List<Path> classPath, Set<String> wanted, Path own) {
        Set<Path> jars = new LinkedHashSet<>();
        Set<String> found = new LinkedHashSet<>();
        List<Path> directories = new ArrayList<>();
        for (Path entry : classPath) {
            String name = entry.getFileName().toString();
            if (Files.isDirectory(entry)) {
                directories.add(entry);
            } else if (wanted.contains(name) || entry.equals(own)) {
                jars.add(entry);
                found.add(name);
            }
        }
        if (own != null && !Files.isDirectory(own)) {
            jars.add(own);
        }
        for (Path dir : directories) {
            jars.add(pack(dir, packDir.resolve("classes-" + jars.size() + ".jar")));
        }
        // A dependency run from a build tree's classes directory is shipped as a packed directory.
        List<String> missing = wanted.stream().filter(n -> !found.contains(n)).toList();
        if (!missing.isEmpty() && directories.isEmpty()) {
            throw new IllegalStateException("spark.jars: cannot ship " + missing + " to the executors, they are not on"
                    + " this JVM's class path " + classPath + "; give the jars with"
                    + " --conf spark.jars=a.jar,b.jar");
        }
        return new ArrayList<>(jars);
    }

    private static Path ownLocation() {
        try {
            var source = ExecutorJars.class.getProtectionDomain().getCodeSource();
            return source == null
                    ? null
                    : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /** Packs the files under {@code dir} into the jar {@code jar}. */
    static Path pack(Path dir, Path jar) {
        try {
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out);
                    Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    if (Files.isRegularFile(f)) {
                        zip.putNextEntry(
                                new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, zip);
                        zip.closeEntry();
                    }
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("spark.jars: cannot pack " + dir + " into " + jar, e);
        }
    }
}
