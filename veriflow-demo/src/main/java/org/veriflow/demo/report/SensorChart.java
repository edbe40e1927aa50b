package org.veriflow.demo.report;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.veriflow.demo.report.DemoResult.Point;
import org.veriflow.demo.report.DemoResult.RejectedPoint;
import org.veriflow.demo.report.DemoResult.SensorSeries;

/**
 * The night's readings as the ledger judged them: temperature (°C) on the top panel and relative
 * humidity (%) below, against hours since the start, one coloured line per device and the readings
 * the ledger refused as red crosses at the values they claimed. Works for the two simulated sensors
 * and for recordings with tens of devices: past {@value #THIN_LINES_ABOVE} devices the lines get thin,
 * and the legend names the first {@value #LEGEND_DEVICES} and counts the rest.
 *
 * <p>A refused reading can claim anything; one far outside the legal readings' range (beyond it by more
 * than that range, or than 5 °C or 5 %RH if that is wider) is drawn at the panel's edge, and the
 * legend says how many were. Stateless.
 */
final class SensorChart {
  /** Devices named in the legend; the others are counted in an "and N more" line. */
  static final int LEGEND_DEVICES = 10;
  static final int THIN_LINES_ABOVE = 6;

  private static final int MARGIN_LEFT = 78;
  private static final int MARGIN_TOP = 46;
  private static final int MARGIN_BOTTOM = 58;
  private static final int PANEL_GAP = 22;
  private static final int LEGEND_MAX_WIDTH = 260;

  private SensorChart() {}

