/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.testing.ReferenceCounts;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

class DescribeCommandTest {

    private static final ReferenceCounts R50_64 = ReferenceCounts.of(TinyRuns.UNITS, 64, 64, 1000);

    @Test
    void json_rows_and_totals_equal_the_reference_counts() throws IOException {
        CliRun run = CliRun.of(
                "describe", "--model", "resnet_v2_50", "--batch-size", "1", "--image-size", "64", "--format", "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode summary = ResultWriter.MAPPER.readTree(run.out());

        JsonNode totals = summary.get("totals");
        assertThat(totals.get("parameters").asLong()).isEqualTo(R50_64.parameters());
        assertThat(totals.get("non_trainable_parameters").asLong()).isEqualTo(R50_64.nonTrainable());
        assertThat(totals.get("multiply_adds_per_image").asLong()).isEqualTo(R50_64.multiplyAdds());

        long rowParams = 0;
        long rowMacs = 0;
        List<String> names = new ArrayList<>();
        for (JsonNode row : summary.get("rows")) {
            rowParams += row.get("parameters").asLong();
            rowMacs += row.get("multiply_adds").asLong();
            names.add(row.get("name").asText());
        }
        assertThat(rowParams).isEqualTo(R50_64.parameters());
        assertThat(rowMacs).isEqualTo(R50_64.multiplyAdds());
        assertThat(names)
                .startsWith("resnet_v2_50/conv1")
                .contains(
                        "resnet_v2_50/block1/unit_1/bottleneck_v2/preact",
                        "resnet_v2_50/postnorm",
                        "global_pool",
                        "resnet_v2_50/logits")
                .endsWith("predictions");

        JsonNode variables = summary.get("variables");
        assertThat(variables).hasSize(R50_64.variables());
        long trainable = 0;
        for (JsonNode v : variables) {
            long size = 1;
            for (JsonNode d : v.get("shape")) {
                size *= d.asLong();
            }
            assertThat(v.get("size").asLong()).isEqualTo(size);
            if (v.get("trainable").asBoolean()) {
                trainable += size;
            }
        }
        assertThat(trainable).isEqualTo(R50_64.parameters() - R50_64.nonTrainable());
        assertThat(variables.get(0).get("name").asText()).isEqualTo("resnet_v2_50/conv1/weights");
    }

    @Test
    void text_table_shows_the_totals_and_the_variable_list() {
        CliRun run = CliRun.of("describe", "--model", "resnet_v2_50", "-b", "1", "--image-size", "64");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Layer (type)", "Output Shape", "Param #")
                .contains(String.format(Locale.ROOT, "Total params: %,d", R50_64.parameters()))
                .contains(String.format(Locale.ROOT, "Multiply-adds per image: %,d", R50_64.multiplyAdds()))
                .contains("resnet_v2_50/block4/unit_3/bottleneck_v2/conv2/weights")
                .contains("resnet_v2_50/block1/unit_1/bottleneck_v2/conv1 (conv2d+batch_norm)")
                .contains("Variables (" + R50_64.variables() + "):");
    }

    @Test
    void tensorboard_event_file_holds_the_graph(@TempDir Path dir) throws IOException {
        Path logdir = dir.resolve("tb");
        CliRun run = CliRun.of(
                "describe",
                "--model",
                "resnet_v2_50",
                "-b",
                "1",
                "--image-size",
                "64",
                "--tensorboard",
                logdir.toString(),
                "--output",
                dir.resolve("summary.txt").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(logdir)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).startsWith("events.out.tfevents.");

        GraphDef graph = null;
        for (byte[] record : readTfRecords(files.get(0))) {
            Event e = Event.parseFrom(record);
            if (!e.getGraphDef().isEmpty()) {
                graph = GraphDef.parseFrom(e.getGraphDef());
            }
        }
        assertThat(graph).isNotNull();
        assertThat(graph.getNodeList())
                .extracting(NodeDef::getName)
                .contains(
                        "images",
                        "resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/weights",
                        "resnet_v2_50/logits/biases");
        assertThat(Files.readString(dir.resolve("summary.txt"))).contains("Total params:");
    }

    /** Reads a TFRecord file (length, masked CRC32C, data, masked CRC32C), checking every checksum. */
    static List<byte[]> readTfRecords(Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(raw)) {
            while (true) {
                byte[] header = new byte[12];
                try {
                    in.readFully(header);
                } catch (EOFException end) {
                    return records;
                }
                ByteBuffer hb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                long length = hb.getLong();
                assertThat(hb.getInt()).isEqualTo(maskedCrc(header, 8));
                byte[] data = new byte[Math.toIntExact(length)];
                in.readFully(data);
                byte[] footer = new byte[4];
                in.readFully(footer);
                assertThat(ByteBuffer.wrap(footer)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getInt())
                        .isEqualTo(maskedCrc(data, data.length));
                records.add(data);
            }
        }
    }

    private static int maskedCrc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
