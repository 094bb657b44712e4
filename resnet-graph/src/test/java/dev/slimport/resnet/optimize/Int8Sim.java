/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.UnitSpec;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.Ref;
import dev.slimport.resnet.testing.RefResNetV2;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;

/**
 * A plain-Java int8 ResNet v2 forward pass of a folded network: the float root block, pre-activation batch norms,
 * residual adds, postnorm, pooling and logits ({@link Ref}), and every bottleneck convolution through {@link
 * Int8Reference}'s arithmetic with the calibrated ranges; beside the logits it propagates, stage by stage, how far
 * the TF graph may be from it when each quantization may differ by one step ({@code e_out <= Σ|w̃|·e_in + step},
 * ReLU, clamping and pooling non-expansive, batch norm scaling by its largest {@code |gamma / sqrt(var + eps)|}).
 * {@link #checkStages} runs each int8 stage on the int8 graph's own float input, against TF's integers and against
 * the fp32 convolution within a bound from the ranges.
 */
final class Int8Sim {
    private final Map<String, Nhwc> vars;
    private final Int8Quantization.Calibration cal;
    private final String scope;
    private final String imagesName;
    private final boolean int8Root;
    private final List<Unit> units = new ArrayList<>();

    private record Unit(String prefix, UnitSpec spec, int stride, int rate) {}

    record Result(Nhwc logits, double oneStepBound) {}

    record StageCheck(int stages, int elements, int offByOne, int maxSteps, double fp32Ratio) {}

    /** An int8 tensor with its range and its two error bounds. */
    private record Q(Int8Reference.IntMap map, double range, boolean signed, double eOne) {
        double step() {
            return range / (signed ? 127.0 : 255.0);
        }
    }

    Int8Sim(
            Map<String, Nhwc> vars,
            Int8Quantization.Calibration cal,
            String scope,
            String imagesName,
            boolean int8Root,
            List<BlockSpec> blocks,
            Integer os) {
        this.imagesName = imagesName;
        this.int8Root = int8Root;
        this.vars = vars;
        this.cal = cal;
        this.scope = scope;
        int current = 4;
        int rate = 1;
        for (BlockSpec b : blocks) {
            for (int u = 0; u < b.units().size(); u++) {
                UnitSpec spec = b.units().get(u);
                String prefix = b.scope() + "/unit_" + (u + 1) + "/bottleneck_v2/";
                if (os != null && current == os) {
                    units.add(new Unit(prefix, spec, 1, rate));
                    rate *= spec.stride();
                } else {
                    units.add(new Unit(prefix, spec, spec.stride(), 1));
                    current *= spec.stride();
                }
            }
        }
    }

    Result run(Nhwc images) {
        Nhwc net;
        double eOne = 0;
        if (int8Root) {
            Q root = root(images);
            net = Ref.maxPool(dequantize(root), 3, 2, true);
            eOne = root.eOne();
        } else {
            net = Ref.conv2d(images, var("conv1/weights"), 2, 1, new int[] {3, 3, 3, 3});
            net = Ref.maxPool(Ref.biasAdd(net, var("conv1/biases").data()), 3, 2, true);
        }
        for (Unit u : units) {
            double gain = bnGain(u.prefix() + "preact/");
            Nhwc pre = bn(net, u.prefix() + "preact/");
            double r = range(u.prefix() + "preact/Relu", false);
            Q q = new Q(
                    Int8Reference.quantize(pre.data(), pre.dim(0), pre.dim(1), pre.dim(2), pre.dim(3), r),
                    r,
                    false,
                    gain * eOne + r / 255);
            Nhwc shortcut;
            double sOne = eOne;
            if (net.dim(3) == u.spec().depth()) {
                shortcut = u.stride() == 1 ? net : Ref.maxPool(net, 1, u.stride(), true);
            } else {
                Q s = conv(q, u.prefix() + "shortcut", u.stride(), 1, false, false);
                shortcut = dequantize(s);
                sOne = s.eOne();
            }
            Q r1 = conv(q, u.prefix() + "conv1", 1, 1, false, true);
            Q r2 = conv(r1, u.prefix() + "conv2", u.stride(), u.rate(), u.stride() > 1, true);
            Q r3 = conv(r2, u.prefix() + "conv3", 1, 1, false, false);
            net = Ref.add(shortcut, dequantize(r3));
            eOne = sOne + r3.eOne();
        }
        double gain = bnGain("postnorm/");
        net = Ref.meanHw(Ref.relu(bn(net, "postnorm/")));
        Nhwc w = var("logits/weights");
        net = Ref.biasAdd(Ref.conv2dValid(net, w, 1, 1), var("logits/biases").data());
        double logitsGain = 0;
        int classes = w.dim(3);
        for (int c = 0; c < classes; c++) {
            double s = 0;
            for (int i = c; i < w.data().length; i += classes) {
                s += Math.abs(w.data()[i]);
            }
            logitsGain = Math.max(logitsGain, s);
        }
        Nhwc logits = new Nhwc(new long[] {net.dim(0), classes}, net.data());
        return new Result(logits, logitsGain * gain * eOne);
    }

