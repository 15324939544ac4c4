package io.dsp.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Line charts drawn with plain Java2D into PNGs (headless): the latency distributions of the dispatch runs and the
 * fleet's utilisation over a drain. No chart library: a few axes, lines and a legend are all the report needs.
 */
final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 1100;
    static final int HEIGHT = 540;

    /** Blues for the system's runs, oranges for the raw clients', greens for a second system path. */
    static final Color[] SYSTEM = {new Color(31, 119, 180), new Color(88, 160, 215), new Color(23, 75, 120)};

    static final Color[] RAW = {new Color(255, 127, 14), new Color(214, 90, 20), new Color(250, 170, 90)};
    static final Color[] OTHER = {new Color(44, 160, 44), new Color(110, 190, 100), new Color(25, 105, 25)};

    /** One line: points in x order; a dashed line marks a run that does not count. */
    record Series(String name, Color color, boolean dashed, double[] x, double[] y) {

        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length");
            }
        }
    }

    /**
     * A chart: a log-scale x axis (latencies spanning decades) or a linear one; the y range is fixed ({@code yMin},
     * {@code yMax}) or, with {@code yMax} NaN, from zero to the highest point.
     */
    record Chart(
            String title, String xLabel, String yLabel, boolean logX, double yMin, double yMax, List<Series> series) {}

    private static final int LEFT = 80;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final int LEGEND = 380;

    private Charts() {}

    /** The chart drawn on a white image of {@code width × height}. */
    static BufferedImage render(Chart chart, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            draw(g, chart, width, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the image as a PNG. */
    static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /**
     * The cumulative distribution of each run's latencies (sorted milliseconds): the share of tasks (y) that arrived
     * within x ms, x on a log scale.
     */
    static Series cdf(String name, Color color, boolean dashed, List<Double> sortedMillis) {
        int n = sortedMillis.size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = sortedMillis.get(i);
            y[i] = (i + 1) / (double) n;
        }
        return new Series(name, color, dashed, x, y);
    }

    /** Buckets of {@code bucketSeconds} as a line over seconds since the first bucket. */
    static Series overTime(String name, Color color, boolean dashed, double[] buckets, double bucketSeconds) {
        double[] x = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            x[i] = (i + 0.5) * bucketSeconds;
        }
        return new Series(name, color, dashed, x, buckets.clone());
    }

    private static void draw(Graphics2D g, Chart chart, int width, int height) {
        int plotW = width - LEFT - LEGEND;
        int plotH = height - TOP - BOTTOM;
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(base.deriveFont(Font.BOLD, 15f));
        g.setColor(Color.BLACK);
        FontMetrics titleMetrics = g.getFontMetrics();
        g.drawString(chart.title(), Math.max(5, (width - titleMetrics.stringWidth(chart.title())) / 2), 28);
        g.setFont(base);

        double[] xRange = xRange(chart);
        double yMin = chart.yMin();
        double yMax = Double.isNaN(chart.yMax()) ? niceCeil(maxY(chart)) : chart.yMax();
        if (yMax <= yMin) {
            yMax = yMin + 1;
        }
        Axis x = new Axis(xRange[0], xRange[1], chart.logX(), LEFT, LEFT + plotW);
        Axis y = new Axis(yMin, yMax, false, TOP + plotH, TOP);

        // grid and ticks
        FontMetrics metrics = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double tick : x.ticks()) {
            int px = (int) Math.round(x.pixel(tick));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(px, TOP, px, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            String label = label(tick);
            g.drawString(label, px - metrics.stringWidth(label) / 2, TOP + plotH + 16);
        }
        for (double tick : y.ticks()) {
            int py = (int) Math.round(y.pixel(tick));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Color.DARK_GRAY);
            String label = label(tick);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString(chart.xLabel(), LEFT + (plotW - metrics.stringWidth(chart.xLabel())) / 2, height - 18);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(chart.yLabel(), -(TOP + (plotH + metrics.stringWidth(chart.yLabel())) / 2), 20);
        rotated.dispose();

        // lines, clipped to the plot
        Graphics2D lines = (Graphics2D) g.create();
        lines.clipRect(LEFT, TOP, plotW + 1, plotH + 1);
        for (Series s : chart.series()) {
            lines.setColor(s.color());
            lines.setStroke(stroke(s.dashed()));
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < s.x().length; i++) {
                double xv = s.x()[i];
                double yv = s.y()[i];
                if (!Double.isFinite(xv) || !Double.isFinite(yv) || (chart.logX() && xv <= 0)) {
                    continue;
                }
                double px = x.pixel(xv);
                double py = y.pixel(yv);
                if (started) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    started = true;
                }
            }
            lines.draw(path);
        }
        lines.dispose();

        // legend, right of the plot, so it never hides a line
        int lx = LEFT + plotW + 15;
        int ly = TOP + 10;
        for (Series s : chart.series()) {
            g.setColor(s.color());
            g.setStroke(stroke(s.dashed()));
            g.drawLine(lx, ly - 4, lx + 24, ly - 4);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawString(fit(s.name(), metrics, LEGEND - 50), lx + 30, ly);
            ly += 18;
        }
    }

    private static Stroke stroke(boolean dashed) {
        return dashed
                ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (cut.length() > 1 && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    private static double[] xRange(Chart chart) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : chart.series()) {
            for (double v : s.x()) {
                if (Double.isFinite(v) && (!chart.logX() || v > 0)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!Double.isFinite(min)) {
            return chart.logX() ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (chart.logX()) {
            double lo = Math.pow(10, Math.floor(Math.log10(Math.max(min, 0.01))));
            double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, lo * 10))));
            return new double[] {lo, hi <= lo ? lo * 10 : hi};
        }
        double step = niceCeil(max / 8);
        return new double[] {0, Math.max(step, Math.ceil(max / step - 1e-9) * step)};
    }

    private static double maxY(Chart chart) {
        double max = 0;
        for (Series s : chart.series()) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        return max;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeil(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value - 1e-12 * power) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Values to pixels, linear or log, and the ticks of the range. */
    private record Axis(double min, double max, boolean log, double fromPixel, double toPixel) {

        double pixel(double value) {
            double share = log
                    ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (value - min) / (max - min);
            return fromPixel + share * (toPixel - fromPixel);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double t = min; t <= max * 1.0001; t *= 10) {
                    ticks.add(t);
                }
                return ticks;
            }
            double step = niceCeil((max - min) / 8);
            if ((max - min) / step > 10) {
                step = niceCeil((max - min) / 5);
            }
            for (double t = min; t <= max + step * 1e-6; t += step) {
                ticks.add(Math.round(t / step) * step);
            }
            return ticks;
        }
    }
}