  /**
   * Draws the chart.
   *
   * @param sensors one series per device, in legend order; may be empty
   * @throws IllegalArgumentException if the size is below 480×320
   */
  static BufferedImage render(List<SensorSeries> sensors, int width, int height) {
    if (width < 480 || height < 320) {
      throw new IllegalArgumentException("sensor chart must be at least 480x320, not " + width + "x" + height);
    }
    BufferedImage image = Plot.canvas(width, height);
    Graphics2D g = Plot.graphics(image);
    try {
      draw(g, sensors, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void draw(Graphics2D g, List<SensorSeries> sensors, int width, int height) {
    Range temperature = range(sensors, Point::temperature, RejectedPoint::temperature);
    Range humidity = range(sensors, Point::humidity, RejectedPoint::humidity);
    List<Plot.Entry> legend = legend(sensors, temperature, humidity);

    int legendWidth = Plot.legendWidth(g, legend, LEGEND_MAX_WIDTH);
    int right = width - legendWidth - 28;
    int panelHeight = (height - MARGIN_TOP - MARGIN_BOTTOM - PANEL_GAP) / 2;
    Plot.Ticks hours = hours(sensors);
    Plot.Frame top = new Plot.Frame(MARGIN_LEFT, MARGIN_TOP, right, MARGIN_TOP + panelHeight, hours,
        Plot.ticks(temperature.lo, temperature.hi, 4));
    int bottomTop = MARGIN_TOP + panelHeight + PANEL_GAP;
    Plot.Frame bottom = new Plot.Frame(MARGIN_LEFT, bottomTop, right, bottomTop + panelHeight, hours,
        Plot.ticks(humidity.lo, humidity.hi, 4));

    Plot.title(g, "Sensor readings as the ledger judged them", MARGIN_LEFT, 28);
    panel(g, top, sensors, Point::temperature, RejectedPoint::temperature, temperature, false);
    top.yLabel(g, "temperature (°C)", 52);
    panel(g, bottom, sensors, Point::humidity, RejectedPoint::humidity, humidity, true);
    bottom.yLabel(g, "relative humidity (%)", 52);
    bottom.xLabel(g, "hours since start");
    if (sensors.stream().allMatch(s -> s.points().isEmpty() && s.rejected().isEmpty())) {
      g.setFont(Plot.LABEL);
      g.setColor(Plot.MUTED);
      g.drawString("no readings", (MARGIN_LEFT + right) / 2 - 34, MARGIN_TOP + panelHeight + PANEL_GAP / 2 + 5);
    }
    Plot.legend(g, legend, right + 16, MARGIN_TOP, legendWidth);
  }

  private static void panel(Graphics2D g, Plot.Frame f, List<SensorSeries> sensors, ToDoubleFunction<Point> value,
      ToDoubleFunction<RejectedPoint> claimed, Range range, boolean xLabels) {
    f.grid(g);
    f.ticks(g, xLabels);
    Shape savedClip = g.getClip();
    g.clip(f.area());
    float width = sensors.size() <= 2 ? 1.8f : sensors.size() <= THIN_LINES_ABOVE ? 1.3f : 0.8f;
    g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int i = 0; i < sensors.size(); i++) {
      g.setColor(Plot.deviceColor(i));
      List<Point> points = new ArrayList<>(sensors.get(i).points());
      points.sort(Comparator.comparingDouble(Point::hours));
      if (points.isEmpty()) {
        continue;
      }
      if (points.size() == 1) {
        Plot.marker(g, Plot.Marker.CIRCLE, f.px(points.get(0).hours()), f.py(value.applyAsDouble(points.get(0))), 2.5);
      } else {
        g.draw(line(f, points, value));
      }
    }
    g.setClip(savedClip);
    g.setColor(Plot.REJECTED);
    double r = sensors.size() <= THIN_LINES_ABOVE ? 4 : 3;
    for (SensorSeries s : sensors) {
      for (RejectedPoint p : s.rejected()) {
        double v = claimed.applyAsDouble(p);
        if (Double.isFinite(v) && Double.isFinite(p.hours())) {
          // crosses are drawn unclipped, kept inside the frame, so that one at the edge is still whole
          double y = f.py(Math.max(range.lo, Math.min(range.hi, v)));
          Plot.marker(g, Plot.Marker.CROSS, f.px(p.hours()), Math.max(f.top() + r, Math.min(f.bottom() - r, y)), r);
        }
      }
    }
    g.setClip(savedClip);
  }

  /** The series as one path, broken where readings stop for more than ten times their usual interval. */
  private static Path2D line(Plot.Frame f, List<Point> points, ToDoubleFunction<Point> value) {
    double[] gaps = new double[points.size() - 1];
    for (int i = 1; i < points.size(); i++) {
      gaps[i - 1] = points.get(i).hours() - points.get(i - 1).hours();
    }
    double[] sorted = gaps.clone();
    Arrays.sort(sorted);
    double breakAfter = sorted.length == 0 ? Double.POSITIVE_INFINITY : Math.max(1e-9, 10 * sorted[sorted.length / 2]);
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      double v = value.applyAsDouble(p);
      if (!Double.isFinite(v) || !Double.isFinite(p.hours())) {
        open = false;
        continue;
      }
      if (open && gaps[i - 1] <= breakAfter) {
        path.lineTo(f.px(p.hours()), f.py(v));
      } else {
        path.moveTo(f.px(p.hours()), f.py(v));
      }
      open = true;
    }
    return path;
  }

  /**
   * The legend's lines: the first devices, how many more there are, the refused readings with their
   * count per verdict, and how many of them are drawn at a panel's edge.
   */
  static List<Plot.Entry> legend(List<SensorSeries> sensors) {
    return legend(sensors, range(sensors, Point::temperature, RejectedPoint::temperature),
        range(sensors, Point::humidity, RejectedPoint::humidity));
  }

  private static List<Plot.Entry> legend(List<SensorSeries> sensors, Range temperature, Range humidity) {
    SortedMap<String, Integer> verdicts = new TreeMap<>();
    int rejected = 0;
    int offScale = 0;
    for (SensorSeries s : sensors) {
      for (RejectedPoint p : s.rejected()) {
        verdicts.merge(p.verdict(), 1, Integer::sum);
        rejected++;
        if (temperature.offScale(p.temperature()) || humidity.offScale(p.humidity())) {
          offScale++;
        }
      }
    }
    List<Plot.Entry> entries = new ArrayList<>();
    int named = sensors.size() <= LEGEND_DEVICES + 1 ? sensors.size() : LEGEND_DEVICES;
    for (int i = 0; i < named; i++) {
      entries.add(new Plot.Entry(sensors.get(i).device(), Plot.deviceColor(i), Plot.Marker.LINE));
    }
    if (named < sensors.size()) {
      entries.add(Plot.Entry.text("and " + (sensors.size() - named) + " more devices"));
    }
    if (sensors.isEmpty()) {
      entries.add(Plot.Entry.text("no devices"));
    }
    if (rejected == 0) {
      entries.add(new Plot.Entry("rejected by the ledger: none", Plot.REJECTED, Plot.Marker.CROSS));
    } else {
      entries.add(new Plot.Entry("rejected by the ledger (" + rejected + ")", Plot.REJECTED, Plot.Marker.CROSS));
      verdicts.forEach((verdict, n) -> entries.add(Plot.Entry.text(verdict + ": " + n)));
      if (offScale > 0) {
        entries.add(Plot.Entry.text(offScale + " off-scale, drawn at the edge"));
      }
    }
    return entries;
  }

  private static Plot.Ticks hours(List<SensorSeries> sensors) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (SensorSeries s : sensors) {
      for (Point p : s.points()) {
        if (Double.isFinite(p.hours())) {
          lo = Math.min(lo, p.hours());
          hi = Math.max(hi, p.hours());
        }
      }
      for (RejectedPoint p : s.rejected()) {
        if (Double.isFinite(p.hours())) {
          lo = Math.min(lo, p.hours());
          hi = Math.max(hi, p.hours());
        }
      }
    }
    if (lo > hi) {
      return Plot.ticks(0, 1, 6);
    }
    // the axis ends where the readings do, not at the next round tick
    Plot.Ticks round = Plot.ticks(lo, hi, 8);
    double min = hi > lo ? lo : round.min();
    double max = hi > lo ? hi : round.max();
    return new Plot.Ticks(min, max, round.values().stream().filter(v -> v >= min - 1e-9 && v <= max + 1e-9).toList(),
        round.decimals());
  }

