/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The README's example, verbatim between the markers, so the README cannot drift from the API. */
class ReadmeExampleTest {

  @Test
  void readmeExampleRuns() {
    float sum = 0;
    // README-EXAMPLE-BEGIN
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> images = ResNetV2.imagesPlaceholder(tf, -1, 224, 224);
      ResNetModel model = ResNetV2.resnetV2_152()
          .numClasses(1000)
          .isTraining(false)            // slim's default is training mode
          .build(tf, images);           // inside resnet_arg_scope() by default
      try (Session session = new Session(graph);
          TFloat32 batch = TFloat32.tensorOf(Shape.of(1, 224, 224, 3));
          Result result = session.runner().feed(images, batch).fetch(model.predictions().get()).run()) {
        TFloat32 predictions = (TFloat32) result.get(0);   // [1, 1000], rows sum to 1
        System.out.println(model.endPoints().keySet() + " " + predictions.shape());
        // README-EXAMPLE-END
        for (int k = 0; k < 1000; k++) {
          sum += predictions.getFloat(0, k);
        }
      }
    }
    assertThat(sum).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-4f));
  }
}
