/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the subcommands. A command throws what fails; the tool's one exception handler ({@code
 * ResNetBenchCli.commandLine()}) reports it as one line and maps it to the exit code — 2 for a usage error (an {@link
 * IllegalArgumentException} raised while validating options, before any native work), 1 for a runtime failure — with
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
}
