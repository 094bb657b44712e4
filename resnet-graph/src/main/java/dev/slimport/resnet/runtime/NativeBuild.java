/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import java.net.URL;
import java.util.List;

/**
 * Which TensorFlow native build is on the class path: {@code tensorflow-core-native}'s classifier, found from the
 * JavaCPP resource folder the natives sit in ({@code org/tensorflow/internal/c_api/<classifier>/}).
 *
 * @param classifier e.g. {@code linux-x86_64} or {@code linux-x86_64-gpu}; {@code unknown} when none is found
 * @param location where the natives were found, or null
 */
public record NativeBuild(String classifier, String location) {

    private static final String RESOURCE_ROOT = "org/tensorflow/internal/c_api/";
    private static final List<String> CLASSIFIERS = List.of(
            "linux-x86_64-gpu",
            "linux-x86_64",
            "linux-arm64",
            "macosx-arm64",
            "macosx-x86_64",
            "windows-x86_64-gpu",
            "windows-x86_64");

    /** Whether this is a CUDA build ({@code -gpu} classifier). */
    public boolean isGpuBuild() {
        return classifier.endsWith("-gpu");
    }

    /**
     * Whether TensorFlow's oneDNN CPU kernels are on: the default on x86-64 Linux, off when the process was started
     * with {@code TF_ENABLE_ONEDNN_OPTS=0}. NCHW convolutions on the CPU need them.
     */
    public static boolean oneDnnEnabled() {
        String v = System.getenv("TF_ENABLE_ONEDNN_OPTS");
        return v == null || !(v.trim().equals("0") || v.trim().equalsIgnoreCase("false"));
    }

    /** The first native build found on the class path of this class's loader. */
    public static NativeBuild detect() {
        ClassLoader loader = NativeBuild.class.getClassLoader();
        for (String c : CLASSIFIERS) {
            URL url = loader.getResource(RESOURCE_ROOT + c + "/");
            if (url == null) {
                url = loader.getResource(RESOURCE_ROOT + c + "/LICENSE");
            }
            if (url != null) {
                return new NativeBuild(c, jarOf(url));
            }
        }
        return new NativeBuild("unknown", null);
    }

    private static String jarOf(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        String path = bang > 0 ? s.substring(0, bang) : s;
        int slash = path.lastIndexOf('/', path.length() - 2);
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
