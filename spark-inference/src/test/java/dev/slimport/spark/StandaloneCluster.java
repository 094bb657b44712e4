/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import dev.slimport.resnet.testing.TestFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine for tests: a master and {@code n} workers, each a JVM started from
 * Spark's own main classes ({@code org.apache.spark.deploy.master.Master}, {@code ...worker.Worker}) with Maven's
 * Spark jars (the module's provided scope, listed by the build in {@code target/spark-classpath.txt}) linked into a
 * {@code SPARK_HOME/jars} with a {@code RELEASE} file, as a Spark distribution has. Everything binds to 127.0.0.1
 * ({@code SPARK_LOCAL_IP}, {@code --host}); ports are chosen by the system; the web UIs listen on loopback only.
 * Each worker has one core and its own work directory, where its executors run and write their {@code stderr}.
 *
 * <p>{@link #close} kills every process this cluster started and every process running in a worker's work directory
 * (executors, drivers of cluster deploy mode), so a failing test leaves nothing behind. The application's jars are
 * not in {@code SPARK_HOME/jars}: the executors get them only if the application ships them.
 */
final class StandaloneCluster implements AutoCloseable {
    /** Spark's --add-opens list, which its launcher adds on Java 17 (the module's spark.test.jvm.options). */
    static final List<String> JVM_OPENS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private static final Pattern MASTER_URL =
            Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    private static final String REGISTERED = "Successfully registered with master";

    private final Path root;
    private final Path sparkHome;
    private final List<Path> sparkJars;
    private final List<Process> started = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private String masterUrl;

    private StandaloneCluster(Path root, List<Path> sparkJars) {
        this.root = root.toAbsolutePath();
        this.sparkHome = this.root.resolve("spark-home");
        this.sparkJars = sparkJars;
    }

    /**
     * Starts a master and {@code workers} one-core workers under {@code root} (emptied first) and waits until every
     * worker has registered, at most {@code deadline} per process; on failure, what started is stopped.
     */
    static StandaloneCluster start(Path root, int workers, Duration deadline) throws Exception {
        TestFiles.deleteTree(root);
        StandaloneCluster c = new StandaloneCluster(root, sparkJarsFromBuild());
        try {
            c.createSparkHome();
            Process master = c.launch(
                    "master",
                    "org.apache.spark.deploy.master.Master",
                    List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
            c.masterUrl = c.awaitLog("master", master, MASTER_URL, deadline).group(1);
            for (int i = 0; i < workers; i++) {
                c.startWorker(i, deadline);
            }
            return c;
        } catch (Throwable t) {
            c.close();
            throw t;
        }
    }

    /** Spark's jars as the build lists them: the provided scope, plus slf4j-api which the module's scope shares. */
    static List<Path> sparkJarsFromBuild() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String list : List.of("target/spark-classpath.txt", "target/spark-classpath-shared.txt")) {
            Path file = Path.of(list);
            if (!Files.exists(file)) {
                throw new IllegalStateException(file.toAbsolutePath() + " is missing; the build writes it in"
                        + " generate-test-resources (run the tests through Maven)");
            }
            for (String p : Files.readString(file).trim().split(File.pathSeparator)) {
                jars.add(Path.of(p));
            }
        }
        return jars;
    }

    private void createSparkHome() throws IOException {
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (Path j : sparkJars) {
            Files.createSymbolicLink(jars.resolve(j.getFileName()), j);
        }
        // AbstractCommandBuilder.findJarsDir: a RELEASE file marks a distribution, whose jars are in SPARK_HOME/jars.
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.2.0 (Maven's jars, slimport test cluster)\n");
        Files.createDirectories(root.resolve("logs"));
    }

    private void startWorker(int i, Duration deadline) throws Exception {
        Path work = Files.createDirectories(root.resolve("worker-" + i));
        Process w = launch(
                "worker-" + i,
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--webui-port",
                        "0",
                        "--cores",
                        "1",
                        "--memory",
                        "3g",
                        "--work-dir",
                        work.toString(),
                        masterUrl));
        workers.add(w);
        workDirs.add(work);
        awaitLog("worker-" + i, w, Pattern.compile(Pattern.quote(REGISTERED)), deadline);
    }

    /** The environment of every process of this cluster (and the drivers the tests start against it). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("TF_CPP_MIN_LOG_LEVEL", "2");
        return env;
    }

    private Process launch(String name, String mainClass, List<String> args) throws IOException {
        return startJvm(
                name,
                List.of(sparkHome.resolve("jars").toString() + File.separator + "*"),
                List.of("-Xmx512m"),
                mainClass,
                args);
    }

    /**
     * Starts a JVM in this cluster's environment with Spark's --add-opens, output and error to {@code logs/NAME.log};
     * {@link #close} kills it.
     */
    Process startJvm(String name, List<String> classPath, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPENS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), mainClass));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        pb.environment().putAll(environment());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    Path log(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    private Matcher awaitLog(String name, Process p, Pattern pattern, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(read(log(name)));
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                throw new AssertionError(
                        name + " exited " + p.exitValue() + " before '" + pattern + "':\n" + read(log(name)));
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                name + " did not log '" + pattern + "' within " + deadline.toSeconds() + " s:\n" + read(log(name)));
    }

    /** Waits until the master's log contains {@code text}. */
    void awaitMasterLog(String text, Duration deadline) throws Exception {
        awaitLog("master", started.get(0), Pattern.compile(Pattern.quote(text)), deadline);
    }

    String masterUrl() {
        return masterUrl;
    }

    Path sparkHome() {
        return sparkHome;
    }

    List<Path> sparkJars() {
        return sparkJars;
    }

    Path workDir(int worker) {
        return workDirs.get(worker);
    }

    int workers() {
        return workDirs.size();
    }

    /** SIGKILLs worker {@code i} and waits for it to exit. */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        w.destroyForcibly();
        if (!w.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("worker-" + i + " did not exit after SIGKILL");
        }
    }

    /** The live processes whose working directory is under worker {@code i}'s work directory. */
    List<ProcessHandle> processesIn(int i) {
        Path work = workDir(i).toAbsolutePath();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd"))
                                .startsWith(work);
                    } catch (IOException | UnsupportedOperationException | SecurityException e) {
                        return false;
                    }
                })
                .toList();
    }

    /** The live executor JVMs of worker {@code i}: {@code CoarseGrainedExecutorBackend} running in its work dir. */
    List<ProcessHandle> executorsOf(int i) {
        return processesIn(i).stream()
                .filter(h -> h.info()
                        .arguments()
                        .map(Arrays::asList)
                        .map(a -> a.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
                        .orElse(false))
                .toList();
    }

    /** The executor directories ({@code APP/EXECUTOR_ID}) of worker {@code i}. */
    List<Path> executorDirs(int i) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> apps = Files.list(workDir(i))) {
            for (Path app : apps.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().startsWith("app-"))
                    .toList()) {
                try (Stream<Path> execs = Files.list(app)) {
                    execs.filter(Files::isDirectory).forEach(dirs::add);
                }
            }
        }
        return dirs;
    }

    /** Every executor directory of the application {@code appId} and how many model loads its stderr reports. */
    Map<Path, Integer> modelLoads(String appId) throws IOException {
        Map<Path, Integer> loads = new LinkedHashMap<>();
        for (int i = 0; i < workers(); i++) {
            for (Path dir : executorDirs(i)) {
                if (dir.getParent().getFileName().toString().equals(appId)) {
                    String err = read(dir.resolve("stderr"));
                    loads.put(dir, (int) err.lines()
                            .filter(l -> l.startsWith(ExecutorModels.LOAD_LINE))
                            .count());
                }
            }
        }
        return loads;
    }

    /** The applications (app ids) the workers have run executors for, oldest first. */
    List<String> applications() throws IOException {
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < workers(); i++) {
            try (Stream<Path> s = Files.list(workDir(i))) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("app-"))
                        .forEach(a -> {
                            if (!apps.contains(a)) {
                                apps.add(a);
                            }
                        });
            }
        }
        apps.sort(null);
        return apps;
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills what runs in the work directories (executors, cluster-mode drivers), then every process started here. */
    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < workDirs.size(); i++) {
            for (ProcessHandle h : processesIn(i)) {
                h.destroyForcibly();
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        // Keep the logs (logs/, each executor's stderr); drop the jars fetched into the work dirs and SPARK_HOME's
        // links.
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f :
                    all.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // left for the next start, which empties root
        }
    }
}
