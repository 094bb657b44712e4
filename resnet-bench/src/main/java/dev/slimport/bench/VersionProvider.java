/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import dev.slimport.bench.host.EnvironmentInfo;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: this tool's version (jar manifest) and the TensorFlow runtime's. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "resnet-bench " + EnvironmentInfo.toolVersion(),
            "TensorFlow " + TensorFlow.version() + " (TensorFlow Java " + EnvironmentInfo.tensorflowJavaVersion() + ")",
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
