/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.bench.command.BenchCommand;
import dev.slimport.bench.command.CeilingCommand;
import dev.slimport.bench.command.ClassifyCommand;
import dev.slimport.bench.command.Converters;
import dev.slimport.bench.command.DescribeCommand;
import dev.slimport.bench.command.EvalCommand;
import dev.slimport.bench.command.ExportCommand;
import dev.slimport.bench.command.ForwardCommand;
import dev.slimport.bench.command.InfoCommand;
import dev.slimport.bench.command.PlotCommand;
import dev.slimport.bench.command.TrainCommand;
import dev.slimport.bench.command.TrainDemoCommand;
import dev.slimport.bench.command.VerifyCommand;
import dev.slimport.bench.host.EnvironmentInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code resnet-bench} command: the seed notebook's forward benchmark of TF-slim's ResNet v2 as a Java tool,
 * plus a model summary, an environment report, the convolution ceiling of the machine, SavedModel export and
 * verification, and a small training demo.
 *
 * <p>{@code forward} is the default: {@code resnet-bench} and {@code resnet-bench --model resnet_v2_50} run it.
 * Exit codes: 0 success, 2 usage error (a one-line message naming the option and what is allowed), 1 runtime
 * failure; stack traces only with {@code --verbose}. Other modules' commands join by one line each in {@code
 * subcommands} below, and get the same exit-code handling through {@link #commandLine()}.
 */
@Command(
        name = "resnet-bench",
        mixinStandardHelpOptions = true,
        versionProvider = ResNetBenchCli.Version.class,
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
            ExportCommand.class,
            VerifyCommand.class,
            TrainDemoCommand.class,
            ClassifyCommand.class,
            EvalCommand.class,
            TrainCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class ResNetBenchCli implements Callable<Integer> {

    /** The name of the default subcommand. */
    public static final String DEFAULT_COMMAND = "forward";

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean verbose;

    /** {@code resnet-bench} alone: {@code forward} with its defaults. */
    @Override
    public Integer call() {
        return spec.subcommands().get(DEFAULT_COMMAND).execute(verbose ? new String[] {"--verbose"} : new String[0]);
    }

    /**
     * The command line with this tool's exit-code handling and default command: its {@code execute(args)} runs
     * {@code forward} when the arguments start with an option that is not one of the top command's.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ResNetBenchCli()) {
            @Override
            public int execute(String... args) {
                return super.execute(withDefaultCommand(getSubcommands().keySet(), args));
            }
        };
        Converters.register(cl);
        addSparkInfer(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler((ex, args) ->
                BenchCommand.report(ex.getCommandLine(), ex, List.of(args).contains("--verbose")));
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> BenchCommand.report(c, ex));
        return cl;
    }

    /** The class of {@code spark-infer}, in the spark-inference module; on the class path in the Spark build. */
    static final String SPARK_INFER_CLASS = "dev.slimport.spark.SparkInferCommand";

    /**
     * Registers {@code spark-infer} when the Spark build is on the class path ({@code -Pspark}); otherwise a command of
     * that name whose usage error explains how to get it (exit 2). Spark stays out of the default CLI distribution.
     */
    static void addSparkInfer(CommandLine cl) {
        Object command;
        try {
            command = Class.forName(SPARK_INFER_CLASS).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            cl.addSubcommand("spark-infer", new SparkMissingCommand());
            return;
        }
        CommandLine sub = new CommandLine(command);
        CommandLine.Model.OptionSpec own = sub.getCommandSpec().findOption("--verbose");
        if (own != null) {
            sub.getCommandSpec().remove(own);
        }
        cl.addSubcommand("spark-infer", sub);
    }

    /** {@code spark-infer} in a build without Spark. */
    @Command(
            name = "spark-infer",
            description =
                    "Batch inference with an exported SavedModel on Apache Spark (needs the Spark build: -Pspark).")
    static final class SparkMissingCommand implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> ignored;

        @Override
        public Integer call() {
            throw new IllegalArgumentException("this build has no Spark; build the CLI with"
                    + " './mvnw -B -q -Pspark -pl resnet-bench -am package -DskipTests' (see docs/spark.md)");
        }
    }

    /** {@code args} with {@link #DEFAULT_COMMAND} inserted before the first option the top command does not take. */
    static String[] withDefaultCommand(Set<String> commands, String... args) {
        List<String> out = new ArrayList<>(List.of(args));
        for (int i = 0; i < out.size(); i++) {
            String a = out.get(i);
            if (TOP_OPTIONS.contains(a)) {
                continue;
            }
            if (a.startsWith("-") && !commands.contains(a)) {
                out.add(i, DEFAULT_COMMAND);
            }
            break;
        }
        return out.toArray(String[]::new);
    }

    private static final Set<String> TOP_OPTIONS = Set.of("--verbose", "-h", "--help", "-V", "--version");

    /** {@code --version}: this tool's version (jar manifest) and the TensorFlow runtime's. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "resnet-bench " + EnvironmentInfo.toolVersion(),
                "TensorFlow " + TensorFlow.version() + " (TensorFlow Java " + EnvironmentInfo.tensorflowJavaVersion()
                        + ")",
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }

    /** Runs the tool; the only {@code System.exit}. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
