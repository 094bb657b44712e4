/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.slimport.resnet.optimize.Int8Graph;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * What a SavedModel directory declares, read from its {@code saved_model.pb} (or {@code .pbtxt}) without loading
 * the graph: its MetaGraphs' tag sets and signatures, as {@code saved_model_cli show --all} lists them.
 *
 * @param dir the directory holding {@code saved_model.pb}
 * @param metaGraphs the MetaGraphs in file order
 */
public record SavedModelInfo(Path dir, List<MetaGraph> metaGraphs) {

    /** The file name TensorFlow loads (binary protocol buffer). */
    public static final String SAVED_MODEL_PB = "saved_model.pb";

    /** The text-format alternative TensorFlow also loads. */
    public static final String SAVED_MODEL_PBTXT = "saved_model.pbtxt";

    /** The variables directory and the prefix of the checkpoint in it. */
    public static final String VARIABLES_PREFIX = "variables/variables";

    private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");

    /** TensorFlow's init-op marker signature, not a callable signature. */
    static final String INIT_OP_SIGNATURE_KEY = "__saved_model_init_op";

    /**
     * One MetaGraph.
     *
     * @param tags its tag set, sorted
     * @param signatures its callable signatures, sorted by key
     * @param hasVariables whether its graph holds variables ({@code VariableV2} or {@code VarHandleOp} nodes), which
     *     a load restores from {@code variables/variables}
     * @param int8 whether it is an int8 graph ({@link Int8Graph#isInt8Op}), which {@link LoadedSavedModel} loads with
     *     {@link Int8Graph#sessionConfig}
     */
    public record MetaGraph(Set<String> tags, List<SignatureInfo> signatures, boolean hasVariables, boolean int8) {
        /** The value with unmodifiable copies. */
        public MetaGraph {
            tags = Collections.unmodifiableSet(new TreeSet<>(tags));
            signatures = List.copyOf(signatures);
        }
    }

    /** The value with an unmodifiable copy of the list. */
    public SavedModelInfo {
        metaGraphs = List.copyOf(metaGraphs);
    }

