/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.init.SlimL2Regularizer;
import dev.slimport.resnet.init.SlimVarianceScaling;
import dev.slimport.resnet.net.ResNetArgScope;
import org.junit.jupiter.api.Test;

class ArgScopeTest {

    @Test
    void emptyScopeResolvesToSlimsBuiltInDefaults() {
        ArgScope s = ArgScope.empty();
        // tf_slim/layers/layers.py signatures
        assertThat(s.get(Conv2dArgs.PADDING)).isEqualTo(Padding.SAME);
        assertThat(s.get(Conv2dArgs.STRIDE)).isEqualTo(1);
        assertThat(s.get(Conv2dArgs.ACTIVATION)).isEqualTo(Activation.RELU);
        assertThat(s.get(Conv2dArgs.NORMALIZER)).isEqualTo(Normalizer.NONE);
        assertThat(s.get(Conv2dArgs.WEIGHTS_INITIALIZER))
                .isEqualTo(new SlimVarianceScaling(1.0, SlimVarianceScaling.Mode.FAN_AVG, true));
        assertThat(s.get(BatchNormArgs.DECAY)).isEqualTo(0.999);
        assertThat(s.get(BatchNormArgs.EPSILON)).isEqualTo(0.001);
        assertThat(s.get(BatchNormArgs.SCALE)).isFalse();
        assertThat(s.get(BatchNormArgs.CENTER)).isTrue();
        assertThat(s.get(BatchNormArgs.IS_TRAINING)).isTrue();
        assertThat(s.get(MaxPool2dArgs.PADDING)).isEqualTo(Padding.VALID);
        assertThat(s.get(MaxPool2dArgs.STRIDE)).isEqualTo(2);
        assertThat(s.get(StackBlocksDenseArgs.STORE_NON_STRIDED_ACTIVATIONS)).isFalse();
    }

    @Test
    void withReturnsANewScopeAndLeavesTheOuterOneUntouched() {
        ArgScope outer = ArgScope.empty().with(Conv2dArgs.PADDING.of(Padding.VALID));
        ArgScope inner = outer.with(Conv2dArgs.ACTIVATION.of(Activation.NONE));
        assertThat(inner.get(Conv2dArgs.PADDING)).isEqualTo(Padding.VALID);
        assertThat(inner.get(Conv2dArgs.ACTIVATION)).isEqualTo(Activation.NONE);
        assertThat(outer.get(Conv2dArgs.ACTIVATION)).isEqualTo(Activation.RELU);
        assertThat(outer.has(Conv2dArgs.ACTIVATION)).isFalse();
        assertThat(ArgScope.empty().has(Conv2dArgs.PADDING)).isFalse();
    }

    @Test
    void innermostScopeBeatsOuterAndExplicitArgumentBeatsBoth() {
        ArgScope outer = ArgScope.empty().with(Conv2dArgs.STRIDE.of(2), Conv2dArgs.RATE.of(3));
        ArgScope inner = outer.with(Conv2dArgs.STRIDE.of(4));
        assertThat(inner.get(Conv2dArgs.STRIDE)).isEqualTo(4);
        assertThat(inner.get(Conv2dArgs.RATE)).isEqualTo(3);
        assertThat(inner.call(LayerFn.CONV2D, Conv2dArgs.STRIDE.of(5)).get(Conv2dArgs.STRIDE))
                .isEqualTo(5);
        assertThat(inner.call(LayerFn.CONV2D, Conv2dArgs.STRIDE.of(5)).get(Conv2dArgs.RATE))
                .isEqualTo(3);
        assertThat(inner.call(LayerFn.CONV2D).get(Conv2dArgs.PADDING)).isEqualTo(Padding.SAME);
    }

    @Test
    void nestingWholeScopesLayersTheInnerOneOnTop() {
        ArgScope a = ArgScope.empty().with(BatchNormArgs.DECAY.of(0.9), BatchNormArgs.SCALE.of(true));
        ArgScope b = ArgScope.empty().with(BatchNormArgs.DECAY.of(0.5));
        ArgScope nested = a.with(b);
        assertThat(nested.get(BatchNormArgs.DECAY)).isEqualTo(0.5);
        assertThat(nested.get(BatchNormArgs.SCALE)).isTrue();
        assertThat(a.get(BatchNormArgs.DECAY)).isEqualTo(0.9);
    }

