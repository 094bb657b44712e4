/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.SavedModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkFiles;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark local[2] against single-process inference: 256 generated PNGs (as files and as a Parquet table) through a
 * tiny exported ResNet v2; one corrupt file; the model loaded once per executor JVM; fail-fast model checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkInferenceTest {
    private static final int IMAGES = 256;
    private static final int CLASSES = 10;
    private static final int SIZE = 32;
    private static final int FEATURES = 32;
    private static final int TOP_K = 3;

    @TempDir
    static Path tmp;

    private Path model;
    private Path modelVersion;
    private Path images;
    private Path withCorrupt;
    private Path parquet;
    private SparkSession spark;
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, float[]> refProbabilities = new HashMap<>();
    private final Map<String, float[]> refFeatures = new HashMap<>();
    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    @BeforeAll
    void setUp() throws Exception {
        model = tmp.resolve("model");
        NetworkSpec tiny = NetworkSpec.custom("resnet_v2", SmallNets.tiny());
        SavedModels.export(ExportSpec.of(tiny.withNumClasses(CLASSES).withImageSize(SIZE), model)
                .withSeed(11));
        modelVersion = model.resolve("1");

        images = Files.createDirectories(tmp.resolve("images"));
        withCorrupt = Files.createDirectories(tmp.resolve("with-corrupt"));
        SplittableRandom random = new SplittableRandom(2017);
        for (int i = 0; i < IMAGES; i++) {
            String name = String.format("img_%03d.png", i);
            byte[] png = TestImages.randomPng(random, 24 + random.nextInt(60), 24 + random.nextInt(60));
            files.put(name, png);
            Files.createDirectories(images.resolve("part" + i % 3));
            Files.write(images.resolve("part" + i % 3).resolve(name), png);
            if (i > 0) {
                Files.write(withCorrupt.resolve(name), png);
            }
        }
        byte[] first = files.get("img_000.png");
        Files.write(withCorrupt.resolve("img_000.png"), Arrays.copyOf(first, first.length / 3));

        reference();

        // Adaptive execution and whole-stage code generation off: fewer jobs and no Janino compiles for 256 rows keep
        // the
        // class fast on 2 shared cores (the runs in docs/spark.md use Spark's defaults).
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("SparkInferenceTest")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.sql.codegen.wholeStage", "false")
                .config("spark.log.level", "WARN")
                .getOrCreate();

        parquet = tmp.resolve("table.parquet");
        List<Row> rows = new ArrayList<>();
        files.forEach((name, bytes) -> rows.add(RowFactory.create(name, bytes, "extra")));
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("name", DataTypes.StringType, false),
                DataTypes.createStructField("png", DataTypes.BinaryType, false),
                DataTypes.createStructField("note", DataTypes.StringType, false)));
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(parquet.toString());
    }

    @AfterAll
    void tearDown() {
        if (spark != null) {
            spark.stop();
        }
        ExecutorModels.closeAll(Duration.ofSeconds(30));
    }

    /** Single-process inference: the same preprocessing, the model loaded directly, batches of 50. */
    private void reference() throws Exception {
        TestImages.Reference r = TestImages.singleProcess(model, files, SIZE);
        refProbabilities.putAll(r.probabilities());
        refFeatures.putAll(r.features());
    }

    /** The options of {@code --saved-model model --input input --output tmp/output --top-k 5 --batch-size 16 more}. */
    private SparkInferenceOptions options(Path input, String output, String... more) {
        return options(model, input, output, more);
    }

    /** {@link #options} on the Parquet table: ids in {@code name}, images in {@code imageColumn}. */
    private SparkInferenceOptions tableOptions(String output, String imageColumn, String... more) {
        List<String> args = new ArrayList<>(
                List.of("--input-format", "parquet", "--id-column", "name", "--image-column", imageColumn));
        args.addAll(List.of(more));
        return options(parquet, output, args.toArray(String[]::new));
    }

    private SparkInferenceOptions options(Path savedModel, Path input, String output, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--saved-model",
                savedModel.toString(),
                "--input",
                input.toString(),
                "--output",
                tmp.resolve(output).toString(),
                "--top-k",
                String.valueOf(TOP_K),
                "--batch-size",
                "16"));
        args.addAll(List.of(more));
        return SparkInferenceOptions.parse(args.toArray(String[]::new));
    }

    private static String fileName(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private List<Row> output(SparkInferenceResult r) {
        return spark.read().parquet(r.output()).collectAsList();
    }

    /** The classes sorted by the reference probabilities, descending, lower index first on ties. */
    private static int[] referenceTop(float[] p, int k) {
        return java.util.stream.IntStream.range(0, p.length)
                .boxed()
                .sorted((a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private void assertMatchesReference(Row row, boolean features) {
        String name = fileName(row.getString(row.fieldIndex("id")));
        float[] ref = refProbabilities.get(name);
        assertThat(ref).as("reference for %s", name).isNotNull();
        assertThat(row.isNullAt(row.fieldIndex("error")))
                .as("error of %s", name)
                .isTrue();
        List<Integer> classes = row.getList(row.fieldIndex("classes"));
        List<Float> probabilities = row.getList(row.fieldIndex("probabilities"));
        int[] expected = referenceTop(ref, TOP_K);
        assertThat(classes.get(0)).as("top-1 of %s", name).isEqualTo(expected[0]);
        assertThat(classes)
                .as("top-%d of %s", TOP_K, name)
                .containsExactly(Arrays.stream(expected).boxed().toArray(Integer[]::new));
        for (int j = 0; j < TOP_K; j++) {
            assertThat((double) probabilities.get(j))
                    .as("p[%d] of %s", j, name)
                    .isCloseTo(ref[classes.get(j)], within(1e-6));
        }
        if (features) {
            List<Float> f = row.getList(row.fieldIndex("features"));
            float[] refF = refFeatures.get(name);
            assertThat(f).hasSize(FEATURES);
            for (int j = 0; j < FEATURES; j++) {
                assertThat((double) f.get(j)).as("feature %d of %s", j, name).isCloseTo(refF[j], within(1e-5));
            }
        }
    }

    @Test
    void imagesDirectoryMatchesSingleProcessInference() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        SparkInferenceResult r = SparkInference.run(
                spark,
                options(images, "from-images.parquet", "--features", "--partitions", "8"),
                new PrintStream(progress));
        assertThat(progress.toString()).contains("/8 tasks").contains("8/8 tasks, 256 images (0 errors)");
        assertThat(r.rows()).isEqualTo(IMAGES);
        assertThat(r.errors()).isZero();
        assertThat(r.partitions()).isEqualTo(8);
        List<Row> rows = output(r);
        assertThat(rows).hasSize(IMAGES);
        assertThat(rows.stream().map(row -> fileName(row.getString(0))).distinct())
                .hasSize(IMAGES);
        rows.forEach(row -> assertMatchesReference(row, true));
        assertThat(spark.read().parquet(r.output()).columns())
                .containsExactly("id", "classes", "probabilities", "features", "error");
    }

    @Test
    void parquetTableMatchesSingleProcessInference() {
        SparkInferenceResult r =
                SparkInference.run(spark, tableOptions("from-table.parquet", "png", "--partitions", "6"), quiet);
        assertThat(r.rows()).isEqualTo(IMAGES);
        assertThat(r.errors()).isZero();
        List<Row> rows = output(r);
        assertThat(rows).hasSize(IMAGES);
        assertThat(rows.stream().map(row -> row.getString(0)).sorted().toList())
                .isEqualTo(files.keySet().stream().sorted().toList());
        rows.forEach(row -> assertMatchesReference(row, false));
        assertThat(spark.read().parquet(r.output()).columns())
                .containsExactly("id", "classes", "probabilities", "error");
    }

    @Test
    void oneCorruptFileGivesOneErrorRowAndTheRestResults() {
        SparkInferenceResult r = SparkInference.run(spark, options(withCorrupt, "with-corrupt.parquet"), quiet);
        assertThat(r.rows()).isEqualTo(IMAGES);
        assertThat(r.errors()).isEqualTo(1);
        List<Row> rows = output(r);
        List<Row> failed = rows.stream()
                .filter(row -> !row.isNullAt(row.fieldIndex("error")))
                .toList();
        assertThat(failed).hasSize(1);
        Row bad = failed.get(0);
        assertThat(fileName(bad.getString(0))).isEqualTo("img_000.png");
        assertThat(bad.getString(bad.fieldIndex("error"))).startsWith("cannot decode image");
        assertThat(bad.isNullAt(bad.fieldIndex("classes"))).isTrue();
        assertThat(bad.isNullAt(bad.fieldIndex("probabilities"))).isTrue();
        List<Row> good = rows.stream()
                .filter(row -> row.isNullAt(row.fieldIndex("error")))
                .toList();
        assertThat(good).hasSize(IMAGES - 1);
        good.forEach(row -> assertMatchesReference(row, false));
    }

    @Test
    void theModelIsLoadedOncePerExecutorJvm() {
        long before = ExecutorModels.loads(modelVersion);
        SparkInferenceResult r = SparkInference.run(
                spark, tableOptions("loads.parquet", "png", "--batch-size", "8", "--partitions", "8"), quiet);
        assertThat(r.partitions()).isEqualTo(8);
        assertThat(r.rows()).isEqualTo(IMAGES);
        // 8 tasks, 2 at a time, plus the jobs of the other tests on the same model: local mode has one executor JVM
        // (this one), so one load in all; this job loaded it only if no earlier test had
        assertThat(ExecutorModels.loads(modelVersion)).isEqualTo(1);
        assertThat(r.modelLoads()).isEqualTo(before == 0 ? 1 : 0);
        assertThat(ExecutorModels.isLoaded(modelVersion)).isTrue();
    }

    @Test
    void addFileShipsTheModelAndExecutorsRebuildIt() {
        SparkInferenceResult r = SparkInference.run(
                spark, tableOptions("shipped.parquet", "png", "--model-shipping", "add-file"), quiet);
        assertThat(r.rows()).isEqualTo(IMAGES);
        output(r).forEach(row -> assertMatchesReference(row, false));
        Path assembled = Path.of(SparkFiles.getRootDirectory()).resolve(ModelShipping.ASSEMBLED_DIR);
        assertThat(assembled.resolve("saved_model.pb")).isRegularFile();
        assertThat(assembled.resolve("variables/variables.index")).isRegularFile();
        assertThat(ExecutorModels.loads(assembled)).isEqualTo(1);
    }

    @Test
    void aMissingOrCorruptModelFailsOnTheDriverBeforeAnyTask() throws Exception {
        Path corrupt = tmp.resolve("corrupt-model");
        Files.createDirectories(corrupt.resolve("variables"));
        try (Stream<Path> s = Files.list(modelVersion.resolve("variables"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, corrupt.resolve("variables").resolve(p.getFileName()));
            }
        }
        byte[] pb = Files.readAllBytes(modelVersion.resolve("saved_model.pb"));
        Files.write(corrupt.resolve("saved_model.pb"), Arrays.copyOf(pb, pb.length / 2));
        Path noVariables = tmp.resolve("no-variables-model");
        Files.createDirectories(noVariables);
        Files.copy(modelVersion.resolve("saved_model.pb"), noVariables.resolve("saved_model.pb"));

        // Jobs are told apart by group (a count may run as several jobs under adaptive execution): a job without a
        // group
        // after the end of group "start" was started by the three failing runs (the bus delivers in order).
        Map<Integer, String> groups = new java.util.concurrent.ConcurrentHashMap<>();
        List<Integer> between = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger phase = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                String group = e.properties() == null ? null : e.properties().getProperty("spark.jobGroup.id");
                groups.put(e.jobId(), group == null ? "" : group);
                if (phase.get() == 1 && group == null) {
                    between.add(e.jobId());
                }
            }

            @Override
            public void onJobEnd(SparkListenerJobEnd e) {
                String group = groups.getOrDefault(e.jobId(), "");
                if (group.equals("start")) {
                    phase.set(1);
                    started.countDown();
                } else if (group.equals("end")) {
                    ended.countDown();
                }
            }
        };
        var sc = spark.sparkContext();
        sc.addSparkListener(listener);
        try {
            sc.setJobGroup("start", "marker", false);
            spark.range(1).count();
            sc.clearJobGroup();
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(
                            () -> SparkInference.run(spark, options(tmp.resolve("no-such-model"), images, "x1"), quiet))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("saved-model:")
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> SparkInference.run(spark, options(corrupt, images, "x2"), quiet))
                    .isInstanceOf(SavedModelException.class)
                    .hasMessageContaining("model check on the driver failed")
                    .hasMessageContaining("corrupt or truncated");
            assertThatThrownBy(() -> SparkInference.run(spark, options(noVariables, images, "x3"), quiet))
                    .isInstanceOf(SavedModelException.class)
                    .hasMessageContaining("variables/variables.index is missing");
            sc.setJobGroup("end", "marker", false);
            spark.range(1).count();
            sc.clearJobGroup();
            assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(between).as("jobs started by the failing runs").isEmpty();
        } finally {
            sc.clearJobGroup();
            sc.removeSparkListener(listener);
        }
        assertThat(tmp.resolve("x1")).doesNotExist();
        assertThat(tmp.resolve("x2")).doesNotExist();
    }

    @Test
    void usageErrorsNameTheOption() throws Exception {
        Path existing = Files.createDirectories(tmp.resolve("existing-output"));
        assertThatThrownBy(() -> SparkInference.run(spark, options(images, "existing-output"), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("output:")
                .hasMessageContaining("exists");
        assertThat(existing).isEmptyDirectory();
        assertThatThrownBy(() -> SparkInference.run(spark, options(tmp.resolve("nowhere"), "o1"), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("input:");
        assertThatThrownBy(() -> SparkInference.run(spark, tableOptions("o2", "note"), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("image-column:")
                .hasMessageContaining("must be binary");
        assertThatThrownBy(() -> SparkInference.run(spark, options(parquet, "o3", "--input-format", "parquet"), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("id-column:")
                .hasMessageContaining("name string, png binary, note string");
        assertThatThrownBy(() ->
                        SparkInference.run(spark, options(images, "o4", "--top-k", String.valueOf(CLASSES + 1)), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("top-k:")
                .hasMessageContaining("10 classes");
        assertThatThrownBy(() -> SparkInference.run(spark, options(images, "o5", "--image-size", "64"), quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("image-size:");
        assertThatThrownBy(() -> options(images, "o6", "--batch-size", "0")).hasMessageStartingWith("batch-size:");
        assertThatThrownBy(() -> options(images, "o7", "--top-k", "0")).hasMessageStartingWith("top-k:");
    }
}
