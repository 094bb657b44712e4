/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.EncodedTestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodePng;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** {@link EncodedImages}: the in-graph loop over encoded images of different sizes. */
class EncodedImagesTest {

    /** JPEG and PNG files of different sizes, in an order that a reordering loop would break. */
    private static final List<byte[]> FILES = List.of(
            EncodedTestImages.png(37, 23, 1),
            EncodedTestImages.jpeg(64, 48, 2),
            EncodedTestImages.png(9, 15, 3),
            EncodedTestImages.jpeg(31, 77, 4),
            EncodedTestImages.png(50, 50, 5));

    @Test
    void map_runs_the_per_image_function_on_each_image_in_order() {
        // Per image: decode the PNG (lossless) and keep the top-left 4x4 pixels as float; expected from the Java
        // pixels each file was written with.
        List<byte[]> pngs = List.of(
                EncodedTestImages.png(12, 7, 0),
                EncodedTestImages.png(5, 40, 1),
                EncodedTestImages.png(64, 4, 2),
                EncodedTestImages.png(4, 4, 3));
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = EncodedImages.map(tf, enc, Shape.of(4, 4, 3), "top_left", (f, one) -> {
                Operand<TUint8> img = f.image.decodePng(one, TUint8.class, DecodePng.channels(3L));
                return f.dtypes.cast(
                        f.slice(img, f.constant(new int[] {0, 0, 0}), f.constant(new int[] {4, 4, 3})), TFloat32.class);
            });
            assertThat(out.shape().asArray()).containsExactly(-1, 4, 4, 3);
            float[] got = run(g, enc, out, pngs, Shape.of(4, 4, 4, 3));
            for (int i = 0; i < 4; i++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        for (int c = 0; c < 3; c++) {
                            assertThat(got[((i * 4 + y) * 4 + x) * 3 + c])
                                    .as("image %d (%d,%d,%d)", i, y, x, c)
                                    .isEqualTo((float) EncodedTestImages.pixel(i, x, y, c));
                        }
                    }
                }
            }
        }
    }

    @Test
    void evalBatch_equals_InceptionPreprocessing_on_each_image() {
        int h = 17;
        int w = 13;
        float[] batch;
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = EncodedImages.evalBatch(tf, enc, h, w);
            assertThat(out.shape().asArray()).containsExactly(-1, h, w, 3);
            batch = run(g, enc, out, FILES, Shape.of(FILES.size(), h, w, 3));
        }
        int per = h * w * 3;
        for (int i = 0; i < FILES.size(); i++) {
            float[] one;
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                Operand<TFloat32> img = InceptionPreprocessing.evalFromEncoded(tf, enc, h, w);
                one = runScalar(g, enc, img, FILES.get(i));
            }
            assertThat(Arrays.copyOfRange(batch, i * per, (i + 1) * per))
                    .as("image %d", i)
                    .containsExactly(one);
            for (float v : one) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }

    @Test
    void evalBatch_of_one_image_and_the_function_library() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = EncodedImages.evalBatch(tf.withSubScope("serving_bytes"), enc, 8, 8);
            float[] got = run(g, enc, out, FILES.subList(1, 2), Shape.of(1, 8, 8, 3));
            assertThat(got).hasSize(8 * 8 * 3);
            GraphDef def = g.toGraphDef();
            List<String> functions = def.getLibrary().getFunctionList().stream()
                    .map(FunctionDef::getSignature)
                    .map(s -> s.getName())
                    .toList();
            assertThat(functions).anySatisfy(n -> assertThat(n).startsWith(EncodedImages.EVAL_FUNCTION + "_8x8"));
            assertThat(def.getNodeList()).anySatisfy(n -> assertThat(n.getOp()).isEqualTo("ParallelMapDatasetV2"));
            assertThat(def.getNodeList())
                    .anySatisfy(n -> assertThat(n.getName()).isEqualTo("serving_bytes/get_single_element"));
        }
    }

    @Test
    void a_corrupt_image_fails_the_run_with_the_decoders_message() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = EncodedImages.evalBatch(tf, enc, 8, 8);
            List<byte[]> bad = List.of(FILES.get(0), "this is not an image".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> run(g, enc, out, bad, Shape.of(2, 8, 8, 3)))
                    .isInstanceOf(TFInvalidArgumentException.class)
                    .hasMessageContaining("Unknown image file format");
            byte[] jpeg = FILES.get(1);
            List<byte[]> truncated = List.of(Arrays.copyOf(jpeg, 40));
            assertThatThrownBy(() -> run(g, enc, out, truncated, Shape.of(1, 8, 8, 3)))
                    .isInstanceOf(TFInvalidArgumentException.class);
        }
    }

    @Test
    void an_empty_batch_is_refused_with_a_message() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> enc = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = EncodedImages.evalBatch(tf, enc, 8, 8);
            assertThatThrownBy(() -> run(g, enc, out, List.of(), Shape.of(0, 8, 8, 3)))
                    .isInstanceOf(TFInvalidArgumentException.class)
                    .hasMessageContaining("the batch of encoded images is empty");
        }
    }

    @Test
    void bad_arguments_name_the_argument() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> scalar = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TString> vector = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            assertThatThrownBy(() -> EncodedImages.evalBatch(tf, scalar, 8, 8))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("encoded: must be a string vector");
            assertThatThrownBy(() -> EncodedImages.evalBatch(tf, vector, 0, 8))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("height: must be in 1..");
            assertThatThrownBy(() -> EncodedImages.evalBatch(tf, vector, 8, 100_000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("width: must be in 1..");
            assertThatThrownBy(() -> EncodedImages.map(
                            tf,
                            vector,
                            Shape.of(4, 4, 3),
                            "wrong_shape",
                            (f, one) -> f.zeros(f.constant(new int[] {5, 4, 3}), TFloat32.class)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("perImage: returns shape [5, 4, 3]");
            assertThatThrownBy(() -> EncodedImages.map(tf, vector, Shape.of(-1, 4, 3), "f", (f, one) -> null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("imageShape: must be fully known");
            assertThatThrownBy(() -> EncodedImages.map(tf, vector, Shape.of(4, 4, 3), "bad name", (f, one) -> null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("functionName:");
        }
    }

    private static float[] run(
            Graph g, Placeholder<TString> enc, Operand<TFloat32> out, List<byte[]> files, Shape want) {
        try (Session s = new Session(g);
                TString in = EncodedTestImages.tensor(files);
                Result r = s.runner().feed(enc, in).fetch(out).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            assertThat(t.shape()).isEqualTo(want);
            float[] values = new float[(int) t.shape().size()];
            t.asRawTensor().data().asFloats().read(values);
            return values;
        }
    }

    private static float[] runScalar(Graph g, Placeholder<TString> enc, Operand<TFloat32> out, byte[] file) {
        try (Session s = new Session(g);
                TString in = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.scalarOfObject(file));
                Result r = s.runner().feed(enc, in).fetch(out).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] values = new float[(int) t.shape().size()];
            t.asRawTensor().data().asFloats().read(values);
            return values;
        }
    }
}
