/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.slimport.bench.engine.RunFailure;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.slim.LayerContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which ResNet v2 a checkpoint holds when it is not one of slim's four depths: the small JSON file {@code
 * <prefix>.network.json} that {@code train-demo} writes next to its checkpoint and {@code export --checkpoint
 * <prefix>} reads, so the export needs no network options. The network is slim's {@code resnet_v2(inputs, blocks,
 * scope=...)} with the block table of {@code blocks} (e.g. {@code resnet_v2_50}) at base depths {@code b, 2b, 4b,
 * 8b}.
 *
 * <pre>
 * { "format" : "slimport-network-1", "scope" : "resnet_v2", "blocks" : "resnet_v2_50", "base_depth" : 4,
 *   "num_classes" : 4, "image_size" : 64, "written_by" : "resnet-bench train-demo" }
 * </pre>
 *
 * @param format {@value #FORMAT}
 * @param scope the variable scope every variable name starts with
 * @param blocks the block table: {@code resnet_v2_50}, {@code resnet_v2_101}, {@code resnet_v2_152} or {@code
 *     resnet_v2_200}
 * @param baseDepth the first block's bottleneck depth (64 in slim's nets)
 * @param numClasses the logits' width (0: no logits)
 * @param imageSize the height and width the network was trained on (the export's default input size)
 * @param writtenBy what wrote the file
 */
public record NetworkDescriptor(
        String format, String scope, String blocks, int baseDepth, int numClasses, int imageSize, String writtenBy) {

    /** The format tag of this layout. */
    public static final String FORMAT = "slimport-network-1";

    /** The file name suffix after the checkpoint prefix. */
    public static final String SUFFIX = ".network.json";

    /**
     * The validated descriptor.
     *
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public NetworkDescriptor {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format: expected '" + FORMAT + "', got " + quoted(format));
        }
        LayerContext.checkName("scope", scope);
        Depth.parse("blocks", blocks);
        if (baseDepth < 1 || baseDepth > 64) {
            throw new IllegalArgumentException("base_depth: must be in [1, 64], got " + baseDepth);
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("num_classes: must be >= 0, got " + numClasses);
        }
        if (imageSize < 32 || imageSize > 8192) {
            throw new IllegalArgumentException("image_size: must be in [32, 8192], got " + imageSize);
        }
    }

    /** A descriptor of {@code depth}'s block table at {@code baseDepth}, written by {@code writtenBy}. */
    public static NetworkDescriptor of(
            String scope, Depth depth, int baseDepth, int numClasses, int imageSize, String writtenBy) {
        return new NetworkDescriptor(FORMAT, scope, depth.scopeName(), baseDepth, numClasses, imageSize, writtenBy);
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
            return Optional.of(ResultWriter.MAPPER.readValue(file.toFile(), NetworkDescriptor.class));
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException("--checkpoint: " + file + " is not a valid network descriptor ("
                    + RunFailure.firstLine(message) + ")");
        } catch (IOException e) {
            throw new RunFailure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code <prefix>.network.json} atomically (a temp file renamed into place). */
    public void writeFor(Path prefix) throws IOException {
        ResultWriter.writeAtomically(fileFor(prefix), ResultWriter.json(this));
    }

    /** The network to build: {@code blocks}' table at {@code baseDepth} in {@code scope}, its classes and image size. */
    public NetworkSpec network() {
        return NetworkSpec.custom(scope, Depth.parse("blocks", blocks).blocks(baseDepth))
                .withNumClasses(numClasses)
                .withImageSize(imageSize);
    }

    /** {@code resnet_v2 (resnet_v2_50 blocks, base depth 4)}. */
    public String describe() {
        return scope + " (" + blocks + " blocks, base depth " + baseDepth + ")";
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
