/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.RunFailure;
import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.savedmodel.CheckpointMismatchException;
import dev.slimport.savedmodel.ExportInterruptedException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the subcommands. A command throws what fails; {@link #report}, the tool's one way of reporting a failure
 * (called by its execution exception handler), prints it as one line and maps it to the exit code — 2 for a usage error (an {@link
 * IllegalArgumentException} naming an option, not raised by TensorFlow), 1 for a runtime failure — with
 * no stack trace unless {@code --verbose}.
 */
public abstract class BenchCommand implements Callable<Integer> {

    /** Filled in by picocli. */
    @Spec
    protected CommandSpec spec;

    /** Runs the command; throws {@link IllegalArgumentException} for bad options and anything else for failures. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    /** Standard output of this command (captured in tests). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of this command (captured in tests). */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints a one-line warning to stderr. */
    protected void warn(String message) {
        err().println(spec.qualifiedName() + ": warning: " + message);
        err().flush();
    }

    /**
     * Prints {@code e} on the command's stderr and returns its exit code: 2 for usage errors (picocli's parameter errors, an {@link IllegalArgumentException} not raised by TensorFlow), 130 for an interrupted
     * export, 1 otherwise. One line, except a checkpoint mismatch, which lists every offending name with both shapes;
     * the stack trace too with {@code --verbose} ({@code verboseArgument}: it was given, for a parameter error found
     * before picocli set it).
     */
    public static int report(CommandLine cmd, Throwable e, boolean verboseArgument) {
        boolean usage = isUsage(e);
        boolean interrupted = e instanceof ExportInterruptedException;
        String message = e instanceof CommandLine.ParameterException p
                ? parameterMessage(p) + " (see --help)"
                : interrupted || e instanceof CheckpointMismatchException ? e.getMessage() : describe(e);
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + (usage || interrupted ? "" : "error: ") + message);
        if (verboseArgument || verbose(cmd)) {
            e.printStackTrace(err);
        }
        err.flush();
        return interrupted
                ? ForwardCommand.EXIT_INTERRUPTED
                : usage ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
    }

    /** {@link #report(CommandLine, Throwable, boolean)} of an error raised while the command runs. */
    public static int report(CommandLine cmd, Throwable e) {
        return report(cmd, e, false);
    }

    /**
     * picocli's message without its "Invalid value for option" prefix when the converter's message names the option
     * already; an unknown command at the top lists the commands.
     */
    private static String parameterMessage(CommandLine.ParameterException e) {
        CommandLine c = e.getCommandLine();
        if (c.getParent() == null
                && e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "'; allowed: "
                    + String.join(", ", c.getSubcommands().keySet());
        }
        return RunFailure.firstLine(e.getMessage())
                .replaceFirst("^Invalid value for option '([^']+)'( \\([^)]*\\))?: (?=\\1)", "");
    }

    private static boolean isUsage(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return true;
        }
        return e instanceof IllegalArgumentException && !e.getClass().getName().startsWith("org.tensorflow.");
    }

    private static String describe(Throwable e) {
        if (e instanceof TFResourceExhaustedException) {
            return "TensorFlow ran out of memory (" + RunFailure.firstLine(e.getMessage())
                    + "); use a smaller --batch-size";
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + RunFailure.firstLine(e.getMessage()) + "); use a smaller --batch-size";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return RunFailure.firstLine(message);
    }

    /**
     * {@code e} with the library's argument name at the start of its message replaced by this command's option for it
     * ({@code out: ...} becomes {@code --out: ...}); {@code e} itself when {@code option} has none (null).
     */
    protected static IllegalArgumentException optionNamed(IllegalArgumentException e, Function<String, String> option) {
        String m = Objects.requireNonNullElse(e.getMessage(), "");
        int colon = m.indexOf(": ");
        String name = colon < 0 ? null : option.apply(m.substring(0, colon));
        return name == null ? e : new IllegalArgumentException(name + m.substring(colon), e);
    }

    /**
     * Refuses (exit 1) a {@code --batch-size} whose {@code what} needs {@code needed} bytes when less memory is
     * available (no check when that is unknown), before anything big is allocated; {@code detail} follows the bytes
     * needed, {@code smaller} names the options to make smaller.
     */
    static void checkMemory(
            EnvironmentInfo env, int batchSize, String what, long needed, String detail, String smaller) {
        long available = env.memoryAvailableBytes();
        if (available > 0 && needed > available) {
            throw new RunFailure("--batch-size " + batchSize + ": " + what + " needs at least " + toGib(needed) + detail
                    + " but " + toGib(available) + " of memory is available; use a smaller " + smaller);
        }
    }

    /** {@code bytes} in GiB with one decimal: {@code 1.5 GiB}. */
    static String toGib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }

    /** Whether the top command's {@code --verbose} (inherited by every subcommand) was given. */
    public static boolean verbose(CommandLine c) {
        OptionSpec verbose = c.getCommandSpec().root().findOption("--verbose");
        return verbose != null && Boolean.TRUE.equals(verbose.getValue());
    }
}
