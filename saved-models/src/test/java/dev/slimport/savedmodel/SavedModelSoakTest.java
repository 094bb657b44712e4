/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.MemorySeries;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Repeated calls through a loaded SavedModel do not leak: in a fresh child JVM, after a warm-up, the least-squares
 * slope of resident memory over the call index ({@link MemorySeries#bytesPerCall}, the larger of VmRSS's and
 * JavaCPP's physical bytes) stays below {@link #BOUND_BYTES_PER_CALL}. Each call feeds distinct values through
 * {@link LoadedSavedModel#predict} (input tensor created and closed, outputs copied to the heap, {@code Result}
 * closed). The decision does not depend on the machine: an allocator that is still warming up adds a few steps and
 * levels off, which tilts the fitted slope of several hundred calls by a few hundred bytes per call, while a leak of
 * L bytes per call gives a slope of L however fast or loaded the machine is. The leaking control, run by the same
 * test with the same statistic, keeps every call's input tensor ({@link #LEAK_BYTES} per call) and must be caught.
 */
class SavedModelSoakTest {
    private static final int BATCH = 4;
    private static final int SIZE = 64;
    private static final int WARMUP = 200;
    private static final int CALLS = 1000;
    private static final int EVERY = 40;
    /** The child cycles through this many distinct inputs. */
    private static final int INPUTS = 16;

    /** The control's leak: one float32 input of {@code [BATCH, SIZE, SIZE, 3]} per call, 196,608 bytes. */
    static final long LEAK_BYTES = 4L * BATCH * SIZE * SIZE * 3;

    /**
     * The decision bound on the fitted slope: an eighth of the control's leak (24 KiB per call), far below it and far
     * above the clean run's fitted slope (measured in three runs on a loaded 2-core machine: -2,569 to +83 B/call; the
     * control +196,070 to +197,755 B/call).
     */
    static final double BOUND_BYTES_PER_CALL = LEAK_BYTES / 8.0;

    @TempDir
    Path work;

    @Test
    void calls_through_a_saved_model_do_not_leak_and_a_leaking_control_is_caught() throws Exception {
        Path model = export(TestNets.TINY, 10, SIZE);
        MemorySeries clean = inChildJvm("clean", model, BATCH, SIZE, WARMUP, CALLS, EVERY, false);
        MemorySeries leaking = inChildJvm("leaking", model, BATCH, SIZE, WARMUP, CALLS, EVERY, true);
        System.out.printf(
                Locale.ROOT,
                "tiny SavedModel, %d calls of batch %d at %dx%d after %d warm-up calls, bound"
                        + " %,.0f B/call%n  clean: %s%n  control leaking %,d B/call: %s%n",
                CALLS,
                BATCH,
                SIZE,
                SIZE,
                WARMUP,
                BOUND_BYTES_PER_CALL,
                clean,
                LEAK_BYTES,
                leaking);
        assertThat(clean.bytesPerCall()).as("clean run: " + clean).isLessThan(BOUND_BYTES_PER_CALL);
        // The check can fail: the same statistic sees the control's leak, and at about its real size.
        assertThat(leaking.bytesPerCall())
                .as("leaking control: " + leaking)
                .isGreaterThan(BOUND_BYTES_PER_CALL)
                .isGreaterThan(0.5 * LEAK_BYTES);
    }

    @Test
    @Tag("soak")
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void thousandCallsThroughAResnetV2_50SavedModelDoNotLeak() throws Exception {
        Path model = export(NetworkSpec.of(Depth.D50), 1000, 128);
        MemorySeries m = inChildJvm("resnet_v2_50", model, 8, 128, 200, 1000, 50, false);
        System.out.printf(Locale.ROOT, "resnet_v2_50 SavedModel soak, 1000 calls of batch 8 at 128x128: %s%n", m);
        assertThat(m.bytesPerCall()).as(m.toString()).isLessThan(BOUND_BYTES_PER_CALL);
    }

    private Path export(NetworkSpec network, int classes, int size) throws IOException {
        return TestNets.rawExport(network.withNumClasses(classes).withImageSize(size), 1, work.resolve("model"));
    }

    private MemorySeries inChildJvm(
            String name, Path model, int batch, int size, int warmup, int calls, int every, boolean leak)
            throws Exception {
        ChildJvm.Finished f = ChildJvm.run(
                        work.resolve(name),
                        Child.class,
                        List.of(
                                model.toString(),
                                Integer.toString(batch),
                                Integer.toString(size),
                                Integer.toString(warmup),
                                Integer.toString(calls),
                                Integer.toString(every),
                                Boolean.toString(leak)),
                        Duration.ofMinutes(55))
                .assertSucceeded();
        return MemorySeries.parse(f.stdout());
    }

    /**
     * The measured process: {@code DIR BATCH SIZE WARMUP CALLS EVERY LEAK}; after the warm-up, prints a {@link
     * MemorySeries#sample} every {@code EVERY} calls. With {@code LEAK}, every call's input tensor is kept open.
     */
    static final class Child {
        public static void main(String[] args) {
            Path dir = Path.of(args[0]);
            int batch = Integer.parseInt(args[1]);
            int size = Integer.parseInt(args[2]);
            int warmup = Integer.parseInt(args[3]);
            int calls = Integer.parseInt(args[4]);
            int every = Integer.parseInt(args[5]);
            boolean leak = Boolean.parseBoolean(args[6]);
            List<TFloat32> leaked = new ArrayList<>();
            // Distinct inputs, made once: a fresh heap array per call would make the Java heap grow and shrink under
            // the
            // samples, steps of megabytes that have nothing to do with the native memory under test.
            List<FloatValues> inputs = new ArrayList<>();
            for (int k = 0; k < INPUTS; k++) {
                inputs.add(FloatValues.uniform(Shape.of(batch, size, size, 3), k, -1f, 1f));
            }
            try (LoadedSavedModel p = LoadedSavedModel.load(dir)) {
                for (int i = 0; i < warmup + calls; i++) {
                    FloatValues images = inputs.get(i % INPUTS);
                    if (leak) {
                        leaked.add(images.toTensor());
                    }
                    Map<String, FloatValues> out = p.predict(images);
                    if (out.get(ServingSignature.LOGITS).shape().get(0) != batch) {
                        throw new IllegalStateException("unexpected output shape "
                                + out.get(ServingSignature.LOGITS).shape());
                    }
                    int done = i + 1 - warmup;
                    if (done >= 0 && done % every == 0) {
                        System.out.println(MemorySeries.sample(done));
                    }
                }
            }
            System.out.println("leaked tensors: " + leaked.size());
        }
    }
}
