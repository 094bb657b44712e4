/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

/**
 * Plain-Java reference implementations of the ops slim's ResNet v2 uses, on NHWC {@link Nhwc} tensors, written from
 * the ops' definitions (TensorFlow's SAME padding rule, max pooling that ignores padding, batch norm's formula). Tests
 * compare the TensorFlow graph against these.
 */
public final class Ref {
    private Ref() {}

    /** TensorFlow's SAME padding for one axis: {@code [before, after]}. */
    public static int[] samePadding(int size, int kernel, int stride, int rate) {
        int effective = (kernel - 1) * rate + 1;
        int out = (size + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + effective - size, 0);
        return new int[] {total / 2, total - total / 2};
    }

    /**
     * A convolution on explicitly zero-padded input: {@code w} is {@code [kh, kw, in, out]}.
     *
     * @param pad {@code [top, bottom, left, right]}
     */
    public static Nhwc conv2d(Nhwc x, Nhwc w, int stride, int rate, int[] pad) {
        int n = x.dim(0), h = x.dim(1), wd = x.dim(2), cin = x.dim(3);
        int kh = w.dim(0), kw = w.dim(1), cout = w.dim(3);
        if (w.dim(2) != cin) {
            throw new IllegalArgumentException("channels");
        }
        int ekh = (kh - 1) * rate + 1, ekw = (kw - 1) * rate + 1;
        int oh = (h + pad[0] + pad[1] - ekh) / stride + 1;
        int ow = (wd + pad[2] + pad[3] - ekw) / stride + 1;
        Nhwc out = Nhwc.zeros(n, oh, ow, cout);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int co = 0; co < cout; co++) {
                        double s = 0;
                        for (int i = 0; i < kh; i++) {
                            int y = oy * stride + i * rate - pad[0];
                            if (y < 0 || y >= h) continue;
                            for (int j = 0; j < kw; j++) {
                                int xx = ox * stride + j * rate - pad[2];
                                if (xx < 0 || xx >= wd) continue;
                                for (int ci = 0; ci < cin; ci++) {
                                    s += (double) x.get(b, y, xx, ci) * w.get(i, j, ci, co);
                                }
                            }
                        }
                        out.set((float) s, b, oy, ox, co);
                    }
        return out;
    }

    /** TensorFlow's {@code conv2d(padding='SAME')}. */
    public static Nhwc conv2dSamePadding(Nhwc x, Nhwc w, int stride, int rate) {
        int[] ph = samePadding(x.dim(1), w.dim(0), stride, rate);
        int[] pw = samePadding(x.dim(2), w.dim(1), stride, rate);
        return conv2d(x, w, stride, rate, new int[] {ph[0], ph[1], pw[0], pw[1]});
    }

    /** TensorFlow's {@code conv2d(padding='VALID')}. */
    public static Nhwc conv2dValid(Nhwc x, Nhwc w, int stride, int rate) {
        return conv2d(x, w, stride, rate, new int[] {0, 0, 0, 0});
    }

    /** Adds a per-channel bias. */
    public static Nhwc biasAdd(Nhwc x, float[] bias) {
        Nhwc out = new Nhwc(x.shape().clone(), x.data().clone());
        int c = x.dim(x.shape().length - 1);
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] += bias[i % c];
        }
        return out;
    }

    /** {@code max(x, 0)}. */
    public static Nhwc relu(Nhwc x) {
        Nhwc out = new Nhwc(x.shape().clone(), x.data().clone());
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] = Math.max(out.data()[i], 0f);
        }
        return out;
    }

    /** Element-wise sum. */
    public static Nhwc add(Nhwc a, Nhwc b) {
        Nhwc out = new Nhwc(a.shape().clone(), a.data().clone());
        for (int i = 0; i < out.data().length; i++) {
            out.data()[i] += b.data()[i];
        }
        return out;
    }

    /** Batch norm with given statistics: {@code gamma (x - mean) / sqrt(var + eps) + beta}, per channel. */
    public static Nhwc batchNorm(Nhwc x, float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        Nhwc out = new Nhwc(x.shape().clone(), x.data().clone());
        int c = x.dim(x.shape().length - 1);
        for (int i = 0; i < out.data().length; i++) {
            int k = i % c;
            out.data()[i] = (float) (gamma[k] * (x.data()[i] - mean[k]) / Math.sqrt(var[k] + eps) + beta[k]);
        }
        return out;
    }

    /** Per-channel mean over N, H, W. */
    public static double[] channelMean(Nhwc x) {
        int c = x.dim(3);
        double[] m = new double[c];
        for (int i = 0; i < x.data().length; i++) {
            m[i % c] += x.data()[i];
        }
        int n = x.data().length / c;
        for (int k = 0; k < c; k++) m[k] /= n;
        return m;
    }

    /** Per-channel population variance over N, H, W (divide by n). */
    public static double[] channelVariance(Nhwc x) {
        int c = x.dim(3);
        double[] m = channelMean(x);
        double[] v = new double[c];
        for (int i = 0; i < x.data().length; i++) {
            double d = x.data()[i] - m[i % c];
            v[i % c] += d * d;
        }
        int n = x.data().length / c;
        for (int k = 0; k < c; k++) v[k] /= n;
        return v;
    }

    /** Max pooling; with SAME, padded positions never win (as if -inf). */
    public static Nhwc maxPool(Nhwc x, int k, int stride, boolean same) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int[] ph = same ? samePadding(h, k, stride, 1) : new int[] {0, 0};
        int[] pw = same ? samePadding(w, k, stride, 1) : new int[] {0, 0};
        int oh = (h + ph[0] + ph[1] - k) / stride + 1;
        int ow = (w + pw[0] + pw[1] - k) / stride + 1;
        Nhwc out = Nhwc.zeros(n, oh, ow, c);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ch = 0; ch < c; ch++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                int y = oy * stride + i - ph[0], xx = ox * stride + j - pw[0];
                                if (y >= 0 && y < h && xx >= 0 && xx < w) m = Math.max(m, x.get(b, y, xx, ch));
                            }
                        out.set(m, b, oy, ox, ch);
                    }
        return out;
    }

    /** Mean over H and W, keeping them as size 1. */
    public static Nhwc meanHw(Nhwc x) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        Nhwc out = Nhwc.zeros(n, 1, 1, c);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int y = 0; y < h; y++) for (int xx = 0; xx < w; xx++) s += x.get(b, y, xx, ch);
                out.set((float) (s / (h * w)), b, 0, 0, ch);
            }
        return out;
    }

    /** Softmax over the last dimension. */
    public static Nhwc softmax(Nhwc x) {
        int c = x.dim(x.shape().length - 1);
        Nhwc out = new Nhwc(x.shape().clone(), x.data().clone());
        for (int row = 0; row < x.data().length / c; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, x.data()[row * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(x.data()[row * c + k] - max);
            for (int k = 0; k < c; k++) out.data()[row * c + k] = (float) (Math.exp(x.data()[row * c + k] - max) / sum);
        }
        return out;
    }
}
