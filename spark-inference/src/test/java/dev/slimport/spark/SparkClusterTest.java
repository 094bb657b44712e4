/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.TestFiles;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.SavedModels;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-infer} on a real standalone cluster ({@link StandaloneCluster}: a master and two one-core workers,
 * separate JVMs, 127.0.0.1 only; Spark's jars only in SPARK_HOME, so the executors have the application's classes only
 * if they are shipped). The drivers are separate JVMs too: the CLI command ({@link SparkInferCommand}, which {@code
 * resnet-bench spark-infer} registers as is) in client mode, and Spark's own {@code SparkSubmit} in client and cluster
 * deploy mode. Every run is checked row by row against single-process inference of the same model; model loads are
 * counted from the executors' own stderr files in the workers' work directories. Faults: an executor JVM SIGKILLed
 * while its tasks run, a model path only the driver sees, a worker killed before the job.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SparkClusterTest {
    private static final int IMAGES = 256;
    private static final int KILL_IMAGES = 1024;
    private static final int CLASSES = 10;
    private static final int SIZE = 32;
    private static final int TOP_K = 3;
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration RUN = Duration.ofMinutes(4);
    private static final Pattern PROGRESS = Pattern.compile("stage (\\d+): (\\d+)/(\\d+) tasks, (\\d+) images");

    /** The cluster's directory: SPARK_HOME, logs/, the workers' work dirs (executors' stderr), kept after the run. */
    private static final Path CLUSTER = Path.of("target", "cluster-test");

    @TempDir
    static Path tmp;

    private StandaloneCluster cluster;
    private SparkSession reader;
    private Path model;
    private Path images;
    private Path killImages;
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, float[]> reference = new HashMap<>();
    private int runs;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        cluster = StandaloneCluster.start(CLUSTER, 2, START);
        model = tmp.resolve("model");
        NetworkSpec tiny = NetworkSpec.custom("resnet_v2", Depth.D50.blocks(1));
        SavedModels.export(ExportSpec.of(tiny.withNumClasses(CLASSES).withImageSize(SIZE), model)
                .withSeed(11));
        images = Files.createDirectories(tmp.resolve("images"));
        killImages = Files.createDirectories(tmp.resolve("kill-images"));
        SplittableRandom random = new SplittableRandom(2017);
        for (int i = 0; i < KILL_IMAGES; i++) {
            String name = String.format("img_%04d.png", i);
            byte[] png = i < IMAGES
                    ? TestImages.randomPng(random, 24 + random.nextInt(60), 24 + random.nextInt(60))
                    : TestImages.randomPng(random, 200 + random.nextInt(100), 200 + random.nextInt(100));
            files.put(name, png);
            Files.write((i < IMAGES ? images : killImages).resolve(name), png);
        }
        reference();
        // The reader of the written tables: a local session in this JVM, loopback only.
        reader = SparkSession.builder()
                .master("local[1]")
                .appName("SparkClusterTest reader")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.log.level", "WARN")
                .getOrCreate();
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (reader != null) {
                reader.stop();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** Single-process inference: the same preprocessing, the model loaded in this JVM, batches of 50. */
    private void reference() throws Exception {
        reference.putAll(TestImages.singleProcess(model, files, SIZE).probabilities());
    }

    // ---- drivers ----

    /** A driver JVM that ran to its end: exit code, its log, and the application it ran on the cluster. */
    private record Run(int exitCode, String log, String appId) {}

    private List<String> inferArgs(String modelPath, Path input, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--saved-model",
                modelPath,
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--top-k",
                Integer.toString(TOP_K),
                "--batch-size",
                "16",
                "--partitions",
                "8",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.driver.host=127.0.0.1",
                // Wait for both executors' cores before the first task, so each of them runs tasks and loads the model.
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0"));
        args.addAll(List.of(extra));
        return args;
    }

    /** The CLI command in its own JVM (this JVM's class path: the module, its dependencies and Spark). */
    private Process startCli(String name, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--master", cluster.masterUrl()));
        all.addAll(args);
        return cluster.startJvm(
                name,
                List.of(System.getProperty("java.class.path")),
                List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-Dorg.bytedeco.javacpp.maxbytes=0"),
                SparkInferCommand.class.getName(),
                all);
    }

    /** {@code spark-infer} of {@link #images} with the model at {@code modelPath} into {@code out}, run to its end. */
    private Run runCli(String name, String modelPath, Path out, String... extra) throws Exception {
        return finish(name, startCli(name, inferArgs(modelPath, images, out, extra)));
    }

    private Run finish(String name, Process p) throws Exception {
        if (!p.waitFor(RUN.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(name + " did not finish within " + RUN.toSeconds() + " s:\n" + log(name));
        }
        return new Run(p.exitValue(), log(name), newestApp());
    }

    /** The application the workers saw last (app ids sort by start time). */
    private String newestApp() throws IOException {
        List<String> apps = cluster.applications();
        return apps.isEmpty() ? null : apps.get(apps.size() - 1);
    }

    private String log(String name) {
        return StandaloneCluster.read(cluster.log(name));
    }

    private String name(String what) {
        return what + "-" + (++runs);
    }

    // ---- checks ----

    /** Every input image exactly once, with the reference's top-k and probabilities within local mode's 1e-6. */
    private void assertMatchesReference(Path output, Path input) throws IOException {
        List<Row> rows = reader.read().parquet(output.toString()).collectAsList();
        List<String> names = rows.stream()
                .map(r -> fileName(r.getString(r.fieldIndex("id"))))
                .toList();
        Set<String> expected;
        try (var s = Files.list(input)) {
            expected = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(names).as("duplicates").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(names)).as("one row per input image").isEqualTo(expected);
        for (Row row : rows) {
            String name = fileName(row.getString(row.fieldIndex("id")));
            float[] ref = reference.get(name);
            assertThat(row.isNullAt(row.fieldIndex("error")))
                    .as("error of %s: %s", name, row)
                    .isTrue();
            List<Integer> classes = row.getList(row.fieldIndex("classes"));
            List<Float> probabilities = row.getList(row.fieldIndex("probabilities"));
            assertThat(classes)
                    .as("top-%d of %s", TOP_K, name)
                    .containsExactly(IntStream.range(0, CLASSES)
                            .boxed()
                            .sorted((a, b) -> ref[a] != ref[b] ? Float.compare(ref[b], ref[a]) : Integer.compare(a, b))
                            .limit(TOP_K)
                            .toArray(Integer[]::new));
            for (int j = 0; j < TOP_K; j++) {
                assertThat((double) probabilities.get(j))
                        .as("p[%d] of %s", j, name)
                        .isCloseTo(ref[classes.get(j)], within(1e-6));
            }
        }
    }

    private static String fileName(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    /** Every executor of {@code appId} reports exactly one model load in its own stderr; returns their count. */
    private int assertOneLoadPerExecutor(Run run) throws IOException {
        Map<Path, Integer> loads = cluster.modelLoads(run.appId());
        assertThat(loads).as("executor dirs of %s", run.appId()).isNotEmpty();
        assertThat(loads.values()).as("model loads per executor JVM %s", loads).containsOnly(1);
        return loads.size();
    }

    private static void assertSucceeded(Run run) {
        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isZero();
    }

    // ---- tests ----

    @Test
    @Order(1)
    void sparkHomeHoldsOnlySparkSoTheApplicationMustShipItsJars() throws IOException {
        try (var s = Files.list(cluster.sparkHome().resolve("jars"))) {
            List<String> jars = s.map(p -> p.getFileName().toString()).toList();
            assertThat(jars).anyMatch(j -> j.startsWith("spark-core_2.13-"));
            assertThat(jars)
                    .noneMatch(j -> j.startsWith("tensorflow")
                            || j.startsWith("javacpp")
                            || j.startsWith("saved-models")
                            || j.startsWith("spark-inference")
                            || j.startsWith("protobuf-java"));
        }
    }

    @Test
    @Order(2)
    void cliClientModeSharedPathMatchesSingleProcess() throws Exception {
        String name = name("cli-shared");
        Path out = tmp.resolve(name + ".parquet");
        Run run = runCli(name, model.toString(), out);
        assertSucceeded(run);
        assertThat(run.log())
                .contains("spark-infer: shipping ")
                .contains("tensorflow-core-native-1.1.0-linux-x86_64.jar")
                .contains("wrote " + IMAGES + " rows (0 errors)")
                .contains("8/8 tasks, " + IMAGES + " images");
        assertMatchesReference(out, images);
        assertThat(assertOneLoadPerExecutor(run))
                .as("executors, one per worker")
                .isEqualTo(2);
        assertThat(run.log()).contains("model loads 2");
    }

    @Test
    @Order(3)
    void cliClientModeAddFileShipsAModelOnlyTheDriverSees() throws Exception {
        // /proc/self/cwd is the driver's directory in the driver and the executor's own work directory in an executor:
        // a path that exists on the driver only.
        TestFiles.copyTree(model, CLUSTER.resolve("driver-only-model"));
        String name = name("cli-add-file");
        Path out = tmp.resolve(name + ".parquet");
        Run run = runCli(name, "/proc/self/cwd/driver-only-model", out, "--model-shipping", "add-file");
        assertSucceeded(run);
        assertMatchesReference(out, images);
        assertOneLoadPerExecutor(run);
    }

    @Test
    @Order(4)
    void aModelPathOnlyTheDriverSeesFailsSayingSo() throws Exception {
        TestFiles.copyTree(model, CLUSTER.resolve("driver-only-model-2"));
        String name = name("cli-missing");
        Path out = tmp.resolve(name + ".parquet");
        Run run = runCli(name, "/proc/self/cwd/driver-only-model-2", out);
        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(2);
        assertThat(run.log())
                .contains("spark-infer: saved-model: /proc/self/cwd/driver-only-model-2/1 exists on the"
                        + " driver but not on executor ")
                .contains("--model-shipping add-file");
        assertThat(run.log()
                        .lines()
                        .filter(l -> l.startsWith("spark-infer: saved-model:"))
                        .findFirst()
                        .orElseThrow())
                .as("one clear line, no job-abort noise")
                .doesNotContain("Job aborted")
                .doesNotContain("\tat ");
        assertThat(Files.exists(out.resolve("_SUCCESS"))).isFalse();
    }

    @Test
    @Order(5)
    void executorKilledWhileTasksRunLosesNoRow() throws Exception {
        String name = name("cli-kill");
        Path out = tmp.resolve(name + ".parquet");
        List<String> args = new ArrayList<>(inferArgs(model.toString(), killImages, out));
        args.set(args.indexOf("--partitions") + 1, "16");
        args.set(args.indexOf("--batch-size") + 1, "4");
        Process driver = startCli(name, args);
        // Kill worker 1's executor once it has loaded the model and the inference stage has finished a task but not
        // all.
        long end = System.nanoTime() + RUN.toNanos();
        ProcessHandle victim = null;
        String atKill = null;
        Path victimDir = null;
        while (victim == null && System.nanoTime() < end && driver.isAlive()) {
            Matcher m = PROGRESS.matcher(log(name));
            String last = null;
            while (m.find()) {
                if (Integer.parseInt(m.group(4)) > 0) {
                    last = m.group();
                    if (m.group(2).equals(m.group(3))) {
                        last = null;
                    }
                }
            }
            List<ProcessHandle> executors = cluster.executorsOf(1);
            if (last != null && executors.size() == 1 && loaded(1)) {
                victim = executors.get(0);
                atKill = last;
                victimDir = Files.readSymbolicLink(Path.of("/proc", Long.toString(victim.pid()), "cwd"));
                victim.destroyForcibly();
            } else {
                Thread.sleep(20);
            }
        }
        assertThat(victim)
                .as("an executor of worker 1 killed while the job ran; log:\n%s", log(name))
                .isNotNull();
        Run run = finish(name, driver);
        assertSucceeded(run);
        assertThat(atKill).as("progress at the kill").matches("stage \\d+: \\d+/16 tasks, \\d+ images");
        // The lost tasks run again: the killed executor's running task, and (its shuffle output lost with it) the map
        // tasks whose output it held, which Spark resubmits when a reducer's fetch fails.
        assertThat(run.log())
                .as("the killed executor's tasks were lost and run again")
                .contains("Lost executor")
                .containsPattern(
                        "Lost task \\d+\\.0 in stage \\d+\\.0 \\(TID \\d+\\) \\(127\\.0\\.0\\.1 executor \\d+\\):"
                                + " ExecutorLostFailure")
                .contains("wrote " + (KILL_IMAGES - IMAGES) + " rows (0 errors)");
        assertMatchesReference(out, killImages);
        // Rows are written once: only committed task files are in the table (no attempt's duplicate, no gap).
        try (var s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("part-"))
                            .count())
                    .isEqualTo(16);
        }
        // At most one load per executor JVM: the killed one loaded once, the survivor once, and the replacement once if
        // it
        // got an inference task (it may not: the survivor can finish the stage alone).
        Map<Path, Integer> loads = cluster.modelLoads(run.appId());
        assertThat(loads.values()).as("loads per executor JVM %s", loads).allMatch(n -> n <= 1);
        assertThat(loads.get(victimDir.toAbsolutePath()))
                .as("the killed executor %s in %s", victimDir, loads)
                .isEqualTo(1);
        assertThat(loads.entrySet())
                .as("the surviving executor %s", loads)
                .anyMatch(e -> !e.getKey().startsWith(cluster.workDir(1).toAbsolutePath()) && e.getValue() == 1);
    }

    /** Whether an executor of the newest application on {@code worker} has loaded the model. */
    @Test
    @Order(6)
    void sparkSubmitClientModeWithModuleJarAndJars() throws Exception {
        String name = name("submit-client");
        Path out = tmp.resolve(name + ".parquet");
        Run run = finish(name, startSubmit(name, "client", inferArgs(model.toString(), images, out)));
        assertSucceeded(run);
        assertThat(run.log()).doesNotContain("spark-infer: shipping").contains("wrote " + IMAGES + " rows (0 errors)");
        assertMatchesReference(out, images);
        assertThat(assertOneLoadPerExecutor(run)).isEqualTo(2);
    }

    @Test
    @Order(7)
    void sparkSubmitClusterModeRunsTheDriverOnAWorker() throws Exception {
        String name = name("submit-cluster");
        Path out = tmp.resolve(name + ".parquet");
        List<String> args = inferArgs(model.toString(), images, out);
        // The driver takes one worker's only core; the executor gets the other's.
        args.set(args.indexOf("spark.cores.max=2"), "spark.cores.max=1");
        Run run = finish(name, startSubmit(name, "cluster", args));
        assertSucceeded(run);
        List<Path> drivers = new ArrayList<>();
        for (int i = 0; i < cluster.workers(); i++) {
            try (var s = Files.list(cluster.workDir(i))) {
                s.filter(p -> p.getFileName().toString().startsWith("driver-")).forEach(drivers::add);
            }
        }
        assertThat(drivers).as("the driver ran on a worker").hasSize(1);
        String driverLog = StandaloneCluster.read(drivers.get(0).resolve("stderr"))
                + StandaloneCluster.read(drivers.get(0).resolve("stdout"));
        assertThat(driverLog).contains("wrote " + IMAGES + " rows (0 errors)");
        assertMatchesReference(out, images);
        assertThat(assertOneLoadPerExecutor(run)).isEqualTo(1);
    }

    @Test
    @Order(8)
    void workerKilledBeforeTheJobLeavesTheJobToTheOther() throws Exception {
        cluster.killWorker(1);
        cluster.awaitMasterLog("Removing worker", Duration.ofSeconds(60));
        String name = name("cli-one-worker");
        Path out = tmp.resolve(name + ".parquet");
        List<String> args = inferArgs(model.toString(), images, out);
        args.set(args.indexOf("spark.cores.max=2"), "spark.cores.max=1");
        Run run = finish(name, startCli(name, args));
        assertSucceeded(run);
        assertMatchesReference(out, images);
        Map<Path, Integer> loads = cluster.modelLoads(run.appId());
        assertThat(loads.keySet())
                .as("executors of %s", run.appId())
                .isNotEmpty()
                .allMatch(dir -> dir.startsWith(cluster.workDir(0)));
        assertThat(loads.values()).containsOnly(1);
    }

    /** Spark's own SparkSubmit with Spark's jars: the module's classes as the application jar, its dependencies on --jars. */
    private Process startSubmit(String name, String deployMode, List<String> appArgs) throws IOException {
        Path jarDir = Files.createDirectories(tmp.resolve("submit-jars"));
        Path appJar =
                ExecutorJars.pack(Path.of("target", "classes").toAbsolutePath(), jarDir.resolve("spark-inference.jar"));
        Set<String> names = ExecutorJars.dependencyNames();
        List<String> jars = new ArrayList<>();
        for (Path e : ExecutorJars.classPath()) {
            if (Files.isDirectory(e) && !e.startsWith(Path.of("target").toAbsolutePath())) {
                jars.add(ExecutorJars.pack(e, jarDir.resolve("dep-" + jars.size() + ".jar"))
                        .toString());
            } else if (names.contains(e.getFileName().toString())) {
                jars.add(e.toString());
            }
        }
        List<String> args = new ArrayList<>(List.of(
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                deployMode,
                "--conf",
                "spark.standalone.submit.waitAppCompletion=true",
                "--driver-memory",
                "1g",
                "--jars",
                String.join(",", jars),
                "--class",
                SparkInferCommand.class.getName(),
                appJar.toString()));
        args.addAll(appArgs);
        return cluster.startJvm(
                name,
                List.of(cluster.sparkHome().resolve("jars") + File.separator + "*"),
                List.of("-Xmx1g"),
                "org.apache.spark.deploy.SparkSubmit",
                args);
    }

    private boolean loaded(int worker) throws IOException {
        String app = newestApp();
        for (Path dir : cluster.executorDirs(worker)) {
            if (dir.getParent().getFileName().toString().equals(app)
                    && StandaloneCluster.read(dir.resolve("stderr")).contains(ExecutorModels.LOAD_LINE)) {
                return true;
            }
        }
        return false;
    }
}
