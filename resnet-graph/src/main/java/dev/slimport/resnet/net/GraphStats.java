/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.RawTensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Multiply-add counts read off a built graph: every {@code Conv2D} (or int8 {@code QuantizedConv2D…}) an output
 * depends on (the logits too are a 1×1 convolution), with its filter shape and its static output shape. Atrous convolutions (run on a {@code SpaceToBatchND} tensor) count
 * the block's {@code rate²} batch copies per image, i.e. the work really done, padding included.
 */
public final class GraphStats {
    private GraphStats() {}

    /**
     * One convolution.
     *
     * @param opName the op's name
     * @param filter the filter shape {@code [kh, kw, in, out]}
     * @param output the op's static output shape
     * @param batchCopies output batch rows per image (rate² after SpaceToBatchND, else 1)
     * @param multiplyAddsPerImage {@code kh·kw·in·out · out_h·out_w · batchCopies}, or -1 when a dimension is unknown
     */
    public record ConvCost(String opName, Shape filter, Shape output, long batchCopies, long multiplyAddsPerImage) {}

    /** The convolutions {@code output} depends on, sorted by op name. */
    public static List<ConvCost> convolutions(Operand<?> output) {
        GraphOperation outOp = (GraphOperation) output.op();
        Graph g = outOp.env();
        Set<GraphOperation> ops = new HashSet<>(g.subgraphToOps(Set.of(outOp)));
        ops.add(outOp);
        List<ConvCost> costs = new ArrayList<>();
        for (GraphOperation op : ops) {
            if (isConvolution(op.type())) {
                costs.add(conv2dCost(op));
            }
        }
        costs.sort(Comparator.comparing(ConvCost::opName));
        return costs;
    }

    /**
     * Whether ops of {@code type} are counted as convolutions: {@code Conv2D} and the oneDNN int8 convolutions an int8
     * graph runs ({@code QuantizedConv2D}, {@code QuantizedConv2DWithBias…}), whose filter is input 1 as well.
     */
    static boolean isConvolution(String type) {
        return type.equals("Conv2D") || type.startsWith("QuantizedConv2D");
    }

    /** The total multiply-adds per image of everything {@code output} depends on; empty if any size is unknown. */
    public static OptionalLong multiplyAddsPerImage(Operand<?> output) {
        long total = 0;
        for (ConvCost c : convolutions(output)) {
            if (c.multiplyAddsPerImage() < 0) {
                return OptionalLong.empty();
            }
            total += c.multiplyAddsPerImage();
        }
        return OptionalLong.of(total);
    }

    /**
     * The batch norms ({@code FusedBatchNorm*} ops) of {@code graph} that directly follow a convolution ({@code Conv2D},
     * or {@code BatchToSpaceND} ending an atrous one): what {@code optimize.InferenceGraph.foldBatchNorms} folds away.
     */
    public static int batchNormsAfterConvolution(Graph graph) {
        int n = 0;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().startsWith("FusedBatchNorm")) {
                String producer = op.input(0).op().type();
                if (producer.equals("Conv2D") || producer.equals("BatchToSpaceND")) {
                    n++;
                }
            }
        }
        return n;
    }

    private static ConvCost conv2dCost(GraphOperation op) {
        Shape filter = op.input(1).shape();
        Shape out = op.output(0).shape();
        String format = op.type().equals("Conv2D") ? op.attributes().getAttrString("data_format") : "NHWC";
        int h = format.equals("NCHW") ? 2 : 1;
        long copies = 1;
        GraphOperation producer = (GraphOperation) op.input(0).op();
        if (producer.type().equals("SpaceToBatchND")) {
            copies = constProduct((GraphOperation) producer.input(1).op());
        }
        long kernel = filter.numDimensions() == 4 ? filter.size() : -1;
        long spatial = out.numDimensions() == 4 ? out.get(h) * out.get(h + 1) : -1;
        boolean known = kernel >= 0 && spatial >= 0 && copies > 0 && out.get(h) >= 0 && out.get(h + 1) >= 0;
        return new ConvCost(op.name(), filter, out, copies, known ? kernel * spatial * copies : -1);
    }

    /** The product of an integer {@code Const}'s values, or -1 if the op is not such a constant. */
    private static long constProduct(GraphOperation constant) {
        if (!constant.type().equals("Const")) {
            return -1;
        }
        try (RawTensor t = constant.attributes().getAttrTensor("value").asRawTensor()) {
            boolean int64 = t.dataType() == DataType.DT_INT64;
            long p = 1;
            for (long i = 0; i < t.shape().size(); i++) {
                p *= int64 ? t.data().asLongs().getLong(i) : t.data().asInts().getInt(i);
            }
            return p;
        }
    }
}
