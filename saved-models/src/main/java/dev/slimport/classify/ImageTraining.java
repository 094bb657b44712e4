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
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.BatchDataset;
import org.tensorflow.op.data.IgnoreErrorsDataset;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.ParallelMapDataset;
import org.tensorflow.op.data.PrefetchDataset;
import org.tensorflow.op.data.RepeatDataset;
import org.tensorflow.op.data.TensorSliceDataset;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * slim's {@code train_image_classifier.py} on an image-folder tree ({@link LabelledImages}, {@code DIR/<class>/<image>}):
 * an input pipeline in the graph, slim's training step ({@link TrainingGraph}: softmax cross-entropy plus the L2
 * regularization losses, slim's {@code --optimizer} momentum, rmsprop or adam ({@link Optimizer}), the batch-norm update
 * ops), the network optionally started from a checkpoint with
 * slim's {@code --checkpoint_exclude_scopes} and {@code --trainable_scopes}, and a checkpoint of every variable saved
 * every {@link Options#saveEverySteps} steps and at the end.
 *
 * <h2>The input pipeline (tf.data ops in the graph)</h2>
 *
 * What slim's {@code train_image_classifier.py} builds with {@code DatasetDataProvider(num_readers, common_queue_capacity
 * = 20·batch, shuffle=True)}, {@code image_preprocessing_fn(image, size, size)} and {@code tf.train.batch(num_threads=
 * num_preprocessing_threads)}, as TensorFlow's data ops:
 *
 * <pre>
 * TensorSliceDataset(files, labels)           # the file paths and labels, constants of the graph
 *   .ShuffleDataset(all files, seed)          # a new order each pass (reshuffle_each_iteration)
 *   .ParallelMapDataset(AUTOTUNE: ReadFile → InceptionPreprocessing.decode → InceptionPreprocessing.forTrain)
 *   .IgnoreErrorsDataset                      # an image TensorFlow cannot decode is skipped
 *   .RepeatDataset(-1)                        # as many passes as the steps need
 *   .BatchDataset(batch, drop_remainder)      # static [batch, size, size, 3]
 *   .PrefetchDataset(2)                       # the next batches are prepared while the step runs
 * </pre>
 *
 * The per-image function is a {@link ConcreteFunction} in the graph's library (the pattern of {@code
 * EncodedImages.map}); the parallel map runs as many images at once as TensorFlow's inter-op pool has threads, so the
 * decoding and preprocessing keep the cores busy while the network trains. Files whose header names more than {@link
 * ImageHeader#DEFAULT_MAX_PIXELS} pixels, or is not an image, are left out before the graph is built and reported in
 * {@link Result#skipped()}.
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
        double learningRateDecayFactor = 0.94;
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
            require(labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing", "in [0, 1)", labelSmoothing);
            require(optimizer != null, "--optimizer", "momentum, rmsprop or adam", optimizer);
            require(rmspropMomentum >= 0 && rmspropMomentum < 1, "--rmsprop-momentum", "in [0, 1)", rmspropMomentum);
            require(rmspropDecay > 0 && rmspropDecay <= 1, "--rmsprop-decay", "in (0, 1]", rmspropDecay);
            require(epsilon > 0 && Double.isFinite(epsilon), "--opt-epsilon", "> 0", epsilon);
            require(adamBeta1 >= 0 && adamBeta1 < 1, "--adam-beta1", "in [0, 1)", adamBeta1);
            require(adamBeta2 >= 0 && adamBeta2 < 1, "--adam-beta2", "in [0, 1)", adamBeta2);
            require(saveEverySteps >= 1, "--save-every", ">= 1", saveEverySteps);
            return this;
        }

        private static void require(boolean ok, String name, String allowed, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": must be " + allowed + ", got " + value);
            }
        }
    }

    /**
     * slim's learning rate for {@code --learning_rate_decay_type exponential} ({@code train_image_classifier.py
     * _configure_learning_rate}): {@code decay_steps = int(num_samples_per_epoch * num_epochs_per_decay /
     * batch_size)}, then {@code tf.train.exponential_decay(lr, global_step, decay_steps, factor, staircase=True)} =
     * {@code lr · factor^floor(global_step / decay_steps)}.
     *
     * @param globalStep the global step before the update
     * @param examples the training set's size ({@code num_samples_per_epoch})
     * @return the learning rate of that step
     */
    public static double learningRate(
            double initial, double factor, double epochsPerDecay, long examples, int batchSize, long globalStep) {
        long decaySteps = Math.max(1, (long) (examples * epochsPerDecay / batchSize));
        return initial * Math.pow(factor, Math.floorDiv(globalStep, decaySteps));
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

    /** Receives progress on the training thread. */
    public interface Listener {
        /** After the graph is built and the variables are initialized or restored ({@code restored} null if not). */
        default void onStart(long firstStep, RestoreResult restored, List<String> skipped) {}

        /** After each step. */
        default void onStep(Step step) {}

        /** After each checkpoint is written. */
        default void onCheckpoint(Path prefix, long step) {}
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param globalStep the global step of the last checkpoint
     * @param checkpoint the last checkpoint's prefix
     * @param examples the training images used
     * @param skipped files left out before training (path: reason)
     * @param stopped whether {@code stop} ended training early
     * @param seconds wall time of the steps
     * @param imagesPerSecond images per second over the steps run
     */
    public record Result(
            long globalStep,
            Path checkpoint,
            long examples,
            List<String> skipped,
            boolean stopped,
            double seconds,
            double imagesPerSecond) {}

    /**
     * Trains on {@code data} until the global step reaches {@link Options#steps} or {@code stop} says so (checked
     * after each step; a checkpoint is saved then too, e.g. on Ctrl-C).
     *
     * @throws IllegalArgumentException naming the option for bad options or data (TFRecords, no usable image, labels
     *     outside the network's classes), and {@code --resume} or {@code --checkpoint} mismatches
     * @throws IllegalStateException when the input pipeline ends (every image undecodable)
     */
    public static Result run(LabelledImages data, Options o, Listener listener, BooleanSupplier stop) {
        o.validate();
        if (data.kind() != LabelledImages.Kind.IMAGE_FOLDERS) {
            throw new IllegalArgumentException("--data: train reads an image-folder tree (DIR/<class>/<image>);"
                    + " TFRecords are not supported for training yet");
        }
        int size = o.network.imageSize();
        List<String> skipped = new ArrayList<>();
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
            if (fileLabels[i] < 0 || fileLabels[i] >= o.network.numClasses()) {
                throw new IllegalArgumentException("--num-classes: " + f + " has label " + fileLabels[i]
                        + ", outside the network's classes 0.." + (o.network.numClasses() - 1));
            }
            paths.add(f.toAbsolutePath().toString());
            labels.add(fileLabels[i]);
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("--data: no usable image among " + files.size() + " files");
        }
        boolean resuming = o.resume && Files.exists(Path.of(o.out + ".index"));

        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Pipeline input = pipeline(tf, paths, labels, o.batchSize, size, o.distortColor, o.seed);
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

            RestoreResult restored = null;
            if (resuming) {
                Checkpoints.restore(s, o.out);
            } else if (o.checkpoint != null) {
                restored = AssignFromCheckpoint.restore(s, model.variables(), o.checkpoint, o.excludes);
            } else {
                s.initialize();
            }
            s.runner().addTarget(input.init).run();
            long step = training.globalStepValue(s);
            listener.onStart(step, restored, List.copyOf(skipped));

            long start = System.nanoTime();
            long first = step;
            boolean stopped = false;
            Path saved = null;
            while (step < o.steps) {
                double lr = learningRate(
                        o.learningRate, o.learningRateDecayFactor, o.epochsPerDecay, paths.size(), o.batchSize, step);
                long t0 = System.nanoTime();
                float loss;
                float accuracy;
                try (TFloat32 rate = TFloat32.scalarOf((float) lr);
                        org.tensorflow.Result r = s.runner()
                                .feed(training.learningRate(), rate)
                                .fetch(training.trainOp())
                                .fetch(training.accuracy())
                                .run()) {
                    loss = ((TFloat32) r.get(0)).getFloat();
                    accuracy = ((TFloat32) r.get(1)).getFloat();
                } catch (TFOutOfRangeException e) {
                    throw new IllegalStateException(
                            "--data: the input pipeline ended: TensorFlow decoded none of the images", e);
                }
                step++;
                double seconds = (System.nanoTime() - t0) / 1e9;
                listener.onStep(new Step(step, o.steps, loss, accuracy, lr, o.batchSize / seconds));
                boolean stopNow = stop != null && stop.getAsBoolean();
                if (step % o.saveEverySteps == 0 || step == o.steps || stopNow) {
                    Checkpoints.save(s, o.out);
                    saved = o.out;
                    listener.onCheckpoint(o.out, step);
                }
                if (stopNow) {
                    stopped = step < o.steps;
                    break;
                }
            }
            if (saved == null) {
                // resumed at or past --steps: nothing trained, the checkpoint is the one already there
                Checkpoints.save(s, o.out);
                listener.onCheckpoint(o.out, step);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(
                    step,
                    o.out,
                    paths.size(),
                    List.copyOf(skipped),
                    stopped,
                    seconds,
                    seconds > 0 ? (step - first) * o.batchSize / seconds : 0);
        }
    }

    /** The pipeline's outputs and its iterator's initializer. */
    private record Pipeline(Operand<TFloat32> images, Operand<TInt32> labels, Op init) {}

    /** The tf.data pipeline of the class comment, read through a one-iterator {@code IteratorGetNext}. */
    private static Pipeline pipeline(
            Ops root, List<String> paths, List<Integer> labels, int batch, int size, boolean distort, long seed) {
        Ops tf = root.withSubScope("input");
        Shape image = Shape.of(size, size, 3);
        List<Class<? extends TType>> types = List.of(TFloat32.class, TInt32.class);
        List<Shape> shapes = List.of(image, Shape.scalar());
        List<Shape> batchShapes = List.of(Shape.of(batch, size, size, 3), Shape.of(batch));
        Operand<TString> fileList = tf.withName("files")
                .constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects(paths.toArray(String[]::new)));
        Operand<TInt32> labelList = tf.withName("labels")
                .constant(labels.stream().mapToInt(Integer::intValue).toArray());
        try (ConcreteFunction fn = perImage(size, distort, seed)) {
            TensorSliceDataset slices = tf.withName("slices")
                    .data
                    .tensorSliceDataset(List.of(fileList, labelList), List.of(Shape.scalar(), Shape.scalar()));
            Graph g = (Graph) tf.scope().env();
            GraphOperation shuffled = g.opBuilder("ShuffleDataset", tf.scope().makeOpName("shuffle"), tf.scope())
                    .addInput(slices.handle().asOutput())
                    .addInput(tf.constant((long) paths.size()).asOutput())
                    .addInput(tf.constant(seed).asOutput())
                    .addInput(tf.constant(seed == 0 ? 0L : seed + 1).asOutput())
                    .setAttr("reshuffle_each_iteration", true)
                    .setAttr("output_types", new org.tensorflow.proto.DataType[] {
                        org.tensorflow.proto.DataType.DT_STRING, org.tensorflow.proto.DataType.DT_INT32
                    })
                    .setAttr("output_shapes", new Shape[] {Shape.scalar(), Shape.scalar()})
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
            IgnoreErrorsDataset clean = tf.withName("ignore_errors").data.ignoreErrorsDataset(mapped, types, shapes);
            RepeatDataset repeated = tf.withName("repeat").data.repeatDataset(clean, tf.constant(-1L), types, shapes);
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
                    init);
        }
    }

    /** {@code (file, label) -> (preprocess_for_train(decode(read_file(file))), label)}. */
    private static ConcreteFunction perImage(int size, boolean distort, long seed) {
        return ConcreteFunction.create(f -> {
            Placeholder<TString> file =
                    f.withName("file").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TInt32> label =
                    f.withName("label").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
            Operand<TFloat32> image = InceptionPreprocessing.forTrain(
                    f, InceptionPreprocessing.decode(f, f.io.readFile(file)), size, size, distort, seed);
            return Signature.builder()
                    .key("inception_preprocessing_train_" + size)
                    .input("file", file)
                    .input("label", label)
                    .output("image", f.withName("image").ensureShape(image, Shape.of(size, size, 3)))
                    .output("label", f.withName("label_out").identity(label))
                    .build();
        });
    }
}
