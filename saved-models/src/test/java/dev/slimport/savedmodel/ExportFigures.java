/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Path;

/**
 * Prints the size and timings of one export and of a reload + verify, for docs/saved-models.md (not a test; the
 * figures are indicative). Arguments: {@code OUT_DIR [MODEL] [IMAGE_SIZE] [CLASSES]}, default {@code resnet_v2_152
 * 224 1001}. Run it with the test class path (see docs/saved-models.md, "Measured").
 */
final class ExportFigures {
    private ExportFigures() {}

    public static void main(String[] args) {
        Path out = Path.of(args[0]);
        NetworkSpec net = NetworkSpec.of(Depth.parse("model", args.length > 1 ? args[1] : "resnet_v2_152"));
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        int classes = args.length > 3 ? Integer.parseInt(args[3]) : NetworkSpec.IMAGENET_CLASSES;
        ExportResult r =
                SavedModels.export(ExportSpec.of(net.withNumClasses(classes).withImageSize(size), out)
                        .withForce(true));
        System.out.printf("export %s %dx%d classes %d -> %s%n", net.scope(), size, size, classes, r.target());
        System.out.printf("  variables %d, parameters %d%n", r.variableCount(), r.parameterCount());
        System.out.printf(
                "  saved_model.pb %d bytes, variables/ %d bytes, total %.1f MB%n",
                r.savedModelBytes(), r.variablesBytes(), r.totalBytes() / 1e6);
        System.out.printf("  timings ms: %s%n", r.timings());
        System.out.printf("  max |delta| on the check batch: %s%n", r.maxAbsDiff());
        long t0 = System.nanoTime();
        VerifyResult v = SavedModels.verify(new VerifySpec(out, null, 1, size, 0));
        long wall = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
                "verify (reload + 1 batch of 1): load %d ms, first run %d ms, wall %d ms%n",
                v.loadMillis(), v.runMillis(), wall);
        v.signatures().forEach(s -> System.out.print(s.describe()));
        v.outputs().forEach(o -> System.out.println("  " + o));
    }
}