    /**
     * Finds the SavedModel to load under {@code dir}: {@code dir} itself if it holds {@code saved_model.pb}, else the
     * highest numeric version subdirectory that does (TF Serving's {@code DIR/<version>/} layout).
     *
     * @param argument the argument name for messages, e.g. {@code saved-model}
     * @throws IllegalArgumentException naming {@code argument} if there is no SavedModel there
     */
    public static Path resolve(String argument, Path dir) {
        if (dir == null || dir.toString().isEmpty()) {
            throw new IllegalArgumentException(argument + ": a SavedModel directory is required");
        }
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.exists(d)) {
            throw new IllegalArgumentException(argument + ": " + d + " does not exist");
        }
        if (!Files.isDirectory(d)) {
            throw new IllegalArgumentException(argument + ": " + d
                    + " is not a directory (a SavedModel is a directory holding " + SAVED_MODEL_PB + ")");
        }
        if (modelFile(d).isPresent()) {
            return d;
        }
        long best = -1;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path sub : s) {
                String name = sub.getFileName().toString();
                if (name.matches("\\d{1,18}")
                        && Files.isDirectory(sub)
                        && modelFile(sub).isPresent()) {
                    best = Math.max(best, Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(argument + ": cannot list " + d + ": " + e.getMessage(), e);
        }
        if (best < 0) {
            throw new IllegalArgumentException(argument + ": " + d + " holds no " + SAVED_MODEL_PB
                    + ", nor a numeric version directory with one" + " (DIR/<version>/" + SAVED_MODEL_PB + ")");
        }
        return d.resolve(Long.toString(best));
    }

    private static Optional<Path> modelFile(Path dir) {
        Path pb = dir.resolve(SAVED_MODEL_PB);
        if (Files.isRegularFile(pb)) {
            return Optional.of(pb);
        }
        Path txt = dir.resolve(SAVED_MODEL_PBTXT);
        return Files.isRegularFile(txt) ? Optional.of(txt) : Optional.empty();
    }

    /**
     * Reads the SavedModel under {@code dir} (resolved as {@link #resolve}).
     *
     * @throws IllegalArgumentException if there is no SavedModel there
     * @throws SavedModelException if the file is not a SavedModel protocol buffer or holds no MetaGraph
     */
    public static SavedModelInfo read(Path dir) {
        Path d = resolve("saved-model", dir);
        Path file = modelFile(d).orElseThrow();
        SavedModel proto;
        try {
            if (file.getFileName().toString().equals(SAVED_MODEL_PB)) {
                try (InputStream in = Files.newInputStream(file)) {
                    proto = SavedModel.parseFrom(in);
                }
            } else {
                SavedModel.Builder b = SavedModel.newBuilder();
                TextFormat.merge(Files.readString(file, StandardCharsets.UTF_8), b);
                proto = b.build();
            }
        } catch (InvalidProtocolBufferException | TextFormat.ParseException e) {
            throw new SavedModelException(
                    file + " is not a SavedModel protocol buffer (corrupt or truncated?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SavedModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (proto.getMetaGraphsCount() == 0) {
            throw new SavedModelException(file + " holds no MetaGraph; it is not a usable SavedModel");
        }
        List<MetaGraph> graphs = new ArrayList<>();
        for (MetaGraphDef mg : proto.getMetaGraphsList()) {
            List<SignatureInfo> sigs = new ArrayList<>();
            mg.getSignatureDefMap().entrySet().stream()
                    .filter(e -> !e.getKey().equals(INIT_OP_SIGNATURE_KEY))
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> sigs.add(SignatureInfo.of(e.getKey(), e.getValue())));
            boolean hasVariables =
                    mg.getGraphDef().getNodeList().stream().anyMatch(n -> VARIABLE_OPS.contains(n.getOp()));
            boolean int8 = mg.getGraphDef().getNodeList().stream().anyMatch(n -> Int8Graph.isInt8Op(n.getOp()));
            graphs.add(new MetaGraph(Set.copyOf(mg.getMetaInfoDef().getTagsList()), sigs, hasVariables, int8));
        }
        return new SavedModelInfo(d, graphs);
    }

    /**
     * The MetaGraph whose tag set is exactly {@code tags} (TensorFlow's loader matches sets exactly).
     *
     * @throws SavedModelException listing the tag sets there are if there is none
     */
    public MetaGraph metaGraph(Collection<String> tags) {
        Set<String> wanted = new TreeSet<>(tags);
        return metaGraphs.stream()
                .filter(m -> m.tags().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new SavedModelException("SavedModel " + dir + " has no MetaGraph tagged " + wanted
                        + "; its tag sets are: "
                        + metaGraphs.stream().map(m -> m.tags().toString()).collect(Collectors.joining(", "))));
    }

    /**
     * The signature {@code key} of {@code metaGraph}; with a null key its default: {@code serving_default} if present,
     * else the only signature.
     *
     * @param argument the argument name for messages, e.g. {@code signature}
     * @throws IllegalArgumentException naming {@code argument} and the available keys if there is no such signature
     */
    public SignatureInfo signature(MetaGraph metaGraph, String argument, String key) {
        List<SignatureInfo> sigs = metaGraph.signatures();
        String wanted = key != null ? key : sigs.size() == 1 ? sigs.get(0).key() : ServingSignature.KEY;
        for (SignatureInfo s : sigs) {
            if (s.key().equals(wanted)) {
                return s;
            }
        }
        String keys = sigs.stream().map(SignatureInfo::key).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(argument + ": "
                + (key != null
                        ? "'" + key + "' is not in SavedModel " + dir + "; available: " + keys
                        : "SavedModel " + dir + " has no '" + ServingSignature.KEY + "' signature and "
                                + (sigs.isEmpty() ? "no other" : "several others: " + keys) + "; name one"));
    }
}
