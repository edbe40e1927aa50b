package org.veriflow.demo.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Java2D pieces the demo's charts share: a white antialiased canvas, fonts and colours, axis ticks on
 * round numbers, a plot frame that maps data to pixels and draws its grid, ticks and labels, markers,
 * a legend box, and PNG output. The images are for people: their bytes depend on the platform's fonts
 * and are hashed nowhere. Stateless; every method may be called from any thread.
 */
final class Plot {
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  static final Color INK = new Color(0x22, 0x22, 0x22);
  static final Color MUTED = new Color(0x66, 0x66, 0x66);
  static final Color GRID = new Color(0xe6, 0xe6, 0xe6);
  static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
  static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
  /** Readings the ledger refused, in every chart; no device line uses a red. */
  static final Color REJECTED = new Color(0xd6, 0x27, 0x28);

  /** Device colours: the Tableau 10 palette without its red, which is kept for rejected readings. */
  private static final Color[] PALETTE = {
      BLUE, ORANGE, new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b),
      new Color(0xe3, 0x77, 0xc2), new Color(0x7f, 0x7f, 0x7f), new Color(0xbc, 0xbd, 0x22), new Color(0x17, 0xbe, 0xcf)};

  private Plot() {}

  /** How a series is drawn in the plot and in its legend entry. */
  enum Marker {
    LINE, DASHED_LINE, CIRCLE, SQUARE, TRIANGLE, CROSS, BAND, TEXT
  }

  /**
   * One legend line: a marker in {@code color} and its text. {@link Marker#TEXT} lines have no marker
   * and are indented like the others ("and 50 more", a verdict's count).
   */
  record Entry(String text, Color color, Marker marker) {
    static Entry text(String text) {
      return new Entry(text, MUTED, Marker.TEXT);
    }
  }

  /**
   * A white canvas with antialiasing on for shapes and text.
   *
   * @throws IllegalArgumentException if the size is below 320×200
   */
  static BufferedImage canvas(int width, int height) {
    if (width < 320 || height < 200) {
      throw new IllegalArgumentException("chart must be at least 320x200, not " + width + "x" + height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** A graphics context on {@code image} with quality hints; the caller disposes it. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    return g;
  }

  /** A canvas that says there is nothing to draw, for a chart whose data is empty. */
  static BufferedImage placeholder(int width, int height, String title, String message) {
    BufferedImage image = canvas(width, height);
    Graphics2D g = graphics(image);
    try {
      g.setColor(INK);
      g.setFont(TITLE);
      g.drawString(title, 16, 28);
      g.setFont(LABEL);
      g.setColor(MUTED);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(message, (width - fm.stringWidth(message)) / 2, height / 2);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes {@code image} as a PNG file, replacing it if it exists. */
  static void writePng(BufferedImage image, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    }
  }

  /** The colour of device {@code index}: the palette first, then hues spread by the golden angle. */
  static Color deviceColor(int index) {
    if (index < PALETTE.length) {
      return PALETTE[index];
    }
    // Hues 0.04..0.96 wrap through red; push them out of the red band so no line looks rejected.
    float hue = (float) ((0.12 + index * 0.618_033_988_75) % 1.0);
    hue = 0.08f + hue * 0.84f;
    float brightness = index % 2 == 0 ? 0.72f : 0.55f;
    return Color.getHSBColor(hue, 0.65f, brightness);
  }

  /**
   * Values on an axis: the range it spans and where its labelled ticks are.
   *
   * @param decimals how many decimals tick labels show
   */
  record Ticks(double min, double max, List<Double> values, int decimals) {
    Ticks {
      values = List.copyOf(values);
    }

    String label(double v) {
      return String.format(Locale.ROOT, "%." + decimals + "f", v == 0 ? 0.0 : v);
    }
  }

  /**
   * Ticks on a 1-2-5 step that cover {@code [lo, hi]} with about {@code target} intervals; the range
   * is widened to the outer ticks. A degenerate or non-finite range is widened around its value.
   */
  static Ticks ticks(double lo, double hi, int target) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
      double half = Math.max(0.5, Math.abs(hi) * 0.05);
      lo -= half;
      hi += half;
    }
    // a little air, so that a value on a round number does not sit on the frame
    double air = (hi - lo) * 0.02;
    lo -= air;
    hi += air;
    double step = step((hi - lo) / Math.max(1, target));
    double min = Math.floor(lo / step + 1e-9) * step;
    double max = Math.ceil(hi / step - 1e-9) * step;
    List<Double> values = new ArrayList<>();
    for (int i = 0; min + i * step <= max + step * 1e-6; i++) {
      values.add(min + i * step);
    }
    return new Ticks(min, max, values, decimals(step));
  }

  /**
   * Integer ticks from 1 to {@code n} (epochs): 1 and the multiples of a round step, on a range with
   * a margin so that the first and last points are not cut by the frame.
   */
  static Ticks integerTicks(int n, int target) {
    int last = Math.max(n, 2);
    double step = Math.max(1, step((last - 1.0) / Math.max(1, target)));
    List<Double> values = new ArrayList<>();
    values.add(1.0);
    for (double v = step; v <= last + 1e-9; v += step) {
      if (v > 1) {
        values.add(v);
      }
    }
    double pad = Math.max(0.25, (last - 1) * 0.02);
    return new Ticks(1 - pad, last + pad, values, 0);
  }

  /** Ticks at the given values (the validity table's temperatures), with a margin on both sides. */
  static Ticks ticksAt(List<Double> at, int decimals) {
    double lo = at.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double hi = at.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    double pad = hi > lo ? (hi - lo) * 0.08 : 1;
    return new Ticks(lo - pad, hi + pad, at, decimals);
  }

  private static double step(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
  }

  private static int decimals(double step) {
    return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
  }

  /**
   * A plot area in pixels ({@code left..right} by {@code top..bottom}) and the data ranges it shows.
   */
  record Frame(int left, int top, int right, int bottom, Ticks x, Ticks y) {
    double px(double v) {
      return left + (right - left) * (v - x.min()) / (x.max() - x.min());
    }

    double py(double v) {
      return bottom - (bottom - top) * (v - y.min()) / (y.max() - y.min());
    }

    Rectangle2D area() {
      return new Rectangle2D.Double(left, top, right - left, bottom - top);
    }

    /** Horizontal and vertical grid lines at the ticks, then the frame. */
    void grid(Graphics2D g) {
      g.setStroke(new BasicStroke(1f));
      g.setColor(GRID);
      for (double v : y.values()) {
        g.draw(new Line2D.Double(left, py(v), right, py(v)));
      }
      for (double v : x.values()) {
        g.draw(new Line2D.Double(px(v), top, px(v), bottom));
      }
      g.setColor(MUTED);
      g.drawRect(left, top, right - left, bottom - top);
    }

    /** Tick marks on both axes, with labels on the y axis and, if asked, on the x axis. */
    void ticks(Graphics2D g, boolean xLabels) {
      g.setFont(TICK);
      g.setStroke(new BasicStroke(1f));
      FontMetrics fm = g.getFontMetrics();
      g.setColor(INK);
      for (double v : y.values()) {
        int py = (int) Math.round(py(v));
        g.drawLine(left - 4, py, left, py);
        String label = y.label(v);
        g.drawString(label, left - 7 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
      }
      for (double v : x.values()) {
        int px = (int) Math.round(px(v));
        g.drawLine(px, bottom, px, bottom + 4);
        if (xLabels) {
          String label = x.label(v);
          g.drawString(label, px - fm.stringWidth(label) / 2, bottom + 6 + fm.getAscent());
        }
      }
    }

    /** The x axis's name, centred under the tick labels. */
    void xLabel(Graphics2D g, String text) {
      g.setFont(LABEL);
      g.setColor(INK);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(text, (left + right - fm.stringWidth(text)) / 2, bottom + 24 + fm.getAscent());
    }

    /** The y axis's name, turned a quarter left and centred along the axis, {@code offset} px left of it. */
    void yLabel(Graphics2D g, String text, int offset) {
      g.setFont(LABEL);
      g.setColor(INK);
      FontMetrics fm = g.getFontMetrics();
      AffineTransform saved = g.getTransform();
      g.translate(left - offset, (top + bottom) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(text, -fm.stringWidth(text) / 2f, 0);
      g.setTransform(saved);
    }
  }

  /** Draws a chart title at the top left. */
  static void title(Graphics2D g, String text, int x, int y) {
    g.setFont(TITLE);
    g.setColor(INK);
    g.drawString(text, x, y);
  }

  /** Draws {@code marker} centred on ({@code x}, {@code y}) with half-size {@code r}, in the current colour. */
  static void marker(Graphics2D g, Marker marker, double x, double y, double r) {
    Stroke saved = g.getStroke();
    switch (marker) {
      case CIRCLE -> g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
      case SQUARE -> g.fill(new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r));
      case TRIANGLE -> {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x, y - r * 1.1);
        p.lineTo(x + r, y + r * 0.8);
        p.lineTo(x - r, y + r * 0.8);
        p.closePath();
        g.fill(p);
      }
      case CROSS -> {
        g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(x - r, y - r, x + r, y + r));
        g.draw(new Line2D.Double(x - r, y + r, x + r, y - r));
      }
      default -> {
      }
    }
    g.setStroke(saved);
  }

  /** A dashed stroke of the given width. */
  static Stroke dashed(float width) {
    return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
  }

  /** The width a legend box needs for {@code entries}, capped at {@code maxWidth}. */
  static int legendWidth(Graphics2D g, List<Entry> entries, int maxWidth) {
    g.setFont(TICK);
    FontMetrics fm = g.getFontMetrics();
    int text = 0;
    for (Entry e : entries) {
      text = Math.max(text, fm.stringWidth(e.text()));
    }
    return Math.min(maxWidth, text + 44);
  }

  /**
   * Draws a legend box with its top-left corner at ({@code x}, {@code y}) and the given width; text too
   * long for it is cut with an ellipsis.
   *
   * @return the box's height
   */
  static int legend(Graphics2D g, List<Entry> entries, int x, int y, int width) {
    g.setFont(TICK);
    FontMetrics fm = g.getFontMetrics();
    int line = fm.getHeight() + 4;
    int height = entries.size() * line + 10;
    g.setColor(new Color(255, 255, 255, 235));
    g.fillRect(x, y, width, height);
    g.setColor(GRID.darker());
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, width, height);
    int textX = x + 36;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int cy = y + 5 + i * line + line / 2;
      g.setColor(e.color());
      switch (e.marker()) {
        case LINE -> {
          g.setStroke(new BasicStroke(2.2f));
          g.drawLine(x + 8, cy, x + 28, cy);
        }
        case DASHED_LINE -> {
          g.setStroke(dashed(2f));
          g.drawLine(x + 8, cy, x + 28, cy);
        }
        case BAND -> g.fillRect(x + 8, cy - 5, 20, 10);
        case TEXT -> {
        }
        default -> marker(g, e.marker(), x + 18, cy, 4.5);
      }
      g.setStroke(new BasicStroke(1f));
      g.setColor(e.marker() == Marker.TEXT ? MUTED : INK);
      g.drawString(fit(fm, e.text(), width - 44), textX, cy + fm.getAscent() / 2 - 1);
    }
    return height;
  }

  /** {@code text}, cut with an ellipsis to fit {@code width} pixels. */
  static String fit(FontMetrics fm, String text, int width) {
    if (fm.stringWidth(text) <= width) {
      return text;
    }
    int end = text.length();
    while (end > 0 && fm.stringWidth(text.substring(0, end) + "…") > width) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
