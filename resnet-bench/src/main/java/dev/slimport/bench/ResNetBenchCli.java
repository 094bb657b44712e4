/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The {@code resnet-bench} command: the seed notebook's forward benchmark of TF-slim's ResNet v2 as a Java tool,
 * plus a model summary, an environment report and the convolution ceiling of the machine.
 *
 * <p>{@code forward} is the default: {@code resnet-bench} and {@code resnet-bench --model resnet_v2_50} run it.
 * Exit codes: 0 success, 2 usage error (a one-line message naming the option and what is allowed), 1 runtime
 * failure; stack traces only with {@code --verbose}. Other modules' commands join by one line each in {@code
 * subcommands} below, and get the same exit-code handling through {@link #commandLine()}.
 */
@Command(
    name = "resnet-bench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Benchmarks TF-slim's ResNet v2 (resnet_v2_50/101/152/200) on TensorFlow Java.",
      "Without a command, runs 'forward' with the given options (the seed notebook's defaults:"
          + " resnet_v2_152, batch 32, 224x224, 10 warm-up + 100 timed steps)."
    },
    subcommands = {
      ForwardCommand.class,
      DescribeCommand.class,
      InfoCommand.class,
      CeilingCommand.class,
      PlotCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class ResNetBenchCli implements Callable<Integer> {

  /** The name of the default subcommand. */
  public static final String DEFAULT_COMMAND = "forward";

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces on errors and debug logs.")
  boolean verbose;

  @Unmatched List<String> forwardArgs = new ArrayList<>();

  /** {@code resnet-bench [forward options]}: runs {@code forward}. */
  @Override
  public Integer call() {
    List<String> args = new ArrayList<>(forwardArgs);
    if (!args.isEmpty() && !args.get(0).startsWith("-")) {
      return report(spec.commandLine(),
          new IllegalArgumentException("unknown command '" + args.get(0) + "'; allowed: "
              + String.join(", ", spec.subcommands().keySet())), verbose);
    }
    if (verbose && !args.contains("--verbose")) {
      args.add(0, "--verbose");
    }
    return spec.subcommands().get(DEFAULT_COMMAND).execute(args.toArray(String[]::new));
  }

  /** The command line with the exit-code handling of this tool; call {@code execute(args)} on it. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ResNetBenchCli());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          err.println(c.getCommandSpec().qualifiedName() + ": " + firstLine(ex.getMessage())
              + " (see --help)");
          if (isVerbose(c)) {
            ex.printStackTrace(err);
          }
          err.flush();
          return CommandLine.ExitCode.USAGE;
        });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> report(c, ex, isVerbose(c)));
    return cl;
  }

  /** Runs the tool; the only {@code System.exit}. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * Prints {@code e} as one line on the command's stderr and returns its exit code: 2 for usage errors ({@link
   * UsageException}, picocli's parameter errors, an {@link IllegalArgumentException} not raised by TensorFlow), 1
   * otherwise.
   */
  static int report(CommandLine cmd, Throwable e, boolean verbose) {
    boolean usage = isUsage(e);
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println(name + ": " + (usage ? "" : "error: ") + describe(e));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return usage ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
  }

  private static boolean isUsage(Throwable e) {
    if (e instanceof UsageException || e instanceof CommandLine.ParameterException) {
      return true;
    }
    return e instanceof IllegalArgumentException && !e.getClass().getName().startsWith("org.tensorflow.");
  }

  private static String describe(Throwable e) {
    if (e instanceof TFResourceExhaustedException) {
      return "TensorFlow ran out of memory (" + firstLine(e.getMessage()) + "); use a smaller --batch-size";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + firstLine(e.getMessage()) + "); use a smaller --batch-size";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return firstLine(message);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static boolean isVerbose(CommandLine c) {
    for (CommandLine p = c; p != null; p = p.getParent()) {
      if (p.getCommand() instanceof ResNetBenchCli top) {
        return top.verbose;
      }
    }
    return false;
  }
}