    /**
     * The root conv1 in int8: the images zero-padded by (3, 3), shifted by their calibrated minimum {@code m <= 0} to
     * {@code x' = x - m >= 0}, quantized over {@code [0, max - m]}, convolved (7×7/2 VALID) with the bias {@code b +
     * m·Σw̃}, requantized to qint8 over the calibrated {@code ±R}.
     */
    Q root(Nhwc images) {
        Nhwc w = var("conv1/weights");
        float[] bias = var("conv1/biases").data();
        int cout = w.dim(3);
        Int8Ops.QuantizedFilter f = Int8Ops.quantizeFilter(w.data(), Shape.of(w.dim(0), w.dim(1), w.dim(2), cout));
        Int8Quantization.Range r = cal.range(imagesName);
        double m = Math.min(0, r.min());
        double span = Math.max(Int8Quantization.MIN_RANGE, r.max() - m);
        Nhwc padded = Ref.conv2d(images, identity(images.dim(3)), 1, 1, new int[] {3, 3, 3, 3});
        float[] shifted = new float[padded.data().length];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = (float) (padded.data()[i] - m);
        }
        Int8Reference.IntMap q =
                Int8Reference.quantize(shifted, padded.dim(0), padded.dim(1), padded.dim(2), padded.dim(3), span);
        double[] sum = new double[cout];
        for (int i = 0; i < f.values().length; i++) {
            sum[i % cout] += f.dequantized(i);
        }
        float[] b = new float[cout];
        for (int c = 0; c < cout; c++) {
            b[c] = (float) (bias[c] + m * sum[c]);
        }
        double rOut = range("conv1/BiasAdd", true);
        Int8Reference.IntMap out =
                Int8Reference.conv(q, span, f.values(), f.maxAbs(), 7, 7, b, 2, 1, false, false, true, rOut);
        return new Q(out, rOut, true, rOut / 127);
    }

    /** A 1×1 identity filter (for zero padding through {@link Ref#conv2d}). */
    private static Nhwc identity(int channels) {
        Nhwc w = Nhwc.zeros(1, 1, channels, channels);
        for (int c = 0; c < channels; c++) {
            w.set(1f, 0, 0, c, c);
        }
        return w;
    }

    /**
     * Runs every int8 stage on the int8 graph's own float input to it (the pre-activation batch norm's output, or the
     * previous convolution's dequantized output) and compares the integer results.
     */
    StageCheck checkStages(Session s, Int8Graph g, Nhwc images) {
        List<String> names = new ArrayList<>();
        if (int8Root) {
            names.add("conv1/BiasAdd");
        }
        for (Unit u : units) {
            names.add(u.prefix() + "preact/FusedBatchNormV3");
            names.add(u.prefix() + "conv1/Relu");
            names.add(u.prefix() + "conv2/Relu");
            names.add(u.prefix() + "conv3/BiasAdd");
            if (vars.containsKey(scope + "/" + u.prefix() + "shortcut/weights")) {
                names.add(u.prefix() + "shortcut/BiasAdd");
            }
        }
        List<Operand<?>> fetches = new ArrayList<>();
        names.forEach(n -> fetches.add(g.output(scope + "/" + n)));
        List<Nhwc> got = Graphs.run(s, Map.of(g.images(), images), fetches);
        Map<String, Nhwc> byName = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byName.put(names.get(i), got.get(i));
        }
        int[] counts = new int[4];
        double[] ratio = {0};
        if (int8Root) {
            compare(root(images), byName.get("conv1/BiasAdd"), counts);
            Int8Quantization.Range ri = cal.range(imagesName);
            double span = Math.max(Int8Quantization.MIN_RANGE, ri.max() - Math.min(0, ri.min()));
            ratio[0] = fp32Ratio(images, span / 510, "conv1", 2, 1, true, false, byName.get("conv1/BiasAdd"));
        }
        for (Unit u : units) {
            Nhwc pre = byName.get(u.prefix() + "preact/FusedBatchNormV3");
            double r = range(u.prefix() + "preact/Relu", false);
            Q q = new Q(
                    Int8Reference.quantize(pre.data(), pre.dim(0), pre.dim(1), pre.dim(2), pre.dim(3), r), r, false, 0);
            Nhwc preact = Ref.relu(pre);
            String shortcut = u.prefix() + "shortcut/BiasAdd";
            if (byName.containsKey(shortcut)) {
                Q s8 = conv(q, u.prefix() + "shortcut", u.stride(), 1, false, false);
                compare(s8, byName.get(shortcut), counts);
                ratio[0] = Math.max(
                        ratio[0],
                        fp32Ratio(
                                preact,
                                r / 510,
                                u.prefix() + "shortcut",
                                u.stride(),
                                1,
                                false,
                                false,
                                byName.get(shortcut)));
            }
            String c1name = u.prefix() + "conv1/Relu";
            compare(conv(q, u.prefix() + "conv1", 1, 1, false, true), byName.get(c1name), counts);
            ratio[0] = Math.max(
                    ratio[0], fp32Ratio(preact, r / 510, u.prefix() + "conv1", 1, 1, false, true, byName.get(c1name)));
            Q c1 = fromFloat(byName.get(c1name), range(c1name, false), false);
            String c2name = u.prefix() + "conv2/Relu";
            compare(
                    conv(c1, u.prefix() + "conv2", u.stride(), u.rate(), u.stride() > 1, true),
                    byName.get(c2name),
                    counts);
            ratio[0] = Math.max(
                    ratio[0],
                    fp32Ratio(
                            byName.get(c1name),
                            0,
                            u.prefix() + "conv2",
                            u.stride(),
                            u.rate(),
                            u.stride() > 1,
                            true,
                            byName.get(c2name)));
            Q c2 = fromFloat(byName.get(c2name), range(c2name, false), false);
            String c3name = u.prefix() + "conv3/BiasAdd";
            compare(conv(c2, u.prefix() + "conv3", 1, 1, false, false), byName.get(c3name), counts);
            ratio[0] = Math.max(
                    ratio[0],
                    fp32Ratio(byName.get(c2name), 0, u.prefix() + "conv3", 1, 1, false, false, byName.get(c3name)));
        }
        return new StageCheck(counts[0], counts[1], counts[2], counts[3], ratio[0]);
    }

    /**
     * The largest ratio, over the stage's outputs, of |int8 − fp32| to the stage's bound: the fp32 convolution (float
     * weights, bias, ReLU) of the stage's float input {@code x} against the int8 graph's output {@code got}, bounded
     * by {@code Σ|w̃|·inputRounding + K·s_w/2·max|x| + step_out/2} per output channel.
     */
    private double fp32Ratio(
            Nhwc x,
            double inputRounding,
            String conv,
            int stride,
            int rate,
            boolean explicitPad,
            boolean relu,
            Nhwc got) {
        Nhwc w = var(conv + "/weights");
        int kh = w.dim(0);
        int cout = w.dim(3);
        int taps = kh * w.dim(1) * w.dim(2);
        Nhwc y;
        if (explicitPad) {
            int total = (kh - 1) * rate;
            int b = total / 2;
            y = Ref.conv2d(x, w, stride, rate, new int[] {b, total - b, b, total - b});
        } else {
            y = Ref.conv2dSamePadding(x, w, stride, rate);
        }
        y = Ref.biasAdd(y, var(conv + "/biases").data());
        if (relu) {
            y = Ref.relu(y);
        }
        Int8Ops.QuantizedFilter f = Int8Ops.quantizeFilter(w.data(), Shape.of(kh, w.dim(1), w.dim(2), cout));
        double xMax = x.maxAbs();
        double stepOut = range(conv + (relu ? "/Relu" : "/BiasAdd"), !relu) / (relu ? 255.0 : 127.0);
        double[] bound = new double[cout];
        for (int c = 0; c < cout; c++) {
            double g = 0;
            for (int i = c; i < f.values().length; i += cout) {
                g += Math.abs(f.values()[i]) * (double) f.maxAbs()[c] / 127;
            }
            bound[c] = g * inputRounding + taps * (f.maxAbs()[c] / 127.0 / 2) * xMax + stepOut / 2;
        }
        double worst = 0;
        for (int i = 0; i < y.data().length; i++) {
            worst = Math.max(worst, Math.abs(y.data()[i] - got.data()[i]) / bound[i % cout]);
        }
        return worst;
    }

    private static void compare(Q want, Nhwc got, int[] counts) {
        counts[0]++;
        int[] q = want.map().q();
        if (q.length != got.data().length) {
            throw new AssertionError("stage shapes differ: " + q.length + " vs " + got.data().length);
        }
        double limit = want.signed() ? 127 : 255;
        for (int i = 0; i < q.length; i++) {
            int t = (int) Math.rint(got.data()[i] * limit / want.range());
            int d = Math.abs(t - q[i]);
            counts[1]++;
            if (d != 0) {
                counts[2]++;
            }
            counts[3] = Math.max(counts[3], d);
        }
    }

    /** The integers a dequantized quint8 tensor holds. */
    private static Q fromFloat(Nhwc x, double range, boolean signed) {
        int[] q = new int[x.data().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (int) Math.rint(x.data()[i] * (signed ? 127 : 255) / range);
        }
        return new Q(new Int8Reference.IntMap(x.dim(0), x.dim(1), x.dim(2), x.dim(3), q), range, signed, 0);
    }

    /** One int8 convolution: SAME (or, with {@code explicitPad}, conv2d_same's pad then VALID), stride or rate. */
    private Q conv(Q in, String conv, int stride, int rate, boolean explicitPad, boolean relu) {
        Nhwc w = var(conv + "/weights");
        float[] bias = var(conv + "/biases").data();
        int kh = w.dim(0);
        int kw = w.dim(1);
        int cin = w.dim(2);
        int cout = w.dim(3);
        Int8Ops.QuantizedFilter f = Int8Ops.quantizeFilter(w.data(), Shape.of(kh, kw, cin, cout));
        Int8Reference.IntMap x = in.map();
        if (explicitPad) {
            int total = (kh - 1) * rate;
            x = Int8Reference.pad(x, total / 2, total - total / 2);
        }
        double rOut = range(conv + (relu ? "/Relu" : "/BiasAdd"), !relu);
        Int8Reference.IntMap out = Int8Reference.conv(
                x, in.range(), f.values(), f.maxAbs(), kh, kw, bias, stride, rate, !explicitPad, relu, !relu, rOut);
        double stepOut = rOut / (relu ? 255.0 : 127.0);
        double eOne = 0;
        for (int c = 0; c < cout; c++) {
            double g = 0;
            for (int i = c; i < f.values().length; i += cout) {
                g += Math.abs(f.values()[i]) * (double) f.maxAbs()[c] / 127;
            }
            eOne = Math.max(eOne, g * in.eOne());
        }
        return new Q(out, rOut, !relu, eOne + stepOut);
    }

    private static Nhwc dequantize(Q q) {
        Int8Reference.IntMap m = q.map();
        return new Nhwc(new long[] {m.n(), m.h(), m.w(), m.c()}, Int8Reference.dequantize(m, q.range(), q.signed()));
    }

    private double range(String tensor, boolean signed) {
        Int8Quantization.Range r = cal.range(scope + "/" + tensor);
        return signed ? r.absMax() : r.reluMax();
    }

    private Nhwc bn(Nhwc x, String prefix) {
        return Ref.batchNorm(
                x,
                var(prefix + "gamma").data(),
                var(prefix + "beta").data(),
                var(prefix + "moving_mean").data(),
                var(prefix + "moving_variance").data(),
                RefResNetV2.EPSILON);
    }

    private double bnGain(String prefix) {
        float[] gamma = var(prefix + "gamma").data();
        float[] variance = var(prefix + "moving_variance").data();
        double g = 0;
        for (int c = 0; c < gamma.length; c++) {
            g = Math.max(g, Math.abs(gamma[c]) / Math.sqrt(variance[c] + RefResNetV2.EPSILON));
        }
        return g;
    }

    private Nhwc var(String name) {
        Nhwc v = vars.get(scope + "/" + name);
        if (v == null) {
            throw new AssertionError("the model has no variable " + scope + "/" + name);
        }
        return v;
    }
}