    @Test
    void badValuesAreRejected() {
        assertThatThrownBy(() -> Conv2dArgs.STRIDE.of(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stride")
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> BatchNormArgs.DECAY.of(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decay");
        assertThatThrownBy(() -> BatchNormArgs.EPSILON.of(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
    }

    @Test
    void explicitArgumentsMustBelongToTheFunction() {
        assertThatThrownBy(() -> ArgScope.empty().call(LayerFn.CONV2D, BatchNormArgs.DECAY.of(0.9)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d has no argument decay");
        assertThatThrownBy(() -> Normalizer.batchNorm(Conv2dArgs.STRIDE.of(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalizer_params");
    }

    @Test
    void resnetArgScopeHoldsSlimsDefaults() {
        ArgScope s = ResNetArgScope.resnetArgScope();
        // resnet_utils.resnet_arg_scope(weight_decay=0.0001, batch_norm_decay=0.997, batch_norm_epsilon=1e-5,
        // batch_norm_scale=True, activation_fn=tf.nn.relu, use_batch_norm=True)
        assertThat(s.get(Conv2dArgs.WEIGHTS_REGULARIZER)).isEqualTo(new SlimL2Regularizer(1e-4));
        assertThat(s.get(Conv2dArgs.WEIGHTS_INITIALIZER))
                .isEqualTo(new SlimVarianceScaling(2.0, SlimVarianceScaling.Mode.FAN_IN, false));
        assertThat(s.get(Conv2dArgs.ACTIVATION)).isEqualTo(Activation.RELU);
        assertThat(s.get(Conv2dArgs.NORMALIZER))
                .isEqualTo(Normalizer.batchNorm(
                        BatchNormArgs.DECAY.of(0.997), BatchNormArgs.EPSILON.of(1e-5), BatchNormArgs.SCALE.of(true)));
        assertThat(s.get(BatchNormArgs.DECAY)).isEqualTo(0.997);
        assertThat(s.get(BatchNormArgs.EPSILON)).isEqualTo(1e-5);
        assertThat(s.get(BatchNormArgs.SCALE)).isTrue();
        assertThat(s.get(MaxPool2dArgs.PADDING)).isEqualTo(Padding.SAME);
        // not set by resnet_arg_scope: slim's own defaults remain
        assertThat(s.has(BatchNormArgs.IS_TRAINING)).isFalse();
        assertThat(s.has(Conv2dArgs.PADDING)).isFalse();

        ArgScope noBn = ResNetArgScope.resnetArgScope(0.0, 0.9, 1e-3, false, Activation.RELU6, false);
        assertThat(noBn.get(Conv2dArgs.NORMALIZER)).isEqualTo(Normalizer.NONE);
        assertThat(noBn.get(Conv2dArgs.ACTIVATION)).isEqualTo(Activation.RELU6);
        assertThat(noBn.get(BatchNormArgs.SCALE)).isFalse();
    }

    @Test
    void resnetArgScopeRejectsOutOfRangeArguments() {
        assertThatThrownBy(() -> ResNetArgScope.resnetArgScope(-1, 0.997, 1e-5, true, Activation.RELU, true))
                .hasMessageContaining("weight_decay");
        assertThatThrownBy(() -> ResNetArgScope.resnetArgScope(1e-4, 1.2, 1e-5, true, Activation.RELU, true))
                .hasMessageContaining("batch_norm_decay");
        assertThatThrownBy(() -> ResNetArgScope.resnetArgScope(1e-4, 0.997, 0, true, Activation.RELU, true))
                .hasMessageContaining("batch_norm_epsilon");
        assertThatThrownBy(() -> ResNetArgScope.resnetArgScope(1e-4, 0.997, 1e-5, true, null, true))
                .hasMessageContaining("activation_fn");
    }

    @Test
    void scopesAreValuesWithEquality() {
        assertThat(ResNetArgScope.resnetArgScope()).isEqualTo(ResNetArgScope.resnetArgScope());
        assertThat(ResNetArgScope.resnetArgScope().hashCode())
                .isEqualTo(ResNetArgScope.resnetArgScope().hashCode());
        assertThat(ArgScope.empty().with(Conv2dArgs.STRIDE.of(2))).isNotEqualTo(ArgScope.empty());
    }
}
