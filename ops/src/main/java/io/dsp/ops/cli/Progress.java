package io.dsp.ops.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr ({@code \r}-redrawn), shown only when stderr is a terminal, so that scripts and
 * tests get clean output. Redraws at most ten times a second.
 */
public final class Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final PrintStream out;
    private final boolean visible;
    private long total;
    private long done;
    private long lastDraw;

    private Progress(String label, PrintStream out, boolean visible) {
        this.label = label;
        this.out = out;
        this.visible = visible;
    }

    /** A bar on stderr when this process has a terminal, else nothing. */
    public static Progress of(String label) {
        return new Progress(label, System.err, System.console() != null && !"dumb".equals(System.getenv("TERM")));
    }

    /** Draws nothing. */
    public static Progress none() {
        return new Progress("", System.err, false);
    }

    public void total(long total) {
        this.total = total;
        this.done = 0;
        draw(true);
    }

    public void step(long n) {
        done += n;
        draw(false);
    }

    public void done() {
        if (visible && total > 0) {
            done = total;
            draw(true);
            out.print("\r" + " ".repeat(WIDTH + label.length() + 30) + "\r");
            out.flush();
        }
    }

    static String line(String label, long done, long total) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%% %s (%d/%d)",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                Math.round(fraction * 100),
                label,
                done,
                total);
    }

    private void draw(boolean force) {
        if (!visible) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(label, done, total));
        out.flush();
    }
}
