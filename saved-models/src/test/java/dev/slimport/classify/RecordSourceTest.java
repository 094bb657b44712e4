/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.RepeatDataset;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * The TFRecord source of {@link ImageTraining} read as slim's {@code parallel_read} reads: file order shuffled each
 * pass, {@code min(readers, files)} files read at once one record each in turn. The order is checked against a
 * plain-Java interleave of the pass's file order (tf.data's {@code interleave}: round robin over the open files, block
 * 1; a slot whose file ends is refilled with the next file when the cycle comes back to it).
 */
class RecordSourceTest {

    private static final int[] COUNTS = {5, 3, 4, 2};
    private static final int PASSES = 3;

    @Test
    void filesAreShuffledEachPassAndReadTwoAtATimeInInterleaveOrder(@TempDir Path tmp) throws Exception {
        ImageTraining.Examples examples = examples(tmp);
        long[] firsts = new long[COUNTS.length + 1];
        for (int f = 0; f < COUNTS.length; f++) {
            firsts[f + 1] = firsts[f] + COUNTS[f];
        }
        assertThat(examples.size()).isEqualTo(firsts[COUNTS.length]);

        List<long[]> passes = passes(examples, 2, 7, PASSES);
        List<List<Integer>> orders = new ArrayList<>();
        for (long[] pass : passes) {
            // every record exactly once per pass: what ImageTraining's undecodable counting relies on
            assertThat(pass)
                    .containsExactlyInAnyOrder(
                            LongStream.range(0, examples.size()).toArray());
            List<Integer> order = fileOrder(pass, firsts);
            assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(pass).as("pass in file order %s", order).containsExactly(interleave(order, firsts, 2));
            orders.add(order);
        }
        assertThat(new HashSet<>(orders))
                .as("file orders of the passes: %s", orders)
                .hasSizeGreaterThan(1);
        // seeded: the same again
        List<long[]> again = passes(examples, 2, 7, PASSES);
        for (int p = 0; p < PASSES; p++) {
            assertThat(again.get(p)).containsExactly(passes.get(p));
        }
        // one reader: the files one after the other, in the pass's shuffled order
        for (long[] pass : passes(examples, 1, 7, 2)) {
            List<Integer> order = fileOrder(pass, firsts);
            assertThat(pass).containsExactly(interleave(order, firsts, 1));
        }
    }

    /** {@code fileOrder}'s files interleaved with {@code cycle} open at once, block 1. */
    private static long[] interleave(List<Integer> fileOrder, long[] firsts, int cycle) {
        Deque<Integer> pending = new ArrayDeque<>(fileOrder);
        long[] next = new long[cycle]; // the next index of the slot's file
        long[] end = new long[cycle];
        boolean[] open = new boolean[cycle];
        int openCount = 0;
        int slot = 0;
        List<Long> out = new ArrayList<>();
        while (!pending.isEmpty() || openCount > 0) {
            if (open[slot]) {
                if (next[slot] < end[slot]) {
                    out.add(next[slot]++);
                } else {
                    open[slot] = false;
                    openCount--;
                }
                slot = (slot + 1) % cycle;
            } else if (!pending.isEmpty()) {
                int f = pending.poll();
                next[slot] = firsts[f];
                end[slot] = firsts[f + 1];
                open[slot] = true;
                openCount++;
            } else {
                slot = (slot + 1) % cycle;
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The files in the order their first records come. */
    private static List<Integer> fileOrder(long[] pass, long[] firsts) {
        List<Integer> order = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (long index : pass) {
            int f = 0;
            while (firsts[f + 1] <= index) {
                f++;
            }
            if (seen.add(f)) {
                order.add(f);
            }
        }
        return order;
    }

    private static ImageTraining.Examples examples(Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("records"));
        for (int f = 0; f < COUNTS.length; f++) {
            List<byte[]> records = new ArrayList<>();
            for (int r = 0; r < COUNTS[f]; r++) {
                records.add(TestRecords.example(("file " + f + " record " + r).getBytes(), "jpeg", 1));
            }
            TestRecords.write(dir.resolve(String.format("train-%05d-of-%05d", f, COUNTS.length)), records);
        }
        LabelledImages data = LabelledImages.builder(4).build(List.of(dir));
        assertThat(data.kind()).isEqualTo(LabelledImages.Kind.TFRECORDS);
        List<String> skipped = new ArrayList<>();
        ImageTraining.Examples examples = ImageTraining.Examples.records(data, skipped);
        assertThat(skipped).isEmpty();
        return examples;
    }

    /** The indices of {@code passes} passes over the source, one array per pass. */
    private static List<long[]> passes(ImageTraining.Examples examples, int readers, long seed, int passes) {
        List<Long> all = new ArrayList<>();
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Output<? extends TType> source = examples.recordSource(tf, readers, seed);
            List<Class<? extends TType>> types = List.of(TString.class, TInt64.class);
            List<Shape> shapes = List.of(Shape.scalar(), Shape.scalar());
            RepeatDataset repeated = tf.data.repeatDataset(source, tf.constant((long) passes), types, shapes);
            org.tensorflow.op.data.Iterator it = tf.data.iterator("", "", types, shapes);
            Op init = tf.data.makeIterator(repeated, it);
            IteratorGetNext next = tf.data.iteratorGetNext(it, types, shapes);
            s.runner().addTarget(init).run();
            while (true) {
                try (Result r = s.runner().fetch(next.components().get(1)).run()) {
                    all.add(((TInt64) r.get(0)).getLong());
                } catch (TFOutOfRangeException end) {
                    break;
                }
            }
        }
        int n = Math.toIntExact(examples.size());
        assertThat(all).hasSize(n * passes);
        List<long[]> out = new ArrayList<>();
        for (int p = 0; p < passes; p++) {
            out.add(all.subList(p * n, (p + 1) * n).stream()
                    .mapToLong(Long::longValue)
                    .toArray());
        }
        return out;
    }
}
