/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.MemorySeries;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Repeated forward calls through the library do not leak. Each run is a fresh JVM ({@link ChildJvm}), so memory that
 * earlier tests freed into TensorFlow's allocator pools cannot hide a leak; the child samples VmRSS and JavaCPP's
 * physical bytes every {@value #EVERY} calls after a warm-up, and the verdict is the least-squares slope in bytes per
 * call ({@link MemorySeries#bytesPerCall}). That slope does not depend on the machine's speed or load (it is per call,
 * not per second), and an allocator that settles during the warm-up adds almost nothing to it.
 *
 * <p>The bound, {@value #BOUND_BYTES_PER_CALL} bytes per call, is an eighth of the leak the control produces (its
 * inputs, {@value #BATCH}×{@value #SIZE}×{@value #SIZE}×3 floats = 1.5 MiB per call, never closed), and the clean
 * run is checked to stay under it while the control is checked to exceed it by the same statistic, in the same test.
 */
class ForwardSoakTest {

    private static final int BATCH = 8;
    private static final int SIZE = 128;
    private static final int EVERY = 10;
    /** One leaked input tensor: 8 × 128 × 128 × 3 floats. */
    private static final long LEAK_BYTES_PER_CALL = (long) BATCH * SIZE * SIZE * 3 * Float.BYTES;
    /** An eighth of the control's leak: 196,608 bytes per call. */
    private static final long BOUND_BYTES_PER_CALL = LEAK_BYTES_PER_CALL / 8;

    @TempDir
    Path work;

    /**
     * 40 warm-up calls, then 150 sampled calls of the small net, once clean and once leaking its inputs: the clean fit
     * stays below the bound, the control's fit is above it (and near the 1.5 MiB it leaks).
     */
    @Test
    void forwardCallsDoNotLeakWhileTheLeakingControlFailsTheSameBound() throws Exception {
        MemorySeries clean = inChildJvm("clean", "small", 40, 150, false);
        MemorySeries leaking = inChildJvm("leaking", "small", 40, 150, true);
        System.out.printf(
                "forward soak (small net, batch %d at %dx%d), bound %,d B/call:%n  clean:   %s%n  leaking: %s%n",
                BATCH, SIZE, SIZE, BOUND_BYTES_PER_CALL, clean, leaking);
        assertThat(leaking.bytesPerCall())
                .as("the leaking control: %s", leaking)
                .isGreaterThan(BOUND_BYTES_PER_CALL)
                .isGreaterThan(0.5 * LEAK_BYTES_PER_CALL);
        assertThat(clean.bytesPerCall()).as("the clean run: %s", clean).isLessThan(BOUND_BYTES_PER_CALL);
    }

    /**
     * resnet_v2_50, 50 warm-up calls and 1,000 sampled ones, against the same bound (about 5 minutes on 2 cores; the
     * surefire fork timeout is 30).
     */
    @Test
    @Tag("soak")
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void thousandForwardCallsOfResnetV2_50DoNotLeak() throws Exception {
        MemorySeries series = inChildJvm("resnet_v2_50", "resnet_v2_50", 50, 1000, false);
        System.out.printf(
                "resnet_v2_50 soak, 1000 calls of batch %d at %dx%d, bound %,d B/call: %s%n",
                BATCH, SIZE, SIZE, BOUND_BYTES_PER_CALL, series);
        assertThat(series.bytesPerCall()).as("%s", series).isLessThan(BOUND_BYTES_PER_CALL);
    }

    private MemorySeries inChildJvm(String name, String model, int warmup, int calls, boolean leak) throws Exception {
        ChildJvm.Finished done = ChildJvm.run(
                        work.resolve(name),
                        Child.class,
                        List.of(model, Integer.toString(warmup), Integer.toString(calls), Boolean.toString(leak)),
                        Duration.ofMinutes(20))
                .assertSucceeded();
        return MemorySeries.parse(done.stdout());
    }

    /**
     * The measured process: {@code MODEL WARMUP CALLS LEAK}; prints a {@link MemorySeries#sample} line after the
     * warm-up and after every {@value #EVERY} calls.
     */
    static final class Child {
        public static void main(String[] args) {
            ResNetV2.Builder builder = args[0].equals("small")
                    ? ResNetV2.builder(SmallNets.small())
                    : ResNetV2.builder(Depth.D50).spec(n -> n.withNumClasses(1000));
            int warmup = Integer.parseInt(args[1]);
            int calls = Integer.parseInt(args[2]);
            boolean leak = Boolean.parseBoolean(args[3]);
            List<TFloat32> leaked = new ArrayList<>();
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                Ops tf = Ops.create(g);
                ResNetModel m = builder.isTraining(false).build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
                s.initialize();
                for (int i = 0; i < warmup + calls; i++) {
                    if (i >= warmup && (i - warmup) % EVERY == 0) {
                        System.out.println(MemorySeries.sample(i - warmup));
                    }
                    TFloat32 input =
                            Nhwc.uniform(i, -1, 1, BATCH, SIZE, SIZE, 3).toTensor();
                    try (Result r =
                            s.runner().feed(m.images(), input).fetch(m.output()).run()) {
                        if (r.get(0).shape().get(0) != BATCH) {
                            throw new IllegalStateException(
                                    "unexpected output shape " + r.get(0).shape());
                        }
                    }
                    if (leak) {
                        leaked.add(input);
                    } else {
                        input.close();
                    }
                }
                System.out.println(MemorySeries.sample(calls));
            } finally {
                leaked.forEach(TFloat32::close);
            }
        }
    }
}
