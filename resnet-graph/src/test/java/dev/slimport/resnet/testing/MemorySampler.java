/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/** Resident memory of this process: VmRSS from /proc/self/status and JavaCPP's physical-bytes counter. */
public final class MemorySampler {
    private MemorySampler() {}

    /** VmRSS in bytes (Linux), after a GC and a malloc_trim, so that freed native memory is not counted. */
    public static long residentBytes() {
        settle();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** JavaCPP's view of the process's physical memory. */
    public static long javacppPhysicalBytes() {
        settle();
        return Pointer.physicalBytes();
    }

    /** JavaCPP's (private) malloc_trim wrapper; a no-op where it cannot be reached. */
    private static void trimMemory() {
        try {
            java.lang.reflect.Method trim = Pointer.class.getDeclaredMethod("trimMemory");
            trim.setAccessible(true);
            trim.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // without malloc_trim, freed pages may stay resident; measurements are then only less sensitive
        }
    }

    /** GC (JavaCPP frees unreachable native objects), then malloc_trim so freed heap pages leave the RSS. */
    private static void settle() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            trimMemory();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
