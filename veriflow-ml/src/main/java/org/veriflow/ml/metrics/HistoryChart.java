package org.veriflow.ml.metrics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws a {@link History} as a PNG line chart with Java2D: the loss on the left panel and the metric on
 * the right, training in blue and validation in orange, epochs on the horizontal axes. The image is
 * for people; its bytes depend on the platform's fonts and are not part of any hash (hash the CSV).
 */
public final class HistoryChart {

    /** Colour of training curves. */
    public static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    /** Colour of validation curves. */
    public static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);

    private static final int MARGIN_LEFT = 64;
    private static final int MARGIN_RIGHT = 16;
    private static final int MARGIN_TOP = 32;
    private static final int MARGIN_BOTTOM = 44;

    private HistoryChart() {
    }

    /**
     * Renders the chart.
     *
     * @throws IllegalArgumentException if the history is empty or the size is below 320×200
     */
    public static byte[] png(History history, int width, int height) {
        BufferedImage image = render(history, width, height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Renders the chart into an image (what {@link #png} encodes). */
    public static BufferedImage render(History history, int width, int height) {
        if (history.epochs().isEmpty()) {
            throw new IllegalArgumentException("cannot chart an empty history");
        }
        if (width < 320 || height < 200) {
            throw new IllegalArgumentException("chart must be at least 320x200, not " + width + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int half = width / 2;
            panel(g, history, 0, half, height, "loss", EpochRecord::trainLoss, EpochRecord::validationLoss);
            panel(g, history, half, width - half, height, history.metricName(), EpochRecord::trainMetric,
                    EpochRecord::validationMetric);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void panel(Graphics2D g, History history, int x0, int w, int h, String title,
            ToDoubleFunction<EpochRecord> train, ToDoubleFunction<EpochRecord> validation) {
        int left = x0 + MARGIN_LEFT;
        int right = x0 + w - MARGIN_RIGHT;
        int top = MARGIN_TOP;
        int bottom = h - MARGIN_BOTTOM;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (EpochRecord r : history.epochs()) {
            for (double v : new double[] {train.applyAsDouble(r), validation.applyAsDouble(r)}) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max - min < 1e-12 * Math.max(1.0, Math.abs(max))) {
            min -= 0.5;
            max += 0.5;
        }
        double pad = (max - min) * 0.05;
        min -= pad;
        max += pad;
        int epochs = history.epochs().size();

        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, left + (right - left - fm.stringWidth(title)) / 2, top - 12);
        g.setColor(new Color(0xdd, 0xdd, 0xdd));
        for (int t = 0; t <= 4; t++) {
            int y = bottom - (bottom - top) * t / 4;
            g.drawLine(left, y, right, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        for (int t = 0; t <= 4; t++) {
            double value = min + (max - min) * t / 4;
            int y = bottom - (bottom - top) * t / 4;
            String label = String.format(Locale.ROOT, "%.3g", value);
            g.drawString(label, left - 6 - fm.stringWidth(label), y + fm.getAscent() / 2);
        }
        int ticks = Math.min(epochs, 5);
        for (int t = 0; t < ticks; t++) {
            int epoch = ticks == 1 ? 1 : 1 + (int) Math.round((epochs - 1) * (double) t / (ticks - 1));
            int x = xOf(epoch, epochs, left, right);
            String label = Integer.toString(epoch);
            g.drawLine(x, bottom, x, bottom + 4);
            g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 6 + fm.getAscent());
        }
        g.drawString("epoch", left + (right - left - fm.stringWidth("epoch")) / 2, h - 6);

        g.setStroke(new BasicStroke(2f));
        line(g, history, train, TRAIN, epochs, left, right, top, bottom, min, max);
        line(g, history, validation, VALIDATION, epochs, left, right, top, bottom, min, max);
        g.setStroke(new BasicStroke(1f));
        g.setColor(TRAIN);
        g.drawString("train", right - 90, top + 14);
        if (history.epochs().get(0).hasValidation()) {
            g.setColor(VALIDATION);
            g.drawString("validation", right - 90, top + 28);
        }
    }

    private static int xOf(int epoch, int epochs, int left, int right) {
        return epochs == 1 ? (left + right) / 2 : left + (int) Math.round((right - left) * (epoch - 1.0) / (epochs - 1));
    }

    private static void line(Graphics2D g, History history, ToDoubleFunction<EpochRecord> series, Color color,
            int epochs, int left, int right, int top, int bottom, double min, double max) {
        g.setColor(color);
        int px = -1;
        int py = -1;
        for (EpochRecord r : history.epochs()) {
            double v = series.applyAsDouble(r);
            if (!Double.isFinite(v)) {
                px = -1;
                continue;
            }
            int x = xOf(r.epoch(), epochs, left, right);
            int y = bottom - (int) Math.round((bottom - top) * (v - min) / (max - min));
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            } else {
                g.fillOval(x - 2, y - 2, 4, 4);
            }
            px = x;
            py = y;
        }
    }
}
