/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.SmallNets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The small networks and command lines of the CLI tests, in one place. */
final class TinyRuns {
    private TinyRuns() {}

    /** resnet_v2_50's units per block, for {@code ReferenceCounts}. */
    static final int[] UNITS = {3, 4, 6, 3};

    /** slim's tiny test net as a {@link NetworkSpec} (base depths 1, 2, 4, 8): a SavedModel of it loads in a moment. */
    static final NetworkSpec NETWORK = NetworkSpec.custom("resnet_v2", SmallNets.tiny());

    /** {@code --model resnet_v2_50} with a batch, an image size and the warm-up and timed steps. */
    static List<String> resnet50(int batch, int size, int warmup, int batches) {
        return List.of(
                "--model",
                "resnet_v2_50",
                "--batch-size",
                String.valueOf(batch),
                "--image-size",
                String.valueOf(size),
                "--warmup",
                String.valueOf(warmup),
                "--num-batches",
                String.valueOf(batches));
    }

    /** The options of the tiny forward run: batch 1, 64×64, 1000 classes, 2 warm-up + 3 timed steps. */
    static final List<String> FORWARD = resnet50(1, 64, 2, 3);

    /** {@code forward} + {@link #FORWARD} + {@code more}. */
    static String[] forward(String... more) {
        return concat(List.of("forward"), FORWARD, List.of(more));
    }

    /** {@code command} + {@code options} + {@code more}. */
    static List<String> command(String command, List<String> options, String... more) {
        return List.of(concat(List.of(command), options, List.of(more)));
    }

    /** {@code forward} of one timed step and no warm-up, batch 1, 64×64, + {@code more}: the bad-input base line. */
    static List<String> forwardOneStep(String... more) {
        return command("forward", resnet50(1, 64, 0, 1), more);
    }

    /** {@code export} of resnet_v2_50 with 10 classes at 32×32, + {@code more}. */
    static List<String> export(String... more) {
        return List.of(concat(
                List.of("export", "--model", "resnet_v2_50", "--num-classes", "10", "--image-size", "32"),
                List.of(more)));
    }

    /** {@code first} followed by {@code more}. */
    static String[] concat(String[] first, String... more) {
        return concat(Arrays.asList(first), List.of(more));
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all.toArray(String[]::new);
    }
}
