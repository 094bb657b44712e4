/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** Charts of results with JFreeChart, saved as PNG or (with JFreeSVG) SVG. */
public final class Charts {
    private Charts() {}

    static final int WIDTH = 1000;
    static final int HEIGHT = 520;

    /** Checks a chart file option: a {@code .png} or {@code .svg} path that can be written; null is allowed. */
    public static void checkPlotFile(String option, Path file) {
        if (file == null) {
            return;
        }
        String ext = ResultWriter.extension(file);
        if (!ext.equals("png") && !ext.equals("svg")) {
            throw new IllegalArgumentException(
                    option + ": unknown chart type '" + file.getFileName() + "'; allowed: a .png or .svg file");
        }
        ResultWriter.checkWritable(option, file);
    }

    /** The timed steps' durations against the step index, with the mean as a horizontal line. */
    public static JFreeChart stepChart(BenchmarkResult r) {
        XYSeries series = new XYSeries("step duration");
        List<Double> steps = r.timings().stepSeconds();
        for (int i = 0; i < steps.size(); i++) {
            series.add(i, steps.get(i));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title(r) + ": " + r.config().mode().across() + ", " + steps.size() + " steps",
                "step",
                "seconds / batch",
                new XYSeriesCollection(series),
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        if (r.summary() != null) {
            LatencyStats s = r.summary();
            ValueMarker mean = new ValueMarker(s.mean(), new Color(200, 30, 30), new BasicStroke(2f));
            mean.setLabel(String.format(Locale.ROOT, "mean %.3f +/- %.3f s", s.mean(), s.stddev()));
            mean.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            mean.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(mean);
        }
        return chart;
    }

    /** Several results side by side: mean seconds per batch with the standard deviation as an error bar. */
    public static JFreeChart comparisonChart(List<BenchmarkResult> results, List<String> labels) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (int i = 0; i < results.size(); i++) {
            LatencyStats s = results.get(i).summary();
            if (s != null) {
                data.add(s.mean(), s.stddev(), "mean +/- sd", labels.get(i));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "seconds per batch", "run", "seconds / batch", data, PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.BLACK);
        plot.setRenderer(renderer);
        return chart;
    }

    /** A short label of a result: model, precision, batch, device, host. */
    public static String title(BenchmarkResult r) {
        BenchmarkResult.Config c = r.config();
        String mode = c.mode() == StepMode.INFERENCE ? "" : c.mode() + " ";
        return (c.savedModel() == null ? "" : "SavedModel ") + c.model() + " " + mode + c.precision() + " batch "
                + c.batchSize() + " " + c.height() + "x" + c.width() + " "
                + c.deviceUsed()
                + (r.environment() == null ? "" : " @" + r.environment().host());
    }

    /** Saves {@code chart} as PNG or SVG by the file's extension, atomically. */
    public static void save(JFreeChart chart, Path file) throws IOException {
        String ext = ResultWriter.extension(file);
        byte[] bytes;
        if (ext.equals("svg")) {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
            bytes = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        } else {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
            bytes = png.toByteArray();
        }
        ResultWriter.writeAtomically(file, bytes);
    }
}
