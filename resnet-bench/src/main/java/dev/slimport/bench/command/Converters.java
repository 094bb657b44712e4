/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ForwardBenchmark;
import dev.slimport.bench.result.StepMode;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.slim.DataFormat;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's conversions of the typed options. A bad value is a usage error (exit 2) whose message names the option
 * and the allowed values; the converters that are also {@code Iterable} give the values {@code --help} lists.
 */
final class Converters {
    private Converters() {}

    /** The value {@code parse} returns, its {@link IllegalArgumentException} turned into picocli's conversion error. */
    static <T> T convert(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** The constant of {@code allowed} whose {@code toString()} is {@code value} (case-insensitive). */
    static <E extends Enum<E>> E named(String option, String what, String value, E[] allowed) {
        for (E e : allowed) {
            if (e.toString().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        throw new TypeConversionException(option + ": unknown " + what + " '" + value + "'; allowed: "
                + Arrays.stream(allowed).map(Object::toString).collect(Collectors.joining(", ")));
    }

    /** {@code --model}: {@code resnet_v2_50} or {@code 50}, and so on ({@link Depth#parse}). */
    static final class Model implements ITypeConverter<Depth>, Iterable<String> {
        @Override
        public Depth convert(String value) {
            return Converters.convert(() -> Depth.parse("--model", value));
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Depth.values()).map(Depth::scopeName).iterator();
        }
    }

    /** {@code --precision}: fp32, bf16 or fp16 ({@link Precision#parse}). */
    static final class PrecisionLabel implements ITypeConverter<Precision>, Iterable<String> {
        @Override
        public Precision convert(String value) {
            return Converters.convert(() -> Precision.parse("--precision", value));
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Precision.values()).map(Precision::label).iterator();
        }
    }

    /** {@code --data-format}: NHWC or NCHW ({@link DataFormat#parse}). */
    static final class Layout implements ITypeConverter<DataFormat> {
        @Override
        public DataFormat convert(String value) {
            return Converters.convert(() -> DataFormat.parse("--data-format", value));
        }
    }

    /** {@code --device}: cpu, gpu or gpu:N ({@link DeviceRequest#parse}). */
    static final class Device implements ITypeConverter<DeviceRequest> {
        @Override
        public DeviceRequest convert(String value) {
            return Converters.convert(() -> DeviceRequest.parse("--device", value));
        }
    }

    /** {@code --mode}: inference, forward-backward or train. */
    static final class Mode implements ITypeConverter<StepMode> {
        @Override
        public StepMode convert(String value) {
            return named("--mode", "mode", value, StepMode.values());
        }
    }

    /** {@code --input}: random or fixed. */
    static final class Input implements ITypeConverter<ForwardBenchmark.InputMode> {
        @Override
        public ForwardBenchmark.InputMode convert(String value) {
            return named("--input", "input", value, ForwardBenchmark.InputMode.values());
        }
    }

    /** {@code --format} of {@code forward}: text, json or csv. */
    static final class Format implements ITypeConverter<OutputOptions.Format> {
        @Override
        public OutputOptions.Format convert(String value) {
            return named("--format", "format", value, OutputOptions.Format.values());
        }
    }

    /** {@code --format} of the commands without CSV: text or json. */
    static final class TextOrJson implements ITypeConverter<OutputOptions.Format>, Iterable<String> {
        private static final OutputOptions.Format[] ALLOWED = {OutputOptions.Format.TEXT, OutputOptions.Format.JSON};

        @Override
        public OutputOptions.Format convert(String value) {
            return named("--format", "format", value, ALLOWED);
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ALLOWED).map(Object::toString).iterator();
        }
    }
}
