/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import dev.slimport.bench.engine.Progress;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.bench.train.TensorBoardScalars;
import dev.slimport.bench.train.TrainingOptions;
import dev.slimport.classify.ImageTraining;
import dev.slimport.classify.LabelledImages;
import dev.slimport.classify.MovingAverages;
import dev.slimport.classify.SlimCheckpoints;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetArgScope;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.train.Optimizer;
import dev.slimport.resnet.train.TrainingGraph;
import dev.slimport.savedmodel.RestoreResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code resnet-bench train --data DIR --out PREFIX}: slim's {@code train_image_classifier.py} on an image-folder
 * tree, through {@link ImageTraining#run}. Writes {@code PREFIX.index}/{@code .data-*} every {@code --save-every}
 * steps and at the end, with {@code PREFIX.network.json} ({@link NetworkDescriptor}) beside them, so {@code export
 * --checkpoint PREFIX}, {@code eval --checkpoint PREFIX} and {@code classify --checkpoint PREFIX} need no network
 * options. Ctrl-C stops after the running step and saves a last checkpoint.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train or fine-tune a ResNet v2 on labelled images (DIR/<class>/<image>, or slim's TFRecords), as"
                    + " slim's train_image_classifier.py: inception preprocessing for training in the graph, softmax"
                    + " cross-entropy + weight decay, momentum, rmsprop or adam, slim's learning-rate schedules.",
            "Images TensorFlow cannot decode are counted in every pass over the data and named on stderr.",
            "Saves PREFIX.index/.data-* every --save-every steps and at the end (also on Ctrl-C), and"
                    + " PREFIX.network.json, so 'export --checkpoint PREFIX' and 'eval --checkpoint PREFIX' work."
        })
public final class TrainCommand extends BenchCommand {

    /** The TensorBoard scalar tags, slim's {@code total_loss} and {@code learning_rate} among them. */
    static final List<String> TAGS = List.of("total_loss", "accuracy", "learning_rate", "images_per_second");

