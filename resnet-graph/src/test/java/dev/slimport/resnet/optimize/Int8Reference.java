/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

/**
 * A plain-Java simulation of oneDNN's int8 arithmetic as TensorFlow's kernels describe it (mkl_conv_ops.cc with
 * oneDNN v3, mkl_quantize_op.cc, dequantize_op.cc): quantize, integer accumulate, float bias, ReLU, requantize,
 * dequantize. NHWC tensors as flat arrays; independent of the code under test except the shared filter quantization
 * rule, which is checked on its own.
 */
final class Int8Reference {
    private Int8Reference() {}

    /** An NHWC integer map. */
    record IntMap(int n, int h, int w, int c, int[] q) {
        int at(int b, int y, int x, int k) {
            return q[((b * h + y) * w + x) * c + k];
        }
    }

    /** {@code QuantizeV2} quint8 SCALED over {@code [0, max]}: {@code clamp(rint(x · 255 / max), 0, 255)}. */
    static IntMap quantize(float[] x, int n, int h, int w, int c, double max) {
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = (int) Math.max(0, Math.min(255, Math.rint(x[i] * 255.0 / max)));
        }
        return new IntMap(n, h, w, c, q);
    }

    /** Zero padding of height and width by {@code [begin, end]} (a quint8 0 is the float 0 over {@code [0, R]}). */
    static IntMap pad(IntMap in, int begin, int end) {
        int h = in.h() + begin + end;
        int w = in.w() + begin + end;
        int[] q = new int[in.n() * h * w * in.c()];
        for (int b = 0; b < in.n(); b++)
            for (int y = 0; y < in.h(); y++)
                for (int x = 0; x < in.w(); x++)
                    for (int k = 0; k < in.c(); k++)
                        q[((b * h + y + begin) * w + x + begin) * in.c() + k] = in.at(b, y, x, k);
        return new IntMap(in.n(), h, w, in.c(), q);
    }

    /**
     * The quantized convolution: {@code y = acc · (R_in/255) · (R_w[c]/127) + bias[c]}, ReLU when {@code relu}, then
     * {@code saturate(rint(y · limit / R_out))} into {@code [lo, limit]}; SAME (TF's split, begin = total / 2) or
     * VALID padding, stride or dilation {@code rate}.
     */
    static IntMap conv(
            IntMap in,
            double inRange,
            byte[] filter,
            float[] filterRange,
            int kh,
            int kw,
            float[] bias,
            int stride,
            int rate,
            boolean same,
            boolean relu,
            boolean signedOut,
            double outRange) {
        int out = filterRange.length;
        int ekh = (kh - 1) * rate + 1;
        int ekw = (kw - 1) * rate + 1;
        int oh;
        int ow;
        int padTop;
        int padLeft;
        if (same) {
            oh = (in.h() + stride - 1) / stride;
            ow = (in.w() + stride - 1) / stride;
            padTop = Math.max(0, (oh - 1) * stride + ekh - in.h()) / 2;
            padLeft = Math.max(0, (ow - 1) * stride + ekw - in.w()) / 2;
        } else {
            oh = (in.h() - ekh) / stride + 1;
            ow = (in.w() - ekw) / stride + 1;
            padTop = 0;
            padLeft = 0;
        }
        double limit = signedOut ? 127 : 255;
        double lo = signedOut ? -128 : 0;
        int[] q = new int[in.n() * oh * ow * out];
        for (int b = 0; b < in.n(); b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int k = 0; k < out; k++) {
                        long acc = 0;
                        for (int di = 0; di < kh; di++)
                            for (int dj = 0; dj < kw; dj++) {
                                int y = i * stride + di * rate - padTop;
                                int x = j * stride + dj * rate - padLeft;
                                if (y < 0 || y >= in.h() || x < 0 || x >= in.w()) {
                                    continue;
                                }
                                for (int c = 0; c < in.c(); c++) {
                                    acc += (long) in.at(b, y, x, c) * filter[((di * kw + dj) * in.c() + c) * out + k];
                                }
                            }
                        double v = acc * (inRange / 255.0) * (filterRange[k] / 127.0) + bias[k];
                        if (relu) {
                            v = Math.max(0, v);
                        }
                        q[((b * oh + i) * ow + j) * out + k] =
                                (int) Math.max(lo, Math.min(limit, Math.rint(v * limit / outRange)));
                    }
        return new IntMap(in.n(), oh, ow, out, q);
    }

    /** {@code Dequantize} SCALED: {@code q · R / limit}. */
    static float[] dequantize(IntMap m, double range, boolean signed) {
        float[] f = new float[m.q().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (m.q()[i] * range / (signed ? 127.0 : 255.0));
        }
        return f;
    }
}
