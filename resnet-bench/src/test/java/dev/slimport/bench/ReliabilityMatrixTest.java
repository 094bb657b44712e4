/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.SmallNets;
import dev.slimport.resnet.testing.TestFiles;
import dev.slimport.savedmodel.ExportSpec;
import dev.slimport.savedmodel.FloatValues;
import dev.slimport.savedmodel.InferenceModel;
import dev.slimport.savedmodel.LoadedSavedModel;
import dev.slimport.savedmodel.SavedModelException;
import dev.slimport.savedmodel.SavedModels;
import dev.slimport.savedmodel.ServingSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Save;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The bad-input matrix: one row per situation a user can get wrong, through the library API or the {@code
 * resnet-bench} command line, and what must happen. API rows: the named exception type with a message naming what to
 * fix. CLI rows: the documented exit code (2 usage, 1 runtime; docs/cli.md), a message naming the option or file,
 * one line on stderr and no stack trace (without {@code --verbose}), nothing on stdout. Every row: no file created,
 * changed or left behind anywhere under the test's directory (recursive listing with sizes and modification times
 * before and after), and no JVM crash. Rows marked {@code child} load a corrupted file with TensorFlow's native code,
 * so they run the real {@code resnet-bench} main in a child JVM whose exit code, stderr and missing {@code hs_err}
 * file are checked.
 *
 * <p>Where a row has a detailed test elsewhere (exact messages, more variants), {@code see} names it; this class is
 * the one table of guarantees, docs/reliability.md lists it in prose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReliabilityMatrixTest {

    /** slim's tiny test net (base depths 1, 2, 4, 8): a SavedModel of it loads in a fraction of a second. */
    static final NetworkSpec TINY = TinyRuns.NETWORK;

    enum Kind {
        API,
        CLI,
        CHILD
    }

    @FunctionalInterface
    interface Call {
        void run(Fixtures f) throws Exception;
    }

    @FunctionalInterface
    interface Args {
        List<String> of(Fixtures f);
    }

    /**
     * One guarantee.
     *
     * @param id short name
     * @param situation what the user did
     * @param kind API call, CLI in this JVM, or CLI in a child JVM
     * @param exitCode CLI rows: the exit code
     * @param exception API rows: the exception type
     * @param message a part of the message that names what to fix
     * @param multiLine CLI rows whose message is a listing (a checkpoint mismatch)
     * @param see the test with the details, if any
     */
    record Row(
            String id,
            String situation,
            Kind kind,
            int exitCode,
            Class<? extends Throwable> exception,
            String message,
            boolean multiLine,
            String see,
            Call call,
            Args args) {

        Row see(String test) {
            return new Row(id, situation, kind, exitCode, exception, message, multiLine, test, call, args);
        }

        Row listing() {
            return new Row(id, situation, kind, exitCode, exception, message, true, see, call, args);
        }

        @Override
        public String toString() {
            return "[" + kind.name().toLowerCase() + "] " + id + ": " + situation;
        }
    }

    static Row api(String id, String situation, Class<? extends Throwable> exception, String message, Call call) {
        return new Row(id, situation, Kind.API, -1, exception, message, false, null, call, null);
    }

    static Row cli(String id, String situation, int exitCode, String message, Args args) {
        return new Row(id, situation, Kind.CLI, exitCode, null, message, false, null, null, args);
    }

    static Row child(String id, String situation, int exitCode, String message, Args args) {
        return new Row(id, situation, Kind.CHILD, exitCode, null, message, false, null, null, args);
    }

    private static List<String> forward(String... more) {
        return TinyRuns.forwardOneStep(more);
    }

    private static List<String> export(String... more) {
        return TinyRuns.export(more);
    }

    /** Every variable but the logits, for checkpoints that only hold the logits. */
    private static final String ALL_BUT_LOGITS = "resnet_v2_50/conv1,resnet_v2_50/block,resnet_v2_50/postnorm";

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

    static Stream<Row> rows() {
        return Stream.of(
                // images fed to the library
                api(
                                "image-rank",
                                "images of rank 3 (HWC instead of NHWC)",
                                IAE,
                                "images: must have rank 4",
                                f -> build(tf -> placeholder(tf, TFloat32.class, 64, 64, 3), b -> b))
                        .see("resnet-graph net.BadInputTest#wrongRankOrChannelCount"),
                api(
                                "image-channels",
                                "RGBA images (4 channels)",
                                IAE,
                                "images: must have 3 channels",
                                f -> build(tf -> placeholder(tf, TFloat32.class, 1, 64, 64, 4), b -> b))
                        .see("resnet-graph net.BadInputTest#wrongRankOrChannelCount"),
                api(
                        "image-dtype",
                        "int32 images",
                        IAE,
                        "images: must be float32",
                        f -> build(tf -> placeholder(tf, TInt32.class, 1, 64, 64, 3), b -> b)),
                api(
                        "batch-zero",
                        "a batch of 0 in the images placeholder",
                        IAE,
                        "images: batch, height and width must be > 0 or -1 (unknown)",
                        f -> build(tf -> ResNetV2.imagesPlaceholder(tf, 0, 32, 32), b -> b)),
                api(
                        "batch-negative",
                        "a batch of -4",
                        IAE,
                        "must be > 0 or -1 (unknown), got -4",
                        f -> build(tf -> ResNetV2.imagesPlaceholder(tf, -4, 32, 32), b -> b)),
                api(
                                "output-stride",
                                "output_stride 6",
                                IAE,
                                "The output_stride needs to be a multiple of 4.",
                                f -> build(
                                        tf -> ResNetV2.imagesPlaceholder(tf, 1, 64, 64),
                                        b -> b.spec(n -> n.withOutputStride(6))))
                        .see("resnet-graph net.BadInputTest#badOutputStride"),
                api(
                                "depth",
                                "an unknown depth",
                                IAE,
                                "--model: unknown model 'resnet_v2_34'; allowed: resnet_v2_50, resnet_v2_101, resnet_v2_152",
                                f -> Depth.parse("--model", "resnet_v2_34"))
                        .see("resnet-graph net.BadInputTest#unknownDepthNamesTheAllowedOnes"),
                api(
                        "data-format",
                        "an unknown data format",
                        IAE,
                        "unknown data format 'NWHC'; allowed: NHWC, NCHW",
                        f -> DataFormat.parse("--data-format", "NWHC")),
                api(
                        "precision",
                        "an unknown precision",
                        IAE,
                        "unknown precision 'fp8'; allowed: fp32, bf16, fp16",
                        f -> Precision.parse("--precision", "fp8")),
                api(
                        "device",
                        "an unknown device",
                        IAE,
                        "unknown device 'tpu'; allowed: cpu, gpu, gpu:N",
                        f -> DeviceRequest.parse("--device", "tpu")),

                // images fed to a SavedModel
                api(
                        "predict-rank",
                        "a rank-3 image into a SavedModel",
                        IAE,
                        "inputs: 'images' must have rank 4 (declared float32 [-1,32,32,3]), got shape [32,32,3]",
                        f -> f.predictor.predict(FloatValues.uniform(Shape.of(32, 32, 3), 0, -1, 1))),
                api(
                        "predict-channels",
                        "4 channels into a SavedModel",
                        IAE,
                        "inputs: 'images' is declared float32 [-1,32,32,3], so dimension 3 must be 3, got shape [1,32,32,4]",
                        f -> f.predictor.predict(FloatValues.uniform(Shape.of(1, 32, 32, 4), 0, -1, 1))),
                api(
                        "predict-small",
                        "16x16 images into a SavedModel exported at 32x32",
                        IAE,
                        "so dimension 1 must be 32, got shape [1,16,16,3]",
                        f -> f.predictor.predict(FloatValues.uniform(Shape.of(1, 16, 16, 3), 0, -1, 1))),
                api(
                        "predict-empty",
                        "an empty batch into a SavedModel",
                        IAE,
                        "has shape [0,32,32,3]; every dimension must be >= 1",
                        f -> f.predictor.predict(new FloatValues(Shape.of(0, 32, 32, 3), new float[0]))),
                api(
                        "predict-huge",
                        "a batch of a million 32x32 images (3e9 values)",
                        IAE,
                        "shape: must be fully known and hold at most 2^31-1 values",
                        f -> FloatValues.uniform(Shape.of(1_000_000, 32, 32, 3), 0, -1, 1)),

                // the forward benchmark's options
                cli(
                                "cli-depth",
                                "forward --model resnet_v2_18",
                                2,
                                "--model: unknown model 'resnet_v2_18'; allowed:",
                                f -> forward("--model", "resnet_v2_18"))
                        .see("resnet-bench BadInputTest#usage_errors_exit_2_with_one_line"),
                cli(
                        "cli-batch-zero",
                        "forward --batch-size 0",
                        2,
                        "--batch-size: must be >= 1, got 0",
                        f -> forward("--batch-size", "0")),
                cli(
                        "cli-batch-negative",
                        "forward --batch-size -4",
                        2,
                        "--batch-size: must be >= 1, got -4",
                        f -> forward("--batch-size", "-4")),
                cli(
                                "cli-batch-huge",
                                "forward --batch-size 1000000",
                                1,
                                "--batch-size 1000000: one step needs at least",
                                f -> forward("--batch-size", "1000000"))
                        .see(
                                "resnet-bench BadInputTest#a_batch_that_exhausts_memory_is_a_runtime_error_without_stack_trace"),
                cli(
                        "cli-image-small",
                        "forward --image-size 16 (below the output stride 32)",
                        2,
                        "--image-size: must be >= 32 for resnet_v2_50",
                        f -> forward("--image-size", "16")),
                cli(
                        "cli-output-stride",
                        "forward --output-stride 6",
                        2,
                        "--output-stride: 6: The output_stride needs to be a multiple of 4. Allowed: 4, 8, 16, 32",
                        f -> forward("--output-stride", "6")),
                cli(
                        "cli-precision",
                        "forward --precision fp8",
                        2,
                        "--precision: unknown precision 'fp8'",
                        f -> forward("--precision", "fp8")),
                cli(
                        "cli-device",
                        "forward --device tpu",
                        2,
                        "--device: unknown device 'tpu'; allowed: cpu, gpu, gpu:N",
                        f -> forward("--device", "tpu")),
                cli(
                        "cli-data-format",
                        "forward --data-format NWHC",
                        2,
                        "--data-format: unknown data format 'NWHC'",
                        f -> forward("--data-format", "NWHC")),
                cli(
                        "cli-nchw-cpu",
                        "forward --data-format NCHW on a CPU",
                        2,
                        "--data-format NCHW: not on a CPU",
                        f -> forward("--device", "cpu", "--data-format", "NCHW")),
                cli(
                        "cli-output",
                        "forward --output in a directory that does not exist",
                        2,
                        "--output: the directory of",
                        f -> forward(
                                "--output",
                                f.root.resolve("no-such-dir/run.json").toString())),
                cli("cli-option", "an unknown option", 2, "Unknown option: '--bogus'", f -> forward("--bogus")),
                cli(
                        "cli-command",
                        "an unknown command",
                        2,
                        "resnet-bench: unknown command 'forwrd'; allowed: forward,",
                        f -> List.of("forwrd")),

                // SavedModels: verify (forward --saved-model reads them the same way)
                cli(
                                "sm-missing",
                                "verify a directory that does not exist",
                                2,
                                "DIR: ",
                                f -> List.of("verify", f.path("missing").toString()))
                        .see("resnet-bench SavedModelCommandsTest"
                                + "#missing_or_corrupt_saved_models_give_a_clear_message_and_exit_code"),
                api(
                        "sm-missing-api",
                        "load a directory that does not exist",
                        IAE,
                        "saved-model: ",
                        f -> LoadedSavedModel.load(f.path("missing"))),
                cli(
                        "sm-empty-dir",
                        "verify an empty directory",
                        2,
                        "holds no saved_model.pb, nor a numeric version",
                        f -> List.of("verify", f.path("empty").toString())),
                cli(
                                "sm-pb-empty",
                                "verify an empty (0-byte) saved_model.pb",
                                1,
                                "holds no MetaGraph",
                                f -> verify(f, "pb-empty"))
                        .see("saved-models BadInputTest#an_empty_saved_model_pb"),
                cli(
                        "sm-pb-truncated",
                        "verify a saved_model.pb cut in half",
                        1,
                        "saved_model.pb is not a SavedModel protocol buffer (corrupt or truncated?)",
                        f -> verify(f, "pb-truncated")),
                cli(
                        "sm-pb-flipped",
                        "verify a saved_model.pb with every 97th byte flipped",
                        1,
                        "saved_model.pb is not a SavedModel protocol buffer (corrupt or truncated?)",
                        f -> verify(f, "pb-flipped")),
                child(
                        "sm-pb-op",
                        "verify a saved_model.pb whose Conv2D ops were renamed (parses, TensorFlow rejects it)",
                        1,
                        "cannot load SavedModel",
                        f -> verify(f, "pb-op-renamed")),
                child(
                        "sm-pb-input",
                        "verify a saved_model.pb in which one node input names no node",
                        1,
                        "cannot load SavedModel",
                        f -> verify(f, "pb-input-renamed")),
                child(
                        "sm-data-flipped",
                        "verify with bytes flipped in the variables data shard",
                        1,
                        "Checksum does not match",
                        f -> verify(f, "data-flipped")),
                child(
                        "sm-index-flipped",
                        "verify with bytes flipped in variables.index",
                        1,
                        "cannot load SavedModel",
                        f -> verify(f, "index-flipped")),
                child(
                                "sm-data-truncated",
                                "verify with the variables data shard cut to 100 bytes",
                                1,
                                "cannot load SavedModel",
                                f -> verify(f, "data-truncated"))
                        .see("saved-models BadInputTest#truncated_variables_fail_the_load_with_tensorflows_reason"),
                cli(
                        "sm-no-variables",
                        "verify a copy without its variables/ directory",
                        1,
                        "has variables, but variables/variables.index is missing (an incomplete copy?)",
                        f -> verify(f, "no-variables")),
                cli(
                        "sm-tag",
                        "verify a SavedModel tagged only 'train'",
                        1,
                        "has no MetaGraph tagged [serve]; its tag sets are: [train]",
                        f -> verify(f, "train-only")),
                api(
                        "sm-tag-api",
                        "load a serve-only SavedModel with tag 'train'",
                        SavedModelException.class,
                        "has no MetaGraph tagged [train]; its tag sets are: [serve]",
                        f -> LoadedSavedModel.load(f.path("good"), null, "train")),
                cli(
                        "sm-signature",
                        "verify --signature nope",
                        2,
                        "--signature: 'nope' is not in SavedModel",
                        f -> List.of("verify", f.path("good").toString(), "--signature", "nope")),
                cli(
                                "sm-forward-size",
                                "forward --saved-model with --image-size 64 on a 32x32 export",
                                2,
                                "dimension 1 is fixed at 32, got 64",
                                f -> List.of(
                                        "forward",
                                        "--saved-model",
                                        f.path("good").toString(),
                                        "--image-size",
                                        "64"))
                        .see(
                                "resnet-bench SavedModelCommandsTest#forward_saved_model_refuses_options_the_saved_model_fixes"),

                // export
                cli(
                                "export-exists",
                                "export to an existing DIR/<version> without --force",
                                2,
                                "already exists; choose another --version or use --force",
                                f -> export("--out", f.path("models").toString()))
                        .see("saved-models ExportSafetyTest"
                                + "#an_existing_target_is_refused_untouched_without_force_and_replaced_with_it"),
                api(
                        "export-exists-api",
                        "export to an existing target without force",
                        IAE,
                        "already exists",
                        f -> SavedModels.export(
                                ExportSpec.of(TINY.withNumClasses(10).withImageSize(32), f.path("models"))
                                        .withSeed(1))),
                cli(
                                "export-through-file",
                                "export --out below a regular file",
                                2,
                                "is not a directory",
                                f -> export(
                                        "--out",
                                        f.path("afile").resolve("models").toString()))
                        .see(
                                "saved-models ExportSafetyTest#an_unwritable_parent_is_refused_before_anything_is_written"),
                cli(
                        "export-ckpt-missing",
                        "export --checkpoint with a prefix that does not exist",
                        2,
                        "--checkpoint: no checkpoint at prefix",
                        f -> export(
                                "--out",
                                f.root.resolve("out").toString(),
                                "--checkpoint",
                                f.path("nowhere").resolve("model.ckpt").toString())),
                cli(
                                "export-ckpt-partial",
                                "export --checkpoint that lacks 270 of the 272 variables",
                                1,
                                "does not match the model: 270 variable(s) missing, 0 with another shape or dtype; nothing was restored",
                                f -> export(
                                        "--out",
                                        f.root.resolve("out").toString(),
                                        "--checkpoint",
                                        f.checkpoint("ckpt-10")))
                        .listing()
                        .see("saved-models CheckpointRestoreTest#missing_variables_are_listed_with_the_model_shapes"),
                cli(
                                "export-ckpt-shape",
                                "export --checkpoint whose logits have 1001 classes, --num-classes 10",
                                1,
                                "0 variable(s) missing, 2 with another shape or dtype",
                                f -> export(
                                        "--out",
                                        f.root.resolve("out").toString(),
                                        "--checkpoint",
                                        f.checkpoint("ckpt-1001"),
                                        "--exclude",
                                        ALL_BUT_LOGITS))
                        .listing()
                        .see(
                                "saved-models CheckpointRestoreTest#another_shape_is_listed_with_both_shapes_and_nothing_is_restored"),
                child(
                        "export-ckpt-corrupt",
                        "export --checkpoint whose data file has flipped bytes",
                        1,
                        "cannot read resnet_v2_50/logits/",
                        f -> export(
                                "--out",
                                f.root.resolve("out").toString(),
                                "--checkpoint",
                                f.checkpoint("ckpt-corrupt"),
                                "--exclude",
                                ALL_BUT_LOGITS)),

                // closed models
                api(
                                "closed-predictor",
                                "predict after the predictor was closed",
                                LoadedSavedModel.ClosedException.class,
                                "is closed; load it again",
                                f -> {
                                    LoadedSavedModel p = LoadedSavedModel.load(f.path("good"));
                                    p.close();
                                    p.predict(FloatValues.uniform(Shape.of(1, 32, 32, 3), 0, -1, 1));
                                })
                        .see(
                                "saved-models LoadedSavedModelTest#close_waits_for_the_calls_in_flight_and_refuses_new_ones"),
                api(
                        "closed-saved-model",
                        "run a LoadedSavedModel after close",
                        IllegalStateException.class,
                        "is closed; load it again to run it",
                        f -> {
                            LoadedSavedModel m = LoadedSavedModel.load(f.path("good"));
                            m.close();
                            m.run(
                                    ServingSignature.KEY,
                                    Map.of(
                                            ServingSignature.IMAGES,
                                            FloatValues.uniform(Shape.of(1, 32, 32, 3), 0, -1, 1)));
                        }),
                api(
                        "closed-session",
                        "run the library's model in a closed Session",
                        IllegalStateException.class,
                        "run() cannot be called on the Session after close()",
                        f -> {
                            try (Graph g = new Graph()) {
                                Ops tf = Ops.create(g);
                                ResNetModel m = ResNetV2.builder(SmallNets.tiny())
                                        .spec(n -> n.withNumClasses(10))
                                        .isTraining(false)
                                        .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
                                Session s = new Session(g);
                                s.initialize();
                                s.close();
                                try (TFloat32 x = FloatValues.uniform(Shape.of(1, 32, 32, 3), 0, -1, 1)
                                        .toTensor()) {
                                    s.runner()
                                            .feed(m.images(), x)
                                            .fetch(m.output())
                                            .run()
                                            .close();
                                }
                            }
                        }),
                api(
                        "closed-tensor",
                        "feed a tensor that was already closed",
                        IllegalStateException.class,
                        "close() was called on the Tensor",
                        f -> {
                            try (Graph g = new Graph();
                                    Session s = new Session(g)) {
                                Ops tf = Ops.create(g);
                                ResNetModel m = ResNetV2.builder(SmallNets.tiny())
                                        .spec(n -> n.withNumClasses(10))
                                        .isTraining(false)
                                        .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
                                s.initialize();
                                TFloat32 x = FloatValues.uniform(Shape.of(1, 32, 32, 3), 0, -1, 1)
                                        .toTensor();
                                x.close();
                                s.runner()
                                        .feed(m.images(), x)
                                        .fetch(m.output())
                                        .run()
                                        .close();
                            }
                        }));
    }

    private static List<String> verify(Fixtures f, String name) {
        return List.of("verify", f.path(name).toString(), "--image-size", "32");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void build(Function<Ops, Operand<?>> images, UnaryOperator<ResNetV2.Builder> configure) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand input = images.apply(tf);
            configure
                    .apply(ResNetV2.builder(SmallNets.tiny())
                            .spec(n -> n.withNumClasses(10))
                            .isTraining(false))
                    .build(tf, input);
        }
    }

    private static <T extends TType> Operand<T> placeholder(Ops tf, Class<T> type, long... dims) {
        return tf.withName("images").placeholder(type, Placeholder.shape(Shape.of(dims)));
    }

    /** The files the rows use, written once. */
    static final class Fixtures {
        final Path root;
        final Path fixtures;
        LoadedSavedModel predictor;

        Fixtures(Path root) {
            this.root = root;
            this.fixtures = root.resolve("fixtures");
        }

        Path path(String name) {
            return fixtures.resolve(name);
        }

        String checkpoint(String name) {
            return path(name).resolve("model.ckpt").toString();
        }
    }

    private Fixtures f;

    @BeforeAll
    void writeFixtures(@TempDir Path root) throws Exception {
        f = new Fixtures(root);
        Path good = f.path("good");
        try (InferenceModel m = InferenceModel.build(TINY.withNumClasses(10).withImageSize(32), 1, false)) {
            m.initialize();
            SavedModelBundle.exporter(good.toString())
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
            SavedModelBundle.exporter(f.path("train-only").toString())
                    .withTags("train")
                    .withSession(m.session())
                    .withSignature(m.signature())
                    .export();
        }
        byte[] pb = Files.readAllBytes(good.resolve("saved_model.pb"));
        variant(good, "pb-empty", "saved_model.pb", new byte[0]);
        variant(good, "pb-truncated", "saved_model.pb", Arrays.copyOf(pb, pb.length / 2));
        variant(good, "pb-flipped", "saved_model.pb", flipped(pb, 64, 97));
        variant(good, "pb-op-renamed", "saved_model.pb", replace(pb, "Conv2D", "Conv2X", false));
        variant(
                good,
                "pb-input-renamed",
                "saved_model.pb",
                replace(pb, "postnorm/FusedBatchNormV3", "postnorm/FusedBatchNormV4", true));
        String data = "variables/variables.data-00000-of-00001";
        byte[] shard = Files.readAllBytes(good.resolve(data));
        variant(good, "data-flipped", data, flipped(shard, 0, 4099));
        variant(good, "data-truncated", data, Arrays.copyOf(shard, 100));
        byte[] index = Files.readAllBytes(good.resolve("variables/variables.index"));
        variant(good, "index-flipped", "variables/variables.index", flipped(index, 0, 97));
        TestFiles.copyTree(good, f.path("no-variables"));
        TestFiles.deleteTree(f.path("no-variables").resolve("variables"));
        Files.createDirectories(f.path("empty"));
        Files.writeString(f.path("afile"), "a regular file");
        Files.createDirectories(f.path("models/1"));
        Files.writeString(f.path("models/1/marker.txt"), "an earlier export");
        writeLogitsCheckpoint(f.path("ckpt-10"), 10);
        writeLogitsCheckpoint(f.path("ckpt-1001"), 1001);
        TestFiles.copyTree(f.path("ckpt-10"), f.path("ckpt-corrupt"));
        Path ckptData = f.path("ckpt-corrupt").resolve("model.ckpt.data-00000-of-00001");
        Files.write(ckptData, flipped(Files.readAllBytes(ckptData), 0, 1009));
        f.predictor = LoadedSavedModel.load(good);
    }

    @AfterAll
    void closePredictor() {
        if (f != null && f.predictor != null) {
            f.predictor.close();
        }
    }

    @Test
    void the_matrix_covers_the_issue_with_at_least_25_rows_on_both_surfaces() {
        List<Row> all = rows().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(25);
        assertThat(all).extracting(Row::kind).contains(Kind.API, Kind.CLI, Kind.CHILD);
        assertThat(all.stream().map(Row::id).distinct()).hasSize(all.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void each_bad_input_has_its_documented_outcome_and_leaves_no_file(Row row) throws Exception {
        Map<String, String> before = listing(f.root);
        switch (row.kind()) {
            case API ->
                assertThatThrownBy(() -> row.call().run(f))
                        .isInstanceOf(row.exception())
                        .hasMessageContaining(row.message());
            case CLI -> {
                CliRun run = CliRun.of(row.args().of(f).toArray(String[]::new));
                checkCli(row, run.exitCode(), run.out(), run.err());
            }
            case CHILD -> runInChildJvm(row);
        }
        assertThat(listing(f.root))
                .as("files under the test directory after " + row.id())
                .isEqualTo(before);
    }

    @Test
    void verbose_adds_the_stack_trace_to_a_runtime_error() {
        CliRun quiet = CliRun.of("verify", f.path("pb-empty").toString());
        CliRun verbose = CliRun.of("--verbose", "verify", f.path("pb-empty").toString());
        assertThat(quiet.err()).doesNotContain("\tat ");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).startsWith(quiet.err()).contains("\tat dev.slimport.savedmodel.SavedModelInfo.read");
    }

    @Test
    void the_library_accepts_an_image_smaller_than_the_output_stride_as_slim_does() {
        // slim has no minimum size: conv2d_same pads, and the global pool averages whatever is left (here 1x1).
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(SmallNets.tiny())
                    .spec(n -> n.withNumClasses(10))
                    .isTraining(false)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 2, 8, 8));
            s.initialize();
            try (TFloat32 x =
                            FloatValues.uniform(Shape.of(2, 8, 8, 3), 0, -1, 1).toTensor();
                    Result r = s.runner().feed(m.images(), x).fetch(m.output()).run()) {
                assertThat(r.get(0).shape().asArray()).containsExactly(2, 10);
            }
        }
    }

    private static final Pattern NATIVE_LOG = Pattern.compile(
            "^(WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR"
                    + "|[IWEF]\\d{4} [\\d:.]+ +\\d+ \\S+:\\d+\\] .*"
                    + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] \\S+:\\d+\\] .*)$");

    private static void checkCli(Row row, int exitCode, String out, String err) {
        String context = row + "\nexit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        assertThat(exitCode).as(context).isEqualTo(row.exitCode());
        assertThat(out).as(context).isEmpty();
        List<String> lines = err.strip().lines().toList();
        assertThat(lines).as(context).isNotEmpty();
        assertThat(lines.get(0))
                .as(context)
                .startsWith("resnet-bench")
                .contains(row.exitCode() == 1 ? ": error: " : ": ")
                .doesNotContain("Exception");
        assertThat(err)
                .as(context)
                .contains(row.message())
                .doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
        if (!row.multiLine()) {
            assertThat(lines).as(context).hasSize(1);
        }
    }

    private void runInChildJvm(Row row) throws Exception {
        Path work = Files.createTempDirectory("slimport-child-");
        try {
            ChildJvm.Finished child =
                    ChildJvm.run(work, ResNetBenchCli.class, row.args().of(f), Duration.ofSeconds(300));
            String ours = child.stderr()
                    .lines()
                    .filter(l -> !NATIVE_LOG.matcher(l).matches())
                    .collect(Collectors.joining("\n", "", "\n"));
            checkCli(row, child.exitCode(), child.stdout(), ours);
        } finally {
            TestFiles.deleteTree(work);
        }
    }

    private static void variant(Path good, String name, String file, byte[] content) throws IOException {
        Path copy = good.resolveSibling(name);
        TestFiles.copyTree(good, copy);
        Files.write(copy.resolve(file), content);
    }

    /** {@code bytes} with every {@code step}-th byte from {@code from} XOR-ed with 0x5A. */
    private static byte[] flipped(byte[] bytes, int from, int step) {
        byte[] out = bytes.clone();
        for (int i = from; i < out.length; i += step) {
            out[i] ^= 0x5A;
        }
        return out;
    }

    /** {@code bytes} with every (or only the last) occurrence of {@code from} replaced by the same-length {@code to}. */
    private static byte[] replace(byte[] bytes, String from, String to, boolean lastOnly) {
        byte[] a = from.getBytes(StandardCharsets.US_ASCII);
        byte[] b = to.getBytes(StandardCharsets.US_ASCII);
        byte[] out = bytes.clone();
        int replaced = 0;
        for (int i = out.length - a.length; i >= 0; i--) {
            if (Arrays.equals(out, i, i + a.length, a, 0, a.length)) {
                System.arraycopy(b, 0, out, i, b.length);
                replaced++;
                if (lastOnly) {
                    break;
                }
            }
        }
        assertThat(replaced).as("occurrences of " + from).isPositive();
        return out;
    }

    /** A V2 checkpoint holding only {@code resnet_v2_50/logits/{weights,biases}} for {@code classes} classes. */
    private static void writeLogitsCheckpoint(Path dir, int classes) throws IOException {
        Files.createDirectories(dir);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Save save = tf.train.save(
                    tf.constant(dir.resolve("model.ckpt").toString()),
                    tf.constant(StdArrays.ndCopyOf(
                            new String[] {"resnet_v2_50/logits/biases", "resnet_v2_50/logits/weights"})),
                    tf.constant(StdArrays.ndCopyOf(new String[] {"", ""})),
                    List.of(
                            tf.zeros(tf.constant(new long[] {classes}), TFloat32.class),
                            tf.fill(tf.constant(new long[] {1, 1, 2048, classes}), tf.constant(0.01f))));
            s.runner().addTarget(save).run().close();
        }
    }

    /** Every file and directory under {@code root}, relative, with its size and modification time. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                m.put(
                        root.relativize(p).toString(),
                        Files.isDirectory(p) ? "dir" : Files.size(p) + " bytes, " + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }
}