    @Mixin
    DataOptions data = new DataOptions();

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "Class labels, one per line (line n+1 = class n): class folders are mapped to them by name,"
                    + " as eval does; --num-classes defaults to their count.")
    Path labels;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "PREFIX",
            description = "The checkpoint prefix to write (slim's --train_dir/model.ckpt); its folder is created.")
    Path out;

    @Option(
            names = "--model",
            completionCandidates = Converters.ModelNames.class,
            description = "${COMPLETION-CANDIDATES} (default: the --checkpoint's network.json network, else"
                    + " resnet_v2_50).")
    Depth model;

    @Option(
            names = "--base-depth",
            paramLabel = "N",
            description = "A narrow net: --model's blocks at this first-block bottleneck depth (resnet_v2_50: 64),"
                    + " scope resnet_v2, as train-demo builds.")
    Integer baseDepth;

    @Option(
            names = "--num-classes",
            paramLabel = "N",
            description = "The logits' width (default: the --labels count, else the number of class folders;"
                    + " required with TFRecords).")
    Integer numClasses;

    @Option(
            names = "--checkpoint",
            paramLabel = "PREFIX",
            description = "Start from this checkpoint (slim's --checkpoint_path), restored by variable name.")
    Path checkpoint;

    @Option(
            names = "--exclude",
            split = ",",
            paramLabel = "SCOPE",
            description = "Variables not restored from --checkpoint (slim's --checkpoint_exclude_scopes), e.g."
                    + " resnet_v2_50/logits.")
    List<String> exclude = List.of();

    @Option(
            names = "--trainable-scopes",
            split = ",",
            paramLabel = "SCOPE",
            description = "Train only these variables (slim's --trainable_scopes; default: all).")
    List<String> trainableScopes = List.of();

    /** slim's flags: batch 32, 224, learning rate 0.01, weight decay 0.00004, resnet_arg_scope's 0.997. */
    @Mixin
    TrainingOptions training = new TrainingOptions(
            32,
            224,
            TrainingGraph.DEFAULT_LEARNING_RATE,
            0.00004, // train_image_classifier.py --weight_decay
            ResNetArgScope.BATCH_NORM_DECAY);

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "The global step to stop at (slim's --max_number_of_steps).")
    Long steps;

    @Option(
            names = "--epochs",
            paramLabel = "E",
            description = "Or: passes over the data (steps = ceil(E * images / batch)); default 1 when --steps is"
                    + " not given.")
    Double epochs;

    @Option(
            names = "--learning-rate-decay-type",
            paramLabel = "TYPE",
            defaultValue = "exponential",
            description = "exponential (staircase), fixed or polynomial (power 1, to --end-learning-rate), slim's"
                    + " --learning_rate_decay_type (default: ${DEFAULT-VALUE}).")
    String decayType;

    @Option(
            names = "--end-learning-rate",
            defaultValue = "0.0001",
            description = "Where the polynomial decay ends (slim's default: ${DEFAULT-VALUE}).")
    double endLearningRate;

    @Option(
            names = "--learning-rate-decay-factor",
            defaultValue = "0.94",
            description = "Exponential decay factor, staircase (slim's default: ${DEFAULT-VALUE}).")
    double decayFactor;

    @Option(
            names = "--epochs-per-decay",
            defaultValue = "2.0",
            description = "Epochs between decays (slim's default: ${DEFAULT-VALUE}).")
    double epochsPerDecay;

    @Option(
            names = "--optimizer",
            defaultValue = "momentum",
            description = "momentum, rmsprop or adam (slim's --optimizer; default here: ${DEFAULT-VALUE}, slim's"
                    + " is rmsprop).")
    String optimizer;

    @Option(
            names = "--rmsprop-momentum",
            defaultValue = "0.9",
            description = "RMSProp's momentum (slim's default: ${DEFAULT-VALUE}).")
    double rmspropMomentum;

    @Option(
            names = "--rmsprop-decay",
            defaultValue = "0.9",
            description = "RMSProp's decay (slim's default: ${DEFAULT-VALUE}).")
    double rmspropDecay;

    @Option(
            names = "--opt-epsilon",
            defaultValue = "1.0",
            description = "RMSProp's and Adam's epsilon (slim's default: ${DEFAULT-VALUE}).")
    double optEpsilon;

    @Option(
            names = "--adam-beta1",
            defaultValue = "0.9",
            description = "Adam's beta1 (slim's default: ${DEFAULT-VALUE}).")
    double adamBeta1;

    @Option(
            names = "--adam-beta2",
            defaultValue = "0.999",
            description = "Adam's beta2 (slim's default: ${DEFAULT-VALUE}).")
    double adamBeta2;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0",
            description = "slim's --label_smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(
            names = "--num-readers",
            paramLabel = "N",
            defaultValue = "4",
            description = "slim's --num_readers: TFRecord files read at once, one record from each in turn, the file"
                    + " order shuffled each pass (default: ${DEFAULT-VALUE}).")
    int numReaders;

    @Option(
            names = "--moving-average-decay",
            paramLabel = "D",
            description = "slim's --moving_average_decay: keep exponential moving averages of the model variables"
                    + " (<var>/ExponentialMovingAverage, TF1's decay min(D, (1+step)/(10+step))), saved with every"
                    + " checkpoint; eval/classify --moving-average-decay restore them (default: none).")
    Double movingAverageDecay;

    @Option(names = "--no-color-distortion", description = "Skip preprocess_for_train's colour distortion.")
    boolean noColorDistortion;

    @Option(
            names = "--save-every",
            paramLabel = "N",
            defaultValue = "500",
            description = "Save a checkpoint every N steps (default: ${DEFAULT-VALUE}) and at the end.")
    long saveEvery;

    @Option(
            names = "--log-every",
            paramLabel = "N",
            defaultValue = "10",
            description = "Print a loss line every N steps (default: ${DEFAULT-VALUE}).")
    long logEvery;

    @Option(names = "--resume", description = "Continue from PREFIX (its global step, weights and momentum).")
    boolean resume;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Graph seed: initializers, shuffling, distortions (0: random; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--tensorboard",
            paramLabel = "DIR",
            description =
                    "Also write TensorBoard scalars (total_loss, accuracy, learning_rate, images_per_second) every"
                            + " --log-every steps into an event file in DIR.")
    Path tensorboard;

    @Option(
            names = {"--quiet", "-q"},
            description = "No progress bar on stderr.")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        if (steps != null && epochs != null) {
            throw new IllegalArgumentException("--steps: give --steps or --epochs, not both");
        }
        if (logEvery < 1) {
            throw new IllegalArgumentException("--log-every: must be >= 1, got " + logEvery);
        }
        training.validate();
        if (checkpoint != null && Files.isDirectory(checkpoint)) { // a training folder: its latest checkpoint
            Path folder = checkpoint;
            checkpoint = SlimCheckpoints.latest(folder)
                    .orElseThrow(
                            () -> new IllegalArgumentException("--checkpoint: " + folder + " is a folder without a '"
                                    + SlimCheckpoints.STATE_FILE + "' file naming an existing checkpoint"));
        }
        for (Path p : data.data) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("--data: " + p + " does not exist");
            }
        }
        if (Files.exists(Path.of(out + ".index")) && !resume && !training.force()) {
            throw new IllegalArgumentException(
                    "--out: a checkpoint exists at " + out + "; use --resume to continue or --force to replace it");
        }
        NetworkSpec network = network();
        LabelledImages set = labelledImages(network.numClasses());
        for (String w : set.warnings()) {
            warn(w);
        }
        long total = steps != null
                ? steps
                : (long) Math.ceil((epochs == null ? 1.0 : epochs) * set.size() / training.batchSize());
        if (movingAverageDecay != null) {
            MovingAverages.checkDecay("--moving-average-decay", movingAverageDecay);
        }
        if (epochs != null && !(epochs > 0)) {
            throw new IllegalArgumentException("--epochs: must be > 0, got " + epochs);
        }
        ImageTraining.Options options = new ImageTraining.Options()
                .network(network)
                .batchSize(training.batchSize())
                .steps(total)
                .out(out)
                .checkpoint(checkpoint)
                .excludes(exclude)
                .trainableScopes(trainableScopes)
                .weightDecay(training.weightDecay())
                .batchNormDecay(training.batchNormDecay())
                .learningRate(training.learningRate())
                .decayType(ImageTraining.DecayType.parse("--learning-rate-decay-type", decayType))
                .endLearningRate(endLearningRate)
                .learningRateDecayFactor(decayFactor)
                .epochsPerDecay(epochsPerDecay)
                .momentum(training.momentum())
                .optimizer(Optimizer.parse("--optimizer", optimizer))
                .rmsprop(rmspropMomentum, rmspropDecay)
                .epsilon(optEpsilon)
                .adamBetas(adamBeta1, adamBeta2)
                .labelSmoothing(labelSmoothing)
                .numReaders(numReaders)
                .movingAverageDecay(movingAverageDecay == null ? 0 : movingAverageDecay)
                .distortColor(!noColorDistortion)
                .seed(seed)
                .saveEverySteps(saveEvery)
                .resume(resume)
                .validate();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        NetworkDescriptor descriptor = NetworkDescriptor.of(network, "resnet-bench train");
        out().printf(
                        Locale.ROOT,
                        "training %s (%d classes, %dx%d) on %d images of %s, batch %d, %d steps, %s, learning rate %s"
                                + " (%s)%n",
                        descriptor.describe(),
                        network.numClasses(),
                        training.imageSize(),
                        training.imageSize(),
                        set.size(),
                        set.mapping(),
                        training.batchSize(),
                        total,
                        options.optimizer().flagName(),
                        training.learningRate(),
                        options.decayType().flagName());
        if (options.movingAverageDecay() > 0) {
            out().printf(
                            Locale.ROOT,
                            "moving averages of the model variables: decay %s (TF1's min(D, (1+step)/(10+step))),"
                                    + " <var>/ExponentialMovingAverage in every checkpoint; eval/classify"
                                    + " --moving-average-decay %s restore them%n",
                            options.movingAverageDecay(),
                            options.movingAverageDecay());
        }
        out().flush();

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (TensorBoardScalars board = tensorboard == null ? null : new TensorBoardScalars(tensorboard, TAGS);
                Progress progress = Progress.create(err(), Progress.interactive() && !quiet)) {
            if (board != null) {
                out().println("TensorBoard scalars: " + board.file());
            }
            progress.phase("building the graph, initializing");
            ImageTraining.Result result =
                    ImageTraining.run(set, options, new Listener(progress, descriptor, total, board), stop::get);
            progress.clear();
            out().printf(
                            Locale.ROOT,
                            "%s checkpoint %s at global step %d (%s-%d; the last %d are kept, listed in %s)"
                                    + " (%.1f s, %.1f images/s)%n",
                            result.stopped() ? "stopped; saved" : "saved",
                            out,
                            result.globalStep(),
                            out.getFileName(),
                            result.globalStep(),
                            SlimCheckpoints.MAX_TO_KEEP,
                            SlimCheckpoints.STATE_FILE,
                            result.seconds(),
                            result.imagesPerSecond());
            out().println(undecodable(result));
            out().println("export it: resnet-bench export --checkpoint " + out + " --out DIR");
            out().flush();
        } finally {
            // on Ctrl-C the hook waits for this: the last checkpoint and its lines are written before the JVM exits
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting (Ctrl-C)
            }
        }
        return 0;
    }

    /** --model / --base-depth, or the --checkpoint's descriptor, with --num-classes and --image-size. */
    private NetworkSpec network() throws IOException {
        NetworkSpec n;
        NetworkDescriptor d = checkpoint == null
                ? null
                : NetworkDescriptor.readFor(checkpoint).orElse(null);
        if (model == null && baseDepth == null && d != null) {
            n = d.network();
        } else {
            Depth depth = model == null ? Depth.D50 : model;
            if (baseDepth != null) {
                if (baseDepth < 1 || baseDepth > 64) {
                    throw new IllegalArgumentException("--base-depth: must be in 1..64, got " + baseDepth);
                }
                n = NetworkSpec.custom(ResNetV2.DEFAULT_SCOPE, depth.blocks(baseDepth));
            } else {
                n = NetworkSpec.of(depth);
            }
        }
        if (training.imageSize() < 32 || training.imageSize() > 8192) {
            throw new IllegalArgumentException("--image-size: must be in 32..8192, got " + training.imageSize());
        }
        int classes =
                numClasses != null ? numClasses : labels != null ? readLabels().size() : classFolders();
        if (classes < 2) {
            throw new IllegalArgumentException("--num-classes: must be >= 2, got " + classes);
        }
        return n.withNumClasses(classes).withImageSize(training.imageSize());
    }

    /** The class folders of an image-folder tree; refused for TFRecords, whose class count must be given. */
    private int classFolders() throws IOException {
        long folders = 0;
        if (data.data.size() == 1 && Files.isDirectory(data.data.get(0))) {
            try (var s = Files.list(data.data.get(0))) {
                folders = s.filter(p -> Files.isDirectory(p)
                                && !p.getFileName().toString().startsWith("."))
                        .count();
            }
        }
        if (folders == 0) {
            throw new IllegalArgumentException("--num-classes: required with TFRecord --data (or give --labels):"
                    + " slim's ImageNet records need 1001 (label 0 = background), or 1000 with --labels-offset 1");
        }
        return (int) folders;
    }

    private List<String> readLabels() throws IOException {
        return DataOptions.readLabels(labels).names();
    }

    /** The set, labelled as {@code eval} labels it ({@link DataOptions#read}). */
    private LabelledImages labelledImages(int classes) throws IOException {
        return data.read(classes, labels, null);
    }

    /** The closing line about the images TensorFlow dropped. */
    static String undecodable(ImageTraining.Result r) {
        if (r.passes() == 0) {
            return String.format(
                    Locale.ROOT,
                    "undecodable images: not known yet, the run ended within the first pass over the data (%d of %d"
                            + " images drawn)",
                    r.seenInPass(),
                    r.examples());
        }
        return r.undecodable().isEmpty()
                ? "undecodable images: none (" + r.passes() + " complete passes over " + r.examples() + " images)"
                : "undecodable images: " + r.undecodable().size() + " of " + r.examples()
                        + " dropped by TensorFlow in every pass (named on stderr): " + first(r.undecodable());
    }

    private static String first(List<String> sources) {
        return sources.size() <= 3
                ? String.join(", ", sources)
                : String.join(", ", sources.subList(0, 3)) + ", ... (" + (sources.size() - 3) + " more)";
    }

    /** Loss lines, the progress bar, the descriptor beside every checkpoint. */
    private final class Listener implements ImageTraining.Listener {
        private final Progress progress;
        private final NetworkDescriptor descriptor;
        private final long total;
        private final TensorBoardScalars board;
        private double loss;
        private double accuracy;
        private double imagesPerSecond;
        private int n;
        private final java.util.Set<String> named = new java.util.HashSet<>();

        Listener(Progress progress, NetworkDescriptor descriptor, long total, TensorBoardScalars board) {
            this.board = board;
            this.progress = progress;
            this.descriptor = descriptor;
            this.total = total;
        }

        @Override
        public void onStart(long firstStep, RestoreResult restored, List<String> skipped) {
            progress.clear();
            if (restored != null) {
                out().println("restored " + restored.restored().size() + " variables from " + restored.checkpoint()
                        + (restored.excluded().isEmpty() ? "" : ", excluded " + restored.excluded()));
            }
            if (firstStep > 0) {
                out().println("resuming at global step " + firstStep);
            }
            for (String s : skipped) {
                warn("skipped " + s);
            }
            out().flush();
        }

        @Override
        public void onStep(ImageTraining.Step s) {
            loss += s.loss();
            accuracy += s.accuracy();
            imagesPerSecond += s.imagesPerSecond();
            n++;
            if (s.step() % logEvery == 0 || s.step() == total) {
                progress.clear();
                out().printf(
                                Locale.ROOT,
                                "step %d/%d  loss %.4f  accuracy %.1f%%  learning rate %.6g  %.1f images/s%n",
                                s.step(),
                                total,
                                loss / n,
                                100 * accuracy / n,
                                s.learningRate(),
                                imagesPerSecond / n);
                out().flush();
                if (board != null) {
                    board.write(
                            s.step(),
                            Map.of(
                                    "total_loss", loss / n,
                                    "accuracy", accuracy / n,
                                    "learning_rate", s.learningRate(),
                                    "images_per_second", imagesPerSecond / n));
                }
                loss = 0;
                accuracy = 0;
                imagesPerSecond = 0;
                n = 0;
            }
            progress.update(String.format(
                    Locale.ROOT,
                    "step %d/%d  loss %.4f  %.1f images/s",
                    s.step(),
                    total,
                    s.loss(),
                    s.imagesPerSecond()));
        }

        @Override
        public void onPass(ImageTraining.Pass p) {
            progress.clear();
            out().printf(
                            Locale.ROOT,
                            "pass %d over the data complete at step %d: %d of %d images used, %d undecodable%n",
                            p.pass(),
                            p.step(),
                            p.used(),
                            p.examples(),
                            p.undecodable().size());
            out().flush();
            for (String source : p.undecodable()) {
                if (named.add(source)) {
                    warn(source + ": TensorFlow could not decode or parse it (or its label is outside the classes);"
                            + " it is skipped in every pass");
                }
            }
        }

        @Override
        public void onCheckpoint(Path prefix, long step) {
            for (Path p : List.of(prefix, out)) { // PREFIX-<step> and its alias PREFIX
                try {
                    descriptor.writeFor(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + NetworkDescriptor.fileFor(p), e);
                }
            }
        }
    }
}
