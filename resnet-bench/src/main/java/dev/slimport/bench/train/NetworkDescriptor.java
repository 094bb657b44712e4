/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.slimport.bench.engine.RunFailure;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.net.Bottleneck;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.UnitFn;
import dev.slimport.resnet.net.UnitSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which ResNet v2 a checkpoint holds: the file {@code <prefix>.network.json} that {@code train-demo} writes next to
 * its checkpoint and {@code export --checkpoint <prefix>} reads, so the export needs no network options. It is the
 * checkpoint's {@link NetworkSpec} as JSON — slim's {@code resnet_v2(inputs, blocks, num_classes, scope=...)} with its
 * block table, each unit as slim's {@code (depth, depth_bottleneck, stride)} — with a format tag and what wrote it.
 *
 * <pre>
 * { "format" : "slimport-network-2",
 *   "network" : { "scope" : "resnet_v2",
 *     "blocks" : [ { "scope" : "block1", "unit_fn" : "bottleneck_v2", "units" : [ [ 16, 4, 1 ], [ 16, 4, 1 ], [ 16, 4, 2 ] ] },
 *                  ... ],
 *     "num_classes" : 4, "image_size" : 64, "output_stride" : null, "data_format" : "NHWC", "precision" : "FP32" },
 *   "written_by" : "resnet-bench train-demo" }
 * </pre>
 *
 * @param format {@value #FORMAT}
 * @param network the network the checkpoint's variables belong to
 * @param writtenBy what wrote the file
 */
public record NetworkDescriptor(String format, NetworkSpec network, String writtenBy) {

    /** The format tag of this layout. */
    public static final String FORMAT = "slimport-network-2";

    /** The file name suffix after the checkpoint prefix. */
    public static final String SUFFIX = ".network.json";

    /** Units as {@code [depth, depth_bottleneck, stride]} (slim's tuples); the one unit function by its scope name. */
    private static final ObjectMapper MAPPER = ResultWriter.MAPPER
            .copy()
            .registerModule(new SimpleModule()
                    .setMixInAnnotation(UnitSpec.class, UnitAsTuple.class)
                    .addSerializer(UnitFn.class, new UnitFnName())
                    .addDeserializer(UnitFn.class, new UnitFnByName()));

    /**
     * The validated descriptor.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public NetworkDescriptor {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(
                    "format: expected '" + FORMAT + "', got " + (format == null ? "nothing" : "'" + format + "'"));
        }
        if (network == null) {
            throw new IllegalArgumentException("network: missing");
        }
    }

    /** A descriptor of {@code network}, written by {@code writtenBy}. */
    public static NetworkDescriptor of(NetworkSpec network, String writtenBy) {
        return new NetworkDescriptor(FORMAT, network, writtenBy);
    }

    /** {@code <prefix>.network.json}. */
    public static Path fileFor(Path prefix) {
        return Path.of(prefix.toString() + SUFFIX);
    }

    /**
     * The descriptor next to the checkpoint {@code prefix}, if there is one.
     *
     * @throws IllegalArgumentException (naming {@code --checkpoint}) when the file exists but is not a valid descriptor
     * @throws RunFailure when it cannot be read
     */
    public static Optional<NetworkDescriptor> readFor(Path prefix) {
        Path file = fileFor(prefix);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(file.toFile(), NetworkDescriptor.class));
        } catch (JsonProcessingException e) {
            String message =
                    e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("--checkpoint: " + file + " is not a valid network descriptor ("
                    + RunFailure.firstLine(message) + ")");
        } catch (IOException e) {
            throw new RunFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code <prefix>.network.json} atomically (a temp file renamed into place). */
    public void writeFor(Path prefix) throws IOException {
        ResultWriter.writeAtomically(fileFor(prefix), MAPPER.writeValueAsString(this) + System.lineSeparator());
    }

    /**
     * {@code resnet_v2 (resnet_v2_50 blocks, base depth 4)} for one of slim's block tables at base depths {@code b,
     * 2b, 4b, 8b}, otherwise {@code resnet_v2 (3 custom blocks)}.
     */
    public String describe() {
        int base = network.blocks().get(0).units().get(0).depthBottleneck();
        for (Depth d : Depth.values()) {
            if (d.blocks(base).equals(network.blocks())) {
                return network.scope() + " (" + d.scopeName() + " blocks, base depth " + base + ")";
            }
        }
        return network.scope() + " (" + network.blocks().size() + " custom blocks)";
    }

    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    private interface UnitAsTuple {}

    private static final class UnitFnName extends JsonSerializer<UnitFn> {
        @Override
        public void serialize(UnitFn fn, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (fn != Bottleneck.V2) {
                throw new IllegalArgumentException("unit_fn: only " + Bottleneck.SCOPE + " can be written, got " + fn);
            }
            gen.writeString(Bottleneck.SCOPE);
        }
    }

    private static final class UnitFnByName extends JsonDeserializer<UnitFn> {
        @Override
        public UnitFn deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String name = p.getValueAsString();
            if (!Bottleneck.SCOPE.equals(name)) {
                throw new IllegalArgumentException("unit_fn: must be " + Bottleneck.SCOPE + ", got '" + name + "'");
            }
            return Bottleneck.V2;
        }
    }
}