  /**
   * A panel's value range, and the band beyond which a refused reading's claim is drawn at the edge
   * ({@code floor..ceiling}, infinite when there are no legal readings to scale by).
   */
  private record Range(double lo, double hi, double floor, double ceiling) {
    boolean offScale(double v) {
      return Double.isFinite(v) && (v < floor || v > ceiling);
    }
  }

  private static Range range(List<SensorSeries> sensors, ToDoubleFunction<Point> value, ToDoubleFunction<RejectedPoint> claimed) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (SensorSeries s : sensors) {
      for (Point p : s.points()) {
        double v = value.applyAsDouble(p);
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    List<Double> claims = new ArrayList<>();
    for (SensorSeries s : sensors) {
      for (RejectedPoint p : s.rejected()) {
        double v = claimed.applyAsDouble(p);
        if (Double.isFinite(v)) {
          claims.add(v);
        }
      }
    }
    if (lo > hi) {
      // nothing legal: the refused readings are all there is
      for (double v : claims) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      double inf = Double.POSITIVE_INFINITY;
      return lo > hi ? new Range(0, 1, -inf, inf) : new Range(lo, hi, -inf, inf);
    }
    // a room's readings span a few units; an altered one a few units off must still show where it is
    double margin = Math.max(hi - lo, 5);
    double floor = lo - margin;
    double ceiling = hi + margin;
    double min = lo;
    double max = hi;
    for (double v : claims) {
      min = Math.min(min, Math.max(floor, v));
      max = Math.max(max, Math.min(ceiling, v));
    }
    double pad = (max - min) * 0.04;
    return new Range(min - pad, max + pad, floor, ceiling);
  }
}
