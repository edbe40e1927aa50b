package org.veriflow.demo.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.metrics.HistoryChart;

/**
 * A classifier's training and validation accuracy per epoch, in percent, with a dashed reference
 * line at the validation accuracy a paper reports. Uses {@link HistoryChart}'s colours so that it
 * reads next to the loss chart. Stateless.
 */
final class AccuracyChart {
  private static final Color REFERENCE = new Color(0x55, 0x55, 0x55);

  private AccuracyChart() {}

  /**
   * Draws the chart; an empty history gives a canvas that says so.
   *
   * @param reference the reported validation accuracy as a fraction (0.9239), drawn as a line
   * @throws IllegalArgumentException if the size is below 480×300
   */
  static BufferedImage render(History history, double reference, int width, int height) {
    if (width < 480 || height < 300) {
      throw new IllegalArgumentException("accuracy chart must be at least 480x300, not " + width + "x" + height);
    }
    String title = "Traceability: " + history.metricName() + " per epoch";
    if (history.epochs().isEmpty()) {
      return Plot.placeholder(width, height, title, "no epochs recorded");
    }
    double lo = reference * 100;
    double hi = reference * 100;
    boolean validation = false;
    for (EpochRecord r : history.epochs()) {
      for (double v : new double[] {r.trainMetric(), r.validationMetric()}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v * 100);
          hi = Math.max(hi, v * 100);
        }
      }
      validation |= r.hasValidation() && Double.isFinite(r.validationMetric());
    }
    Plot.Ticks y = Plot.ticks(Math.max(0, lo - 1), Math.min(100, hi + 1), 5);
    if (y.max() > 100 && hi <= 100) {
      y = new Plot.Ticks(y.min(), 100, y.values().stream().filter(v -> v <= 100 + 1e-9).toList(), y.decimals());
    }

    List<Plot.Entry> legend = new ArrayList<>();
    legend.add(new Plot.Entry("train", HistoryChart.TRAIN, Plot.Marker.LINE));
    if (validation) {
      legend.add(new Plot.Entry("validation", HistoryChart.VALIDATION, Plot.Marker.LINE));
    }
    legend.add(new Plot.Entry(String.format(Locale.ROOT, "paper, validation: %.2f %%", reference * 100), REFERENCE,
        Plot.Marker.DASHED_LINE));

    BufferedImage image = Plot.canvas(width, height);
    Graphics2D g = Plot.graphics(image);
    try {
      int legendWidth = Plot.legendWidth(g, legend, 220);
      Plot.Frame f = new Plot.Frame(74, 48, width - legendWidth - 36, height - 62,
          Plot.integerTicks(history.epochs().size(), 8), y);
      Plot.title(g, title, 74, 28);
      f.grid(g);
      f.ticks(g, true);
      f.xLabel(g, "epoch");
      f.yLabel(g, history.metricName() + " (%)", 52);
      Shape clip = g.getClip();
      g.clip(f.area());
      g.setColor(REFERENCE);
      g.setStroke(Plot.dashed(1.4f));
      g.draw(new Line2D.Double(f.left(), f.py(reference * 100), f.right(), f.py(reference * 100)));
      line(g, f, history, EpochRecord::trainMetric, HistoryChart.TRAIN);
      if (validation) {
        line(g, f, history, EpochRecord::validationMetric, HistoryChart.VALIDATION);
      }
      g.setClip(clip);
      Plot.legend(g, legend, width - legendWidth - 16, 48, legendWidth);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void line(Graphics2D g, Plot.Frame f, History history, ToDoubleFunction<EpochRecord> metric, Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    for (EpochRecord r : history.epochs()) {
      double v = metric.applyAsDouble(r);
      if (!Double.isFinite(v)) {
        open = false;
        continue;
      }
      if (open) {
        path.lineTo(f.px(r.epoch()), f.py(v * 100));
      } else {
        path.moveTo(f.px(r.epoch()), f.py(v * 100));
      }
      open = true;
    }
    g.draw(path);
    if (history.epochs().size() <= 40) {
      for (EpochRecord r : history.epochs()) {
        double v = metric.applyAsDouble(r);
        if (Double.isFinite(v)) {
          Plot.marker(g, Plot.Marker.CIRCLE, f.px(r.epoch()), f.py(v * 100), 2.8);
        }
      }
    }
  }
}
