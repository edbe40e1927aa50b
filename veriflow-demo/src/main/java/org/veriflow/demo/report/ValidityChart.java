package org.veriflow.demo.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.veriflow.demo.report.DemoResult.ValidityRow;

/**
 * The validity experiment as a chart: the table's temperatures on the horizontal axis, relative
 * humidity on the vertical one, with the ground truth and its ±2 %RH band (when the readings were
 * simulated), the chain-verified model's predictions and the predictions of the model trained
 * without a ledger. Stateless.
 */
final class ValidityChart {
  /** Half-width of the band the paper accepts around the ground truth, in %RH. */
  static final double TOLERANCE = 2.0;

  static final Color TRUTH = Plot.INK;
  static final Color CHAIN = Plot.BLUE;
  static final Color NAIVE = Plot.ORANGE;
  private static final Color BAND = new Color(0x2c, 0xa0, 0x2c, 0x38);

  private ValidityChart() {}

  /**
   * Draws the chart.
   *
   * @throws IllegalArgumentException if the size is below 480×300
   */
  static BufferedImage render(List<ValidityRow> rows, int width, int height) {
    if (width < 480 || height < 300) {
      throw new IllegalArgumentException("validity chart must be at least 480x300, not " + width + "x" + height);
    }
    if (rows.isEmpty()) {
      return Plot.placeholder(width, height, "Humidity predicted at each temperature", "no rows");
    }
    List<ValidityRow> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingDouble(ValidityRow::temperature));
    boolean truth = sorted.stream().anyMatch(r -> r.truth().isPresent());

    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (ValidityRow r : sorted) {
      for (double v : new double[] {r.chain(), r.naive()}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      if (r.truth().isPresent() && Double.isFinite(r.truth().get())) {
        lo = Math.min(lo, r.truth().get() - TOLERANCE);
        hi = Math.max(hi, r.truth().get() + TOLERANCE);
      }
    }
    List<Double> temperatures = sorted.stream().map(ValidityRow::temperature).distinct().toList();
    int decimals = temperatures.stream().allMatch(t -> t == Math.rint(t)) ? 0 : 1;

    List<Plot.Entry> legend = new ArrayList<>();
    if (truth) {
      legend.add(new Plot.Entry("ground truth", TRUTH, Plot.Marker.CIRCLE));
      legend.add(new Plot.Entry("±2 %RH of the truth", BAND, Plot.Marker.BAND));
    }
    legend.add(new Plot.Entry("chain-verified model", CHAIN, Plot.Marker.SQUARE));
    legend.add(new Plot.Entry("without a ledger", NAIVE, Plot.Marker.TRIANGLE));

    BufferedImage image = Plot.canvas(width, height);
    Graphics2D g = Plot.graphics(image);
    try {
      int legendWidth = Plot.legendWidth(g, legend, 220);
      Plot.Frame f = new Plot.Frame(74, 48, width - legendWidth - 36, height - 62, Plot.ticksAt(temperatures, decimals),
          Plot.ticks(lo, hi, 5));
      Plot.title(g, "Humidity predicted at each temperature", 74, 28);
      f.grid(g);
      f.ticks(g, true);
      f.xLabel(g, "temperature (°C)");
      f.yLabel(g, "relative humidity (%)", 52);
      Shape clip = g.getClip();
      g.clip(f.area());
      if (truth) {
        band(g, f, sorted);
        series(g, f, sorted, r -> r.truth().orElse(Double.NaN), TRUTH, Plot.dashed(1.6f), Plot.Marker.CIRCLE);
      }
      series(g, f, sorted, ValidityRow::naive, NAIVE, new BasicStroke(2f), Plot.Marker.TRIANGLE);
      series(g, f, sorted, ValidityRow::chain, CHAIN, new BasicStroke(2f), Plot.Marker.SQUARE);
      g.setClip(clip);
      Plot.legend(g, legend, width - legendWidth - 16, 48, legendWidth);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void band(Graphics2D g, Plot.Frame f, List<ValidityRow> rows) {
    List<ValidityRow> known = rows.stream().filter(r -> r.truth().isPresent() && Double.isFinite(r.truth().get())).toList();
    g.setColor(BAND);
    if (known.size() == 1) {
      double t = known.get(0).truth().get();
      double x = f.px(known.get(0).temperature());
      g.fill(new Rectangle2D.Double(x - 8, f.py(t + TOLERANCE), 16, f.py(t - TOLERANCE) - f.py(t + TOLERANCE)));
      return;
    }
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < known.size(); i++) {
      double x = f.px(known.get(i).temperature());
      double y = f.py(known.get(i).truth().get() + TOLERANCE);
      if (i == 0) {
        p.moveTo(x, y);
      } else {
        p.lineTo(x, y);
      }
    }
    for (int i = known.size() - 1; i >= 0; i--) {
      p.lineTo(f.px(known.get(i).temperature()), f.py(known.get(i).truth().get() - TOLERANCE));
    }
    p.closePath();
    g.fill(p);
  }

  private static void series(Graphics2D g, Plot.Frame f, List<ValidityRow> rows, ToDoubleFunction<ValidityRow> value, Color color,
      Stroke stroke, Plot.Marker marker) {
    g.setColor(color);
    g.setStroke(stroke);
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    for (ValidityRow r : rows) {
      double v = value.applyAsDouble(r);
      if (!Double.isFinite(v)) {
        open = false;
        continue;
      }
      if (open) {
        path.lineTo(f.px(r.temperature()), f.py(v));
      } else {
        path.moveTo(f.px(r.temperature()), f.py(v));
      }
      open = true;
    }
    g.draw(path);
    g.setStroke(new BasicStroke(1f));
    for (ValidityRow r : rows) {
      double v = value.applyAsDouble(r);
      if (Double.isFinite(v)) {
        Plot.marker(g, marker, f.px(r.temperature()), f.py(v), 5);
      }
    }
  }
}
