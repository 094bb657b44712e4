/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.ForwardBenchmark;
import dev.slimport.bench.engine.RunPrecision;
import dev.slimport.bench.result.StepMode;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.slim.DataFormat;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's conversions of the typed options, one per type (each type is one option's). A bad value is a usage error
 * (exit 2) whose message names the option and the allowed values; the {@code Iterable} classes give the values {@code
 * --help} lists where a type's constants do not print as its values.
 */
public final class Converters {
    private Converters() {}

    /** Registers the conversion of every typed option on {@code cl} and the subcommands it has now. */
    public static void register(CommandLine cl) {
        cl.registerConverter(Depth.class, parsed(value -> Depth.parse("--model", value)))
                .registerConverter(Precision.class, parsed(value -> Precision.parse("--precision", value)))
                .registerConverter(RunPrecision.class, parsed(value -> RunPrecision.parse("--precision", value)))
                .registerConverter(DataFormat.class, parsed(value -> DataFormat.parse("--data-format", value)))
                .registerConverter(DeviceRequest.class, parsed(value -> DeviceRequest.parse("--device", value)))
                .registerConverter(StepMode.class, value -> named("--mode", "mode", value, StepMode.values()))
                .registerConverter(
                        ForwardBenchmark.InputMode.class,
                        value -> named("--input", "input", value, ForwardBenchmark.InputMode.values()))
                .registerConverter(
                        SharedOptions.Format.class,
                        value -> named("--format", "format", value, SharedOptions.Format.values()));
    }

    /** {@code parse}, its {@link IllegalArgumentException} turned into picocli's conversion error. */
    private static <T> ITypeConverter<T> parsed(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
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

    /** The {@code --model} values {@code --help} lists: resnet_v2_50, ... */
    static final class ModelNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Depth.values()).map(Depth::scopeName).iterator();
        }
    }

    /** The {@code --precision} values {@code --help} lists: fp32, bf16, fp16. */
    static final class PrecisionLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Precision.values()).map(Precision::label).iterator();
        }
    }

    /** The {@code --precision} values {@code forward} and {@code ceiling} list: fp32, bf16, fp16, int8. */
    static final class RunPrecisionLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(RunPrecision.values()).map(RunPrecision::label).iterator();
        }
    }

    /** {@code --format} of the commands without CSV: text or json. */
    static final class TextOrJson implements ITypeConverter<SharedOptions.Format>, Iterable<String> {
        private static final SharedOptions.Format[] ALLOWED = {SharedOptions.Format.TEXT, SharedOptions.Format.JSON};

        @Override
        public SharedOptions.Format convert(String value) {
            return named("--format", "format", value, ALLOWED);
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ALLOWED).map(Object::toString).iterator();
        }
    }
}
