/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;

/**
 * An append-only, ordered collection of named layer outputs: slim's {@code collect_named_outputs} into an outputs
 * collection, read back by {@code convert_collection_to_dict}. The first time an alias is collected fixes its place;
 * collecting it again replaces the tensor but keeps the place, as slim's OrderedDict does.
 */
public final class EndPoints {
    private final LinkedHashMap<String, Operand<?>> byAlias = new LinkedHashMap<>();

    /**
     * Collects {@code output} under {@code alias} (a trailing {@code /} is dropped, as slim does).
     *
     * @return {@code output}, so calls can be chained as slim's return value is
     */
    public <O extends Operand<?>> O collect(String alias, O output) {
        if (alias == null || output == null) {
            throw new IllegalArgumentException("alias and output must not be null");
        }
        String key = alias.endsWith("/") ? alias.substring(0, alias.length() - 1) : alias;
        byAlias.put(key, output);
        return output;
    }

    /** The end points so far, as an unmodifiable ordered map (slim's {@code convert_collection_to_dict}). */
    public Map<String, Operand<?>> toMap() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byAlias));
    }
}
