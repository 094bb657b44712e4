/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the subcommands: maps failures to the exit codes of {@link ResNetBenchCli} — 2 for a usage error (an
 * {@link IllegalArgumentException} raised while validating options, before any native work), 1 for a runtime
 * failure — with a one-line message and no stack trace unless {@code --verbose}.
 */
public abstract class BenchCommand implements Callable<Integer> {

    /** Filled in by picocli. */
    @Spec
    protected CommandSpec spec;

    /** Runs the command; throws {@link IllegalArgumentException} for bad options and anything else for failures. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Exception | OutOfMemoryError e) {
            return ResNetBenchCli.report(spec.commandLine(), e, verbose());
        }
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

    /** Whether {@code --verbose} was given on this command or the top command. */
    protected boolean verbose() {
        CommandSpec s = spec;
        while (s != null) {
            if (s.userObject() instanceof ResNetBenchCli top) {
                return top.verbose;
            }
            s = s.parent();
        }
        return false;
    }
}
