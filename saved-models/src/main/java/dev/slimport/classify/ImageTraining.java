/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetArgScope;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.preprocess.ImageHeader;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.resnet.train.Optimizer;
import dev.slimport.resnet.train.TrainingGraph;
import dev.slimport.savedmodel.AssignFromCheckpoint;
import dev.slimport.savedmodel.RestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.BatchDataset;
import org.tensorflow.op.data.IgnoreErrorsDataset;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.ParallelMapDataset;
import org.tensorflow.op.data.PrefetchDataset;
import org.tensorflow.op.data.RepeatDataset;
import org.tensorflow.op.data.TensorSliceDataset;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * slim's {@code train_image_classifier.py} on a labelled image set ({@link LabelledImages}): an image-folder tree
 * ({@code DIR/<class>/<image>}) or TFRecord files in slim's ImageNet format. An input pipeline in the graph, slim's
 * training step ({@link TrainingGraph}: softmax cross-entropy plus the L2 regularization losses, slim's {@code
 * --optimizer} momentum, rmsprop or adam ({@link Optimizer}), the batch-norm update ops), slim's learning-rate
 * schedules ({@link DecayType}), the network optionally started from a checkpoint with slim's {@code
 * --checkpoint_exclude_scopes} and {@code --trainable_scopes}, optionally slim's {@code --moving_average_decay}
 * ({@link MovingAverages}: shadows of the model variables updated after every step), and a checkpoint of every
 * variable saved every {@link Options#saveEverySteps} steps and at the end.
 *
 * <h2>The input pipeline (tf.data ops in the graph)</h2>
 *
 * What slim's {@code train_image_classifier.py} builds with {@code DatasetDataProvider(num_readers, common_queue_capacity
 * = 20·batch, shuffle=True)}, {@code image_preprocessing_fn(image, size, size)} and {@code tf.train.batch(num_threads=
 * num_preprocessing_threads)}, as TensorFlow's data ops. Every example carries its index in the set (the file's
 * position, or the record's position over all the files), so that the images TensorFlow drops can be named:
 *
 * <pre>
 * image folders:                                TFRecord files (slim's parallel_read):
 * TensorSliceDataset(files, labels, indices)    TensorSliceDataset(files, index of each file's first record)
 *                                                 .ShuffleDataset(all files, seed, reshuffled each pass)
 *                                                 .ParallelInterleaveDatasetV4(cycle min(num_readers, files), block 1:
 *                                                     TFRecordDataset(file) zipped with RangeDataset(first..))
 *   .ShuffleDataset(all files, seed)              .ShuffleDataset(min(records, 20·batch), seed)  # slim's queue capacity
 *   .ParallelMapDataset(AUTOTUNE:                 .ParallelMapDataset(AUTOTUNE: ParseSingleExample(image/encoded,
 *       ReadFile → decode → forTrain)                 image/class/label) → label − labels offset, asserted in
 *                                                     0..classes−1 → decode → forTrain)
 *   .IgnoreErrorsDataset                      # an example TensorFlow cannot parse or decode is dropped (and counted)
 *   .RepeatDataset(-1)                        # as many passes as the steps need
 *   .BatchDataset(batch, drop_remainder)      # static [batch, size, size, 3]
 *   .PrefetchDataset(2)                       # the next batches are prepared while the step runs
 * </pre>
 *
 * ({@code decode} is {@link InceptionPreprocessing#decode}, {@code forTrain} {@link InceptionPreprocessing#forTrain}.)
 * The per-example function is a {@link ConcreteFunction} in the graph's library (the pattern of {@code
 * EncodedImages.map}); the parallel map runs as many images at once as TensorFlow's inter-op pool has threads, so the
 * decoding and preprocessing keep the cores busy while the network trains. TFRecord files are read as slim's {@code
 * parallel_read} reads them: its {@code string_input_producer(shuffle=True)} becomes a file-order shuffle redone each
 * pass, its {@code num_readers} readers an interleave of {@link Options#numReaders} files at once, one record from each
 * in turn (deterministic when seeded: tf.data's {@code interleave} order), its common {@code RandomShuffleQueue} the
 * record shuffle buffer of slim's capacity.
 *
 * <p><b>Dropped examples are counted, not silently skipped.</b> Every step fetches its batch's indices; each pass of
 * the repeated data yields every usable example exactly once before the next pass starts, so when an index comes
 * again, the pass has ended and the indices it did not yield are the examples TensorFlow dropped: they are reported
 * per pass ({@link Listener#onPass}) and in {@link Result#undecodable()}. Within the first pass they cannot be known
 * yet ({@link Result#passes()} 0). Image files whose header names more than {@link ImageHeader#DEFAULT_MAX_PIXELS}
 * pixels or is not an image, and TFRecord files whose framing is broken, are left out before the graph is built and
 * reported in {@link Result#skipped()}.
 *
 * <p>Everything native (graph, session, tensors) is created and closed inside {@link #run}.
 */
public final class ImageTraining {
    private ImageTraining() {}

    /** tf.data's {@code AUTOTUNE}. */
    private static final long AUTOTUNE = -1;

    /** What {@code train_image_classifier.py}'s flags and its model set: see each component. */
    public static final class Options {
        NetworkSpec network;
        int batchSize = 32;
        long steps = 1000;
        Path out;
        Path checkpoint;
        List<String> excludes = List.of();
        List<String> trainableScopes = List.of();
        double weightDecay = ResNetArgScope.WEIGHT_DECAY;
        double batchNormDecay = ResNetArgScope.BATCH_NORM_DECAY;
        double learningRate = TrainingGraph.DEFAULT_LEARNING_RATE;
        double momentum = TrainingGraph.DEFAULT_MOMENTUM;
        DecayType decayType = DecayType.EXPONENTIAL;
        double learningRateDecayFactor = 0.94;
        double endLearningRate = END_LEARNING_RATE;
        double epochsPerDecay = 2.0;
        double labelSmoothing;
        boolean distortColor = true;
        long seed;
        long saveEverySteps = 500;
        boolean resume;
        Optimizer optimizer = Optimizer.MOMENTUM;
        double rmspropMomentum = Optimizer.RMSPROP_MOMENTUM;
        double rmspropDecay = Optimizer.RMSPROP_DECAY;
        double epsilon = Optimizer.OPT_EPSILON;
        double adamBeta1 = Optimizer.ADAM_BETA1;
        double adamBeta2 = Optimizer.ADAM_BETA2;
        double movingAverageDecay;
        int numReaders = NUM_READERS;

        /** slim's {@code --optimizer} (default momentum). */
        public Options optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** The optimizer chosen. */
        public Optimizer optimizer() {
            return optimizer;
        }

        /** slim's {@code --rmsprop_momentum} (0.9) and {@code --rmsprop_decay} (0.9). */
        public Options rmsprop(double momentum, double decay) {
            this.rmspropMomentum = momentum;
            this.rmspropDecay = decay;
            return this;
        }

        /** slim's {@code --opt_epsilon} (1.0), for rmsprop and adam. */
        public Options epsilon(double e) {
            this.epsilon = e;
            return this;
        }

        /** slim's {@code --adam_beta1} (0.9) and {@code --adam_beta2} (0.999). */
        public Options adamBetas(double b1, double b2) {
            this.adamBeta1 = b1;
            this.adamBeta2 = b2;
            return this;
        }

        /**
         * slim's {@code --moving_average_decay} (default 0: none): keep {@link MovingAverages} of the model variables,
         * {@code <var>/ExponentialMovingAverage}, updated after every step and saved with every checkpoint.
         */
        public Options movingAverageDecay(double d) {
            this.movingAverageDecay = d;
            return this;
        }

        /**
         * slim's {@code --num_readers} (default 4): how many TFRecord files are read at once, one record from each
         * in turn (image folders: not used).
         */
        public Options numReaders(int n) {
            this.numReaders = n;
            return this;
        }

        /** The moving-average decay, 0 when none is kept. */
        public double movingAverageDecay() {
            return movingAverageDecay;
        }

        /** The network to train (its classes and image size): required. */
        public Options network(NetworkSpec n) {
            this.network = n;
            return this;
        }

        /** slim's {@code --batch_size} (default 32). */
        public Options batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** slim's {@code --max_number_of_steps}: the global step to stop at. */
        public Options steps(long n) {
            this.steps = n;
            return this;
        }

        /** Where to save: {@code PREFIX.index} and {@code PREFIX.data-*} (slim's {@code --train_dir}): required. */
        public Options out(Path prefix) {
            this.out = prefix;
            return this;
        }

        /** slim's {@code --checkpoint_path}: the checkpoint to start from (null: the initializers). */
        public Options checkpoint(Path prefix) {
            this.checkpoint = prefix;
            return this;
        }

        /** slim's {@code --checkpoint_exclude_scopes}: variables not restored from {@link #checkpoint}. */
        public Options excludes(List<String> scopes) {
            this.excludes = List.copyOf(scopes);
            return this;
        }

        /** slim's {@code --trainable_scopes}: only these variables are trained (empty: all). */
        public Options trainableScopes(List<String> scopes) {
            this.trainableScopes = List.copyOf(scopes);
            return this;
        }

        /** slim's {@code --weight_decay} (resnet_arg_scope's, default 0.0001). */
        public Options weightDecay(double d) {
            this.weightDecay = d;
            return this;
        }

        /** The batch-norm moving-average decay (resnet_arg_scope's {@code batch_norm_decay}, default 0.997). */
        public Options batchNormDecay(double d) {
            this.batchNormDecay = d;
            return this;
        }

        /** slim's {@code --learning_rate} (default 0.01), the start of the exponential decay. */
        public Options learningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        /** slim's {@code --momentum} (default 0.9). */
        public Options momentum(double m) {
            this.momentum = m;
            return this;
        }

        /** slim's {@code --learning_rate_decay_factor} (default 0.94). */
        public Options learningRateDecayFactor(double f) {
            this.learningRateDecayFactor = f;
            return this;
        }

        /** slim's {@code --learning_rate_decay_type} (default exponential). */
        public Options decayType(DecayType t) {
            this.decayType = t;
            return this;
        }

        /** The schedule chosen. */
        public DecayType decayType() {
            return decayType;
        }

        /** slim's {@code --end_learning_rate} (default 0.0001), where the polynomial decay ends. */
        public Options endLearningRate(double lr) {
            this.endLearningRate = lr;
            return this;
        }

        /** slim's {@code --num_epochs_per_decay} (default 2.0). */
        public Options epochsPerDecay(double e) {
            this.epochsPerDecay = e;
            return this;
        }

        /** slim's {@code --label_smoothing} (default 0). */
        public Options labelSmoothing(double ls) {
            this.labelSmoothing = ls;
            return this;
        }

        /** Whether {@code preprocess_for_train} distorts colours (slim: yes). */
        public Options distortColor(boolean d) {
            this.distortColor = d;
            return this;
        }

        /** The graph seed (initializers, shuffling, distortions); 0: nondeterministic shuffling and distortions. */
        public Options seed(long s) {
            this.seed = s;
            return this;
        }

        /** Saves a checkpoint every this many steps (and always at the end); default 500. */
        public Options saveEverySteps(long n) {
            this.saveEverySteps = n;
            return this;
        }

        /** Continue from {@link #out} (global step, slots and all) when a checkpoint is there. */
        public Options resume(boolean r) {
            this.resume = r;
            return this;
        }

        /**
         * Checks every option.
         *
         * @throws IllegalArgumentException naming the option (as the CLI spells it) and the allowed values
         */
        public Options validate() {
            require(network != null, "--model", "given", null);
            require(network.numClasses() >= 2, "--num-classes", ">= 2", network.numClasses());
            require(batchSize >= 2 && batchSize <= 4096, "--batch-size", "in [2, 4096]", batchSize);
            require(steps >= 1, "--steps", ">= 1", steps);
            require(out != null && out.getFileName() != null, "--out", "a checkpoint prefix", out);
            require(!Files.isDirectory(out), "--out", "a prefix such as " + out + "/model.ckpt, not a folder", out);
            require(
                    checkpoint == null
                            || Files.exists(Path.of(checkpoint + ".index"))
                            || Files.isRegularFile(checkpoint),
                    "--checkpoint",
                    "an existing checkpoint (PREFIX.index)",
                    checkpoint);
            require(checkpoint != null || excludes.isEmpty(), "--exclude", "used with --checkpoint", excludes);
            require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay", ">= 0", weightDecay);
            require(batchNormDecay > 0 && batchNormDecay < 1, "--batch-norm-decay", "in (0, 1)", batchNormDecay);
            require(learningRate > 0 && Double.isFinite(learningRate), "--learning-rate", "> 0", learningRate);
            require(momentum >= 0 && momentum < 1, "--momentum", "in [0, 1)", momentum);
            require(
                    learningRateDecayFactor > 0 && learningRateDecayFactor <= 1,
                    "--learning-rate-decay-factor",
                    "in (0, 1]",
                    learningRateDecayFactor);
            require(epochsPerDecay > 0 && Double.isFinite(epochsPerDecay), "--epochs-per-decay", "> 0", epochsPerDecay);
            require(decayType != null, "--learning-rate-decay-type", "one of " + DecayType.allowed(), decayType);
            require(
                    endLearningRate >= 0 && Double.isFinite(endLearningRate),
                    "--end-learning-rate",
                    ">= 0",
                    endLearningRate);
            require(labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing", "in [0, 1)", labelSmoothing);
            require(optimizer != null, "--optimizer", "momentum, rmsprop or adam", optimizer);
            require(rmspropMomentum >= 0 && rmspropMomentum < 1, "--rmsprop-momentum", "in [0, 1)", rmspropMomentum);
            require(rmspropDecay > 0 && rmspropDecay <= 1, "--rmsprop-decay", "in (0, 1]", rmspropDecay);
            require(epsilon > 0 && Double.isFinite(epsilon), "--opt-epsilon", "> 0", epsilon);
            require(adamBeta1 >= 0 && adamBeta1 < 1, "--adam-beta1", "in [0, 1)", adamBeta1);
            require(adamBeta2 >= 0 && adamBeta2 < 1, "--adam-beta2", "in [0, 1)", adamBeta2);
            require(saveEverySteps >= 1, "--save-every", ">= 1", saveEverySteps);
            require(numReaders >= 1 && numReaders <= 64, "--num-readers", "in [1, 64]", numReaders);
            require(
                    movingAverageDecay == 0 || (movingAverageDecay > 0 && movingAverageDecay < 1),
                    "--moving-average-decay",
                    "in (0, 1) (or 0 for none)",
                    movingAverageDecay);
            return this;
        }

        private static void require(boolean ok, String name, String allowed, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": must be " + allowed + ", got " + value);
            }
        }
    }

    /** slim's {@code --num_readers} default. */
    public static final int NUM_READERS = 4;

    /** slim's {@code --end_learning_rate} default, where {@link DecayType#POLYNOMIAL} ends. */
    public static final double END_LEARNING_RATE = 0.0001;

    /** slim's {@code --learning_rate_decay_type} ({@code train_image_classifier.py _configure_learning_rate}). */
    public enum DecayType {
        /** {@code tf.train.exponential_decay(lr, global_step, decay_steps, factor, staircase=True)}. */
        EXPONENTIAL,
        /** {@code tf.constant(lr)}. */
        FIXED,
        /**
         * {@code tf.train.polynomial_decay(lr, global_step, decay_steps, end_learning_rate, power=1.0,
         * cycle=False)}.
         */
        POLYNOMIAL;

        /** The flag value: {@code exponential}, {@code fixed}, {@code polynomial}. */
        public String flagName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The allowed values, for messages. */
        public static String allowed() {
            return String.join(
                    ", ", Arrays.stream(values()).map(DecayType::flagName).toList());
        }

        /**
         * The type named {@code value} (case-insensitive).
         *
         * @throws IllegalArgumentException naming {@code option} and the allowed values
         */
        public static DecayType parse(String option, String value) {
            for (DecayType t : values()) {
                if (t.flagName().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return t;
                }
            }
            throw new IllegalArgumentException(
                    option + ": unknown learning-rate decay type '" + value + "'; allowed: " + allowed());
        }
    }

    /**
     * slim's {@code decay_steps = int(num_samples_per_epoch * num_epochs_per_decay / batch_size)}, at least 1 (slim
     * would divide by zero when fewer images than one batch per decay period are given).
     */
    public static long decaySteps(long examples, double epochsPerDecay, int batchSize) {
        return Math.max(1, (long) (examples * epochsPerDecay / batchSize));
    }

    /**
     * slim's learning rate of {@code type} at {@code globalStep} ({@code _configure_learning_rate}):
     *
     * <ul>
     *   <li>exponential: {@code initial · factor^floor(global_step / decay_steps)} (staircase);
     *   <li>fixed: {@code initial};
     *   <li>polynomial, power 1, no cycle: {@code (initial − end) · (1 − min(global_step, decay_steps) /
     *       decay_steps) + end}.
     * </ul>
     *
     * @param globalStep the global step before the update
     * @param decaySteps {@link #decaySteps}
     */
    public static double learningRate(
            DecayType type, double initial, double factor, double end, long decaySteps, long globalStep) {
        return switch (type) {
            case EXPONENTIAL -> initial * Math.pow(factor, Math.floorDiv(globalStep, decaySteps));
            case FIXED -> initial;
            case POLYNOMIAL -> {
                double p = (double) Math.min(globalStep, decaySteps) / decaySteps;
                yield (initial - end) * (1 - p) + end;
            }
        };
    }

    /**
     * slim's learning rate for {@code --learning_rate_decay_type exponential}: {@link #learningRate(DecayType,
     * double, double, double, long, long)} with {@link #decaySteps decaySteps(examples, epochsPerDecay,
     * batchSize)}.
     *
     * @param globalStep the global step before the update
     * @param examples the training set's size ({@code num_samples_per_epoch})
     * @return the learning rate of that step
     */
    public static double learningRate(
            double initial, double factor, double epochsPerDecay, long examples, int batchSize, long globalStep) {
        return learningRate(
                DecayType.EXPONENTIAL, initial, factor, 0, decaySteps(examples, epochsPerDecay, batchSize), globalStep);
    }

    /**
     * One step's figures.
     *
     * @param step the global step after it
     * @param steps the global step training stops at
     * @param loss the total loss of the batch before the update
     * @param accuracy the batch's top-1 accuracy before the update
     * @param learningRate the step's learning rate
     * @param imagesPerSecond the batch size over the step's wall time (input pipeline included)
     */
    public record Step(
            long step, long steps, double loss, double accuracy, double learningRate, double imagesPerSecond) {}

    /**
     * A complete pass over the training data (an epoch of the input pipeline).
     *
     * @param pass 1 for the first pass of this run
     * @param step the global step during which the next pass started (or this one ended with every example)
     * @param examples the examples of the set
     * @param used the examples the pass yielded
     * @param undecodable the examples TensorFlow dropped in this pass (their sources: a file, or {@code FILE#n})
     */
    public record Pass(long pass, long step, long examples, long used, List<String> undecodable) {}

    /** Receives progress on the training thread. */
    public interface Listener {
        /** After the graph is built and the variables are initialized or restored ({@code restored} null if not). */
        default void onStart(long firstStep, RestoreResult restored, List<String> skipped) {}

        /** After each step. */
        default void onStep(Step step) {}

        /** When a pass over the data is known to be complete (see the class comment). */
        default void onPass(Pass pass) {}

        /** After each checkpoint is written. */
        default void onCheckpoint(Path prefix, long step) {}
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param globalStep the global step of the last checkpoint
     * @param checkpoint the last checkpoint's prefix
     * @param examples the training examples used
     * @param skipped files left out before training (path: reason)
     * @param stopped whether {@code stop} ended training early
     * @param seconds wall time of the steps
     * @param imagesPerSecond images per second over the steps run
     * @param passes the complete passes over the data in this run
     * @param undecodable the examples TensorFlow dropped in any complete pass (sources, in index order)
     * @param seenInPass the examples the unfinished pass has yielded so far
     */
    public record Result(
            long globalStep,
            Path checkpoint,
            long examples,
            List<String> skipped,
            boolean stopped,
            double seconds,
            double imagesPerSecond,
            long passes,
            List<String> undecodable,
            long seenInPass) {}

    /**
     * Trains on {@code data} until the global step reaches {@link Options#steps} or {@code stop} says so (checked
     * after each step; a checkpoint is saved then too, e.g. on Ctrl-C).
     *
     * @throws IllegalArgumentException naming the option for bad options or data (no usable example, image labels
     *     outside the network's classes), and {@code --resume} or {@code --checkpoint} mismatches
     * @throws IllegalStateException when the input pipeline ends (every example undecodable)
     */
    public static Result run(LabelledImages data, Options o, Listener listener, BooleanSupplier stop) {
        o.validate();
        int size = o.network.imageSize();
        List<String> skipped = new ArrayList<>();
        Examples examples = data.kind() == LabelledImages.Kind.TFRECORDS
                ? Examples.records(data, skipped)
                : Examples.folders(data, o.network.numClasses(), skipped);
        Path resumeFrom = o.resume ? SlimCheckpoints.latest(o.out).orElse(null) : null;
        SlimCheckpoints.State kept = null;
        if (resumeFrom != null) {
            try {
                kept = SlimCheckpoints.read(o.out.toAbsolutePath().getParent()).orElse(null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the checkpoint state next to " + o.out, e);
            }
        }
        long decaySteps = decaySteps(examples.size(), o.epochsPerDecay, o.batchSize);

        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Pipeline input = examples.pipeline(
                    tf, o.network.numClasses(), o.batchSize, size, o.distortColor, o.seed, o.numReaders);
            ResNetModel model = o.network
                    .builder()
                    .argScope(ResNetArgScope.resnetArgScope(
                            o.weightDecay,
                            o.batchNormDecay,
                            ResNetArgScope.BATCH_NORM_EPSILON,
                            true,
                            Activation.RELU,
                            true))
                    .seed(o.seed)
                    .isTraining(true)
                    .build(tf, input.images);
            TrainingGraph training = TrainingGraph.builder(model)
                    .labels(input.labels)
                    .learningRate(o.learningRate)
                    .momentum(o.optimizer == Optimizer.RMSPROP ? o.rmspropMomentum : o.momentum)
                    .optimizer(o.optimizer)
                    .rmspropDecay(o.rmspropDecay)
                    .epsilon(o.epsilon)
                    .adamBetas(o.adamBeta1, o.adamBeta2)
                    .labelSmoothing(o.labelSmoothing)
                    .trainableScopes(o.trainableScopes)
                    .build(tf);
            MovingAverages averages = o.movingAverageDecay > 0
                    ? MovingAverages.build(
                            tf, model.variables(), o.movingAverageDecay, training.globalStep(), training.trainOp())
                    : null;

            RestoreResult restored = null;
            if (resumeFrom != null) {
                if (averages != null && !MovingAverages.inCheckpoint(resumeFrom, model.variables())) {
                    throw new IllegalArgumentException("--moving-average-decay: the checkpoint to resume, " + resumeFrom
                            + ", has no moving averages (<var>/" + MovingAverages.SUFFIX + "); resume without"
                            + " --moving-average-decay, or train into a new --out");
                }
                Checkpoints.restore(s, resumeFrom);
            } else if (o.checkpoint != null) {
                restored = AssignFromCheckpoint.restore(s, model.variables(), o.checkpoint, o.excludes);
            } else {
                s.initialize();
            }
            if (averages != null && resumeFrom == null) {
                averages.reset(s);
            }
            s.runner().addTarget(input.init).run();
            long step = training.globalStepValue(s);
            listener.onStart(step, restored, List.copyOf(skipped));

            Passes passes = new Passes(examples);
            long start = System.nanoTime();
            long first = step;
            boolean stopped = false;
            boolean saved = false;
            while (step < o.steps) {
                double lr = learningRate(
                        o.decayType, o.learningRate, o.learningRateDecayFactor, o.endLearningRate, decaySteps, step);
                long t0 = System.nanoTime();
                float loss;
                float accuracy;
                long[] indices;
                try (TFloat32 rate = TFloat32.scalarOf((float) lr);
                        org.tensorflow.Result r = stepRunner(s, averages)
                                .feed(training.learningRate(), rate)
                                .fetch(training.trainOp())
                                .fetch(training.accuracy())
                                .fetch(input.indices)
                                .run()) {
                    loss = ((TFloat32) r.get(0)).getFloat();
                    accuracy = ((TFloat32) r.get(1)).getFloat();
                    TInt64 idx = (TInt64) r.get(2);
                    indices = new long[(int) idx.size()];
                    for (int i = 0; i < indices.length; i++) {
                        indices[i] = idx.getLong(i);
                    }
                } catch (TFOutOfRangeException e) {
                    throw new IllegalStateException(
                            "--data: the input pipeline ended: TensorFlow decoded none of the " + examples.size()
                                    + " examples",
                            e);
                }
                step++;
                double seconds = (System.nanoTime() - t0) / 1e9;
                for (long index : indices) {
                    Pass p = passes.add(index, step);
                    if (p != null) {
                        listener.onPass(p);
                    }
                }
                listener.onStep(new Step(step, o.steps, loss, accuracy, lr, o.batchSize / seconds));
                boolean stopNow = stop != null && stop.getAsBoolean();
                if (step % o.saveEverySteps == 0 || step == o.steps || stopNow) {
                    kept = save(s, o.out, step, kept);
                    saved = true;
                    listener.onCheckpoint(SlimCheckpoints.stepped(o.out, step), step);
                }
                if (stopNow) {
                    stopped = step < o.steps;
                    break;
                }
            }
            if (!saved) {
                // resumed at or past --steps: nothing trained, the checkpoint is the one already there
                save(s, o.out, step, kept);
                listener.onCheckpoint(SlimCheckpoints.stepped(o.out, step), step);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(
                    step,
                    o.out,
                    examples.size(),
                    List.copyOf(skipped),
                    stopped,
                    seconds,
                    seconds > 0 ? (step - first) * o.batchSize / seconds : 0,
                    passes.completed,
                    passes.undecodable(),
                    passes.inPass);
        }
    }

    /** A runner for one step: with the moving averages' update as a target when they are kept. */
    private static Session.Runner stepRunner(Session s, MovingAverages averages) {
        Session.Runner r = s.runner();
        return averages == null ? r : r.addTarget(averages.update());
    }

    /** Saves {@code PREFIX-<step>} and records it ({@link SlimCheckpoints#record}); returns the new state. */
    private static SlimCheckpoints.State save(Session s, Path prefix, long step, SlimCheckpoints.State kept) {
        Path stepped = SlimCheckpoints.stepped(prefix, step);
        Checkpoints.save(s, stepped);
        return SlimCheckpoints.record(prefix, stepped, kept);
    }

    /**
     * Tells the passes apart in the stream of example indices (see the class comment): a pass is complete when it
     * has yielded every example, or when an index it already yielded comes again (the next pass has begun).
     */
    static final class Passes {
        private final Examples examples;
        private final BitSet seen = new BitSet();
        private final BitSet everDropped = new BitSet();
        long inPass;
        long completed;

        Passes(Examples examples) {
            this.examples = examples;
        }

        /** Records {@code index} (yielded during {@code step}); the pass it completes, or null. */
        Pass add(long index, long step) {
            int i = Math.toIntExact(index);
            Pass done = null;
            if (seen.get(i)) {
                done = complete(step);
            }
            seen.set(i);
            inPass++;
            if (inPass == examples.size()) {
                Pass all = complete(step);
                return done == null ? all : done; // a one-example set: both at once cannot happen otherwise
            }
            return done;
        }

        private Pass complete(long step) {
            List<String> dropped = new ArrayList<>();
            int n = Math.toIntExact(examples.size());
            for (int i = seen.nextClearBit(0); i < n; i = seen.nextClearBit(i + 1)) {
                dropped.add(examples.source(i));
                everDropped.set(i);
            }
            completed++;
            Pass p = new Pass(completed, step, examples.size(), inPass, List.copyOf(dropped));
            seen.clear();
            inPass = 0;
            return p;
        }

        /** The examples dropped in any complete pass, in index order. */
        List<String> undecodable() {
            List<String> out = new ArrayList<>();
            for (int i = everDropped.nextSetBit(0); i >= 0; i = everDropped.nextSetBit(i + 1)) {
                out.add(examples.source(i));
            }
            return List.copyOf(out);
        }
    }

    /** The pipeline's outputs (a batch and its examples' indices) and its iterator's initializer. */
    private record Pipeline(Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> indices, Op init) {}

    /** What the pipeline reads: an image-folder tree's files, or TFRecord files; every example has an index. */
    static final class Examples {
        private final List<String> files;
        private final int[] labels; // image folders: per file; null for TFRecords
        private final long[] firstIndex; // TFRecords: index of each file's first record, then the total
        private final int labelsOffset;

        private Examples(List<String> files, int[] labels, long[] firstIndex, int labelsOffset) {
            this.files = files;
            this.labels = labels;
            this.firstIndex = firstIndex;
            this.labelsOffset = labelsOffset;
        }

        /** An image-folder tree's files whose header is an image of at most the allowed pixels. */
        static Examples folders(LabelledImages data, int numClasses, List<String> skipped) {
            List<String> paths = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Path> files = data.imageFiles();
            int[] fileLabels = data.imageLabels();
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                try {
                    ImageHeader.read(f).requirePixelsAtMost(ImageHeader.DEFAULT_MAX_PIXELS);
                } catch (IOException e) {
                    skipped.add(f + ": " + e.getMessage());
                    continue;
                }
                if (fileLabels[i] < 0 || fileLabels[i] >= numClasses) {
                    throw new IllegalArgumentException("--num-classes: " + f + " has label " + fileLabels[i]
                            + ", outside the network's classes 0.." + (numClasses - 1));
                }
                paths.add(f.toAbsolutePath().toString());
                labels.add(fileLabels[i]);
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("--data: no usable image among " + files.size() + " files");
            }
            return new Examples(
                    List.copyOf(paths),
                    labels.stream().mapToInt(Integer::intValue).toArray(),
                    null,
                    0);
        }

        /** TFRecord files whose framing is sound (every record header and its CRC checked; the rest left out). */
        static Examples records(LabelledImages data, List<String> skipped) {
            List<String> paths = new ArrayList<>();
            List<Long> firsts = new ArrayList<>();
            long total = 0;
            for (Path f : data.recordFiles()) {
                long n;
                try {
                    n = TFRecordReader.count(f);
                } catch (IOException e) {
                    skipped.add(f + ": " + e.getMessage() + "; the file is left out");
                    continue;
                }
                if (n == 0) {
                    skipped.add(f + ": no records");
                    continue;
                }
                paths.add(f.toAbsolutePath().toString());
                firsts.add(total);
                total += n;
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("--data: no readable TFRecord file among "
                        + data.recordFiles().size() + " files");
            }
            firsts.add(total);
            return new Examples(
                    List.copyOf(paths),
                    null,
                    firsts.stream().mapToLong(Long::longValue).toArray(),
                    data.labelsOffset());
        }

        /**
         * TFRecords: the {@code (record, index)} dataset slim's {@code parallel_read} reads (see the class comment):
         * the files, with the index of their first record, shuffled each pass ({@code string_input_producer(shuffle=
         * True)}: a {@code ShuffleDataset} over all the files, reshuffled each iteration), then {@code min(readers,
         * files)} of them read at once, one record from each in turn ({@code ParallelInterleaveDataset}, block 1,
         * deterministic when seeded: the order of {@code InterleaveDataset}); each file's records zipped with {@code
         * RangeDataset(first..)}, their indices over all the files.
         */
        Output<? extends TType> recordSource(Ops tf, int readers, long seed) {
            int n = files.size();
            long[] firsts = Arrays.copyOf(firstIndex, n);
            TensorSliceDataset slices = tf.withName("files")
                    .data
                    .tensorSliceDataset(
                            List.of(
                                    tf.withName("file_names")
                                            .constant(NdArrays.vectorOfObjects(files.toArray(String[]::new))),
                                    tf.withName("first_indices").constant(firsts)),
                            List.of(Shape.scalar(), Shape.scalar()));
            Graph g = (Graph) tf.scope().env();
            GraphOperation shuffledFiles = g.opBuilder(
                            "ShuffleDataset", tf.scope().makeOpName("shuffle_files"), tf.scope())
                    .addInput(slices.handle().asOutput())
                    .addInput(tf.constant((long) n).asOutput())
                    .addInput(tf.constant(seed).asOutput())
                    .addInput(tf.constant(seed == 0 ? 0L : seed + 2).asOutput())
                    .setAttr("reshuffle_each_iteration", true)
                    .setAttr("output_types", new DataType[] {DataType.DT_STRING, DataType.DT_INT64})
                    .setAttr("output_shapes", new Shape[] {Shape.scalar(), Shape.scalar()})
                    .build();
            long cycle = Math.min(readers, n);
            GraphOperation read = (GraphOperation)
                    g.opBuilder("ParallelInterleaveDatasetV4", tf.scope().makeOpName("read"), tf.scope())
                            .addInput(shuffledFiles.output(0))
                            .addInputList(new Output<?>[0])
                            .addInput(tf.constant(cycle).asOutput())
                            .addInput(tf.constant(1L).asOutput())
                            .addInput(tf.constant(AUTOTUNE).asOutput())
                            .addInput(tf.constant(AUTOTUNE).asOutput())
                            .addInput(tf.constant(cycle).asOutput())
                            .setAttr("f", recordsOfFile(g))
                            .setAttr("Targuments", new DataType[0])
                            .setAttr("output_types", new DataType[] {DataType.DT_STRING, DataType.DT_INT64})
                            .setAttr("output_shapes", new Shape[] {Shape.scalar(), Shape.scalar()})
                            .setAttr("deterministic", seed == 0 ? "default" : "true")
                            .build();
            return read.output(0);
        }

        /** The number of examples (images, or records). */
        long size() {
            return labels != null ? labels.length : firstIndex[firstIndex.length - 1];
        }

        /** Example {@code index}'s source: the image file, or {@code FILE#n} (n: the record's position in it). */
        String source(long index) {
            if (labels != null) {
                return files.get(Math.toIntExact(index));
            }
            int f = 0;
            while (firstIndex[f + 1] <= index) {
                f++;
            }
            return files.get(f) + "#" + (index - firstIndex[f]);
        }

        /** The tf.data pipeline of the class comment, read through a one-iterator {@code IteratorGetNext}. */
        Pipeline pipeline(Ops root, int numClasses, int batch, int size, boolean distort, long seed, int readers) {
            Ops tf = root.withSubScope("input");
            Graph g = (Graph) tf.scope().env();
            Shape image = Shape.of(size, size, 3);
            List<Class<? extends TType>> types = List.of(TFloat32.class, TInt32.class, TInt64.class);
            List<Shape> shapes = List.of(image, Shape.scalar(), Shape.scalar());
            List<Shape> batchShapes = List.of(Shape.of(batch, size, size, 3), Shape.of(batch), Shape.of(batch));
            Operand<TString> fileList =
                    tf.withName("files").constant(NdArrays.vectorOfObjects(files.toArray(String[]::new)));
            Output<? extends TType> source;
            DataType[] sourceTypes;
            long buffer;
            ConcreteFunction fn;
            if (labels != null) {
                long[] indices = new long[labels.length];
                Arrays.setAll(indices, i -> i);
                TensorSliceDataset slices = tf.withName("slices")
                        .data
                        .tensorSliceDataset(
                                List.of(
                                        fileList,
                                        tf.withName("labels").constant(labels),
                                        tf.withName("indices").constant(indices)),
                                List.of(Shape.scalar(), Shape.scalar(), Shape.scalar()));
                source = slices.handle().asOutput();
                sourceTypes = new DataType[] {DataType.DT_STRING, DataType.DT_INT32, DataType.DT_INT64};
                buffer = labels.length;
                fn = perImage(size, distort, seed);
            } else {
                source = recordSource(tf, readers, seed);
                sourceTypes = new DataType[] {DataType.DT_STRING, DataType.DT_INT64};
                buffer = Math.min(size(), 20L * batch);
                fn = perRecord(size, distort, seed, labelsOffset, numClasses);
            }
            try (fn) {
                GraphOperation shuffled = g.opBuilder(
                                "ShuffleDataset", tf.scope().makeOpName("shuffle"), tf.scope())
                        .addInput(source.asOutput())
                        .addInput(tf.constant(buffer).asOutput())
                        .addInput(tf.constant(seed).asOutput())
                        .addInput(tf.constant(seed == 0 ? 0L : seed + 1).asOutput())
                        .setAttr("reshuffle_each_iteration", true)
                        .setAttr("output_types", sourceTypes)
                        .setAttr(
                                "output_shapes",
                                Collections.nCopies(sourceTypes.length, Shape.scalar())
                                        .toArray(Shape[]::new))
                        .build();
                Operand<TType> shuffledHandle = shuffled.output(0);
                ParallelMapDataset mapped = tf.withName("preprocess")
                        .data
                        .parallelMapDataset(
                                shuffledHandle,
                                List.of(),
                                tf.constant(AUTOTUNE),
                                fn,
                                types,
                                shapes,
                                ParallelMapDataset.deterministic(seed == 0 ? "false" : "true"));
                IgnoreErrorsDataset clean =
                        tf.withName("ignore_errors").data.ignoreErrorsDataset(mapped, types, shapes);
                RepeatDataset repeated =
                        tf.withName("repeat").data.repeatDataset(clean, tf.constant(-1L), types, shapes);
                BatchDataset batched = tf.withName("batch")
                        .data
                        .batchDataset(repeated, tf.constant((long) batch), tf.constant(true), types, batchShapes);
                PrefetchDataset prefetched =
                        tf.withName("prefetch").data.prefetchDataset(batched, tf.constant(2L), types, batchShapes);
                org.tensorflow.op.data.Iterator iterator =
                        tf.withName("iterator").data.iterator("", "", types, batchShapes);
                Op init = tf.withName("make_iterator").data.makeIterator(prefetched, iterator);
                IteratorGetNext next = tf.withName("next").data.iteratorGetNext(iterator, types, batchShapes);
                return new Pipeline(
                        next.components().get(0).expect(TFloat32.class),
                        next.components().get(1).expect(TInt32.class),
                        next.components().get(2).expect(TInt64.class),
                        init);
            }
        }
    }

    /** The name of {@link #recordsOfFile}'s function in a graph's library. */
    private static final String RECORDS_OF_FILE = "slimport_tfrecords_of_file";

    /**
     * {@code (file, first) -> TFRecordDataset(file) zipped with RangeDataset(first, ∞)}: a file's records and their
     * indices, the interleave's per-file function, added to {@code g}'s library once; returns the {@code f} attribute
     * naming it. Written as a {@code FunctionDef}: TF Java's {@code ConcreteFunction} cannot return a dataset (it
     * looks every output up in its tensor-type registry, which has no {@code DT_VARIANT}).
     */
    private static org.tensorflow.proto.AttrValue recordsOfFile(Graph g) {
        org.tensorflow.proto.AttrValue f = org.tensorflow.proto.AttrValue.newBuilder()
                .setFunc(org.tensorflow.proto.NameAttrList.newBuilder().setName(RECORDS_OF_FILE))
                .build();
        if (g.getFunction(RECORDS_OF_FILE) != null) {
            return f;
        }
        org.tensorflow.proto.FunctionDef def = org.tensorflow.proto.FunctionDef.newBuilder()
                .setSignature(org.tensorflow.proto.OpDef.newBuilder()
                        .setName(RECORDS_OF_FILE)
                        .addInputArg(arg("file", DataType.DT_STRING))
                        .addInputArg(arg("first", DataType.DT_INT64))
                        .addOutputArg(arg("records", DataType.DT_VARIANT))
                        .setIsStateful(true))
                .addNodeDef(constant("compression", stringTensor("")))
                .addNodeDef(constant("buffer_size", int64Tensor(256L << 10)))
                .addNodeDef(constant("stop", int64Tensor(Long.MAX_VALUE)))
                .addNodeDef(constant("step", int64Tensor(1)))
                .addNodeDef(org.tensorflow.proto.NodeDef.newBuilder()
                        .setName("records")
                        .setOp("TFRecordDataset")
                        .addInput("file")
                        .addInput("compression:output:0")
                        .addInput("buffer_size:output:0")
                        .putAttr("metadata", stringAttr("")))
                .addNodeDef(org.tensorflow.proto.NodeDef.newBuilder()
                        .setName("indices")
                        .setOp("RangeDataset")
                        .addInput("first")
                        .addInput("stop:output:0")
                        .addInput("step:output:0")
                        .putAttr("output_types", typesAttr(DataType.DT_INT64))
                        .putAttr("output_shapes", scalarShapesAttr(1))
                        .putAttr("metadata", stringAttr(""))
                        .putAttr(
                                "replicate_on_split",
                                org.tensorflow.proto.AttrValue.newBuilder()
                                        .setB(false)
                                        .build()))
                .addNodeDef(org.tensorflow.proto.NodeDef.newBuilder()
                        .setName("zip")
                        .setOp("ZipDataset")
                        .addInput("records:handle:0")
                        .addInput("indices:handle:0")
                        .putAttr(
                                "N",
                                org.tensorflow.proto.AttrValue.newBuilder()
                                        .setI(2)
                                        .build())
                        .putAttr("output_types", typesAttr(DataType.DT_STRING, DataType.DT_INT64))
                        .putAttr("output_shapes", scalarShapesAttr(2))
                        .putAttr("metadata", stringAttr("")))
                .putRet("records", "zip:handle:0")
                .build();
        g.importGraphDef(org.tensorflow.proto.GraphDef.newBuilder()
                .setLibrary(org.tensorflow.proto.FunctionDefLibrary.newBuilder().addFunction(def))
                .build());
        return f;
    }

    private static org.tensorflow.proto.OpDef.ArgDef arg(String name, DataType type) {
        return org.tensorflow.proto.OpDef.ArgDef.newBuilder()
                .setName(name)
                .setType(type)
                .build();
    }

    private static org.tensorflow.proto.NodeDef constant(String name, org.tensorflow.proto.TensorProto value) {
        return org.tensorflow.proto.NodeDef.newBuilder()
                .setName(name)
                .setOp("Const")
                .putAttr(
                        "dtype",
                        org.tensorflow.proto.AttrValue.newBuilder()
                                .setType(value.getDtype())
                                .build())
                .putAttr(
                        "value",
                        org.tensorflow.proto.AttrValue.newBuilder()
                                .setTensor(value)
                                .build())
                .build();
    }

    private static org.tensorflow.proto.TensorProto stringTensor(String v) {
        return org.tensorflow.proto.TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(org.tensorflow.proto.TensorShapeProto.getDefaultInstance())
                .addStringVal(com.google.protobuf.ByteString.copyFromUtf8(v))
                .build();
    }

    private static org.tensorflow.proto.TensorProto int64Tensor(long v) {
        return org.tensorflow.proto.TensorProto.newBuilder()
                .setDtype(DataType.DT_INT64)
                .setTensorShape(org.tensorflow.proto.TensorShapeProto.getDefaultInstance())
                .addInt64Val(v)
                .build();
    }

    private static org.tensorflow.proto.AttrValue stringAttr(String v) {
        return org.tensorflow.proto.AttrValue.newBuilder()
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v))
                .build();
    }

    private static org.tensorflow.proto.AttrValue typesAttr(DataType... types) {
        return org.tensorflow.proto.AttrValue.newBuilder()
                .setList(org.tensorflow.proto.AttrValue.ListValue.newBuilder().addAllType(List.of(types)))
                .build();
    }

    private static org.tensorflow.proto.AttrValue scalarShapesAttr(int n) {
        org.tensorflow.proto.AttrValue.ListValue.Builder l = org.tensorflow.proto.AttrValue.ListValue.newBuilder();
        for (int i = 0; i < n; i++) {
            l.addShape(org.tensorflow.proto.TensorShapeProto.getDefaultInstance());
        }
        return org.tensorflow.proto.AttrValue.newBuilder().setList(l).build();
    }

    /** {@code (file, label, index) -> (preprocess_for_train(decode(read_file(file))), label, index)}. */
    private static ConcreteFunction perImage(int size, boolean distort, long seed) {
        return ConcreteFunction.create(f -> {
            Placeholder<TString> file =
                    f.withName("file").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt32> label =
                    f.withName("label").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> index =
                    f.withName("index").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> image = InceptionPreprocessing.forTrain(
                    f, InceptionPreprocessing.decode(f, f.io.readFile(file)), size, size, distort, seed);
            return Signature.builder()
                    .key("inception_preprocessing_train_" + size)
                    .input("file", file)
                    .input("label", label)
                    .input("index", index)
                    .output("image", f.withName("image").ensureShape(image, Shape.of(size, size, 3)))
                    .output("label", f.withName("label_out").identity(label))
                    .output("index", f.withName("index_out").identity(index))
                    .build();
        });
    }

    /**
     * {@code (record, index) -> (preprocess_for_train(decode(image/encoded)), image/class/label − offset, index)}:
     * slim's {@code TFExampleDecoder} keys ({@code datasets/imagenet.py}), both features required; a label outside
     * {@code 0..numClasses−1} fails the example's assertion (and the example is dropped and counted).
     */
    private static ConcreteFunction perRecord(int size, boolean distort, long seed, int offset, int numClasses) {
        return ConcreteFunction.create(f -> {
            Placeholder<TString> record =
                    f.withName("record").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt64> index =
                    f.withName("index").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            ParseSingleExample parsed = f.withName("parse")
                    .io
                    .parseSingleExample(
                            record,
                            List.of(f.constant(new long[0]), f.constant(NdArrays.ofObjects(String.class, Shape.of(0)))),
                            0L,
                            List.of(),
                            List.of(LABEL_KEY, ENCODED_KEY),
                            List.of(),
                            List.of(Shape.scalar(), Shape.scalar()));
            Operand<TInt64> raw = parsed.denseValues().get(0).expect(TInt64.class);
            Operand<TString> encoded = parsed.denseValues().get(1).expect(TString.class);
            Operand<TInt64> shifted = f.math.sub(raw, f.constant((long) offset));
            AssertThat inRange = f.withName("label_in_range")
                    .assertThat(
                            f.math.logicalAnd(
                                    f.math.greaterEqual(shifted, f.constant(0L)),
                                    f.math.less(shifted, f.constant((long) numClasses))),
                            List.of(
                                    f.constant(LABEL_KEY + " - labels offset " + offset + " outside 0.."
                                            + (numClasses - 1) + ":"),
                                    shifted));
            Operand<TInt32> label =
                    f.withControlDependencies(List.of(inRange)).dtypes.cast(shifted, TInt32.class);
            Operand<TFloat32> image = InceptionPreprocessing.forTrain(
                    f, InceptionPreprocessing.decode(f, encoded), size, size, distort, seed);
            return Signature.builder()
                    .key("tfrecord_inception_preprocessing_train_" + size)
                    .input("record", record)
                    .input("index", index)
                    .output("image", f.withName("image").ensureShape(image, Shape.of(size, size, 3)))
                    .output("label", f.withName("label_out").identity(label))
                    .output("index", f.withName("index_out").identity(index))
                    .build();
        });
    }

    /** slim's ImageNet Example keys ({@code datasets/imagenet.py} {@code keys_to_features}). */
    private static final String ENCODED_KEY = "image/encoded";

    private static final String LABEL_KEY = "image/class/label";
}
