package io.dsp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts are real PNGs of the chosen size, with the lines drawn in their series' colours. */
class ChartsTest {

    @Test
    void aLatencyChartIsWrittenAsANonEmptyPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        Charts.Chart chart = new Charts.Chart(
                "dispatch latency",
                "latency (ms, log scale)",
                "share of tasks",
                true,
                0,
                1,
                List.of(
                        Charts.cdf("system run 1", Charts.SYSTEM[0], false, List.of(120.0, 300.0, 450.0, 900.0)),
                        Charts.cdf("raw run 1", Charts.RAW[0], true, List.of(0.8, 2.0, 5.5, 30.0))));
        Path file = dir.resolve("latency.png");

        Charts.write(Charts.render(chart, Charts.WIDTH, Charts.HEIGHT), file);

        assertThat(Files.size(file)).isPositive();
        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(read.getHeight()).isEqualTo(Charts.HEIGHT);
        assertThat(countPixels(read, Charts.SYSTEM[0])).isPositive();
        assertThat(countPixels(read, Charts.RAW[0])).isPositive();
    }

    @Test
    void aUtilisationChartOverTimeRendersAtAnyRequestedSize() {
        double[] buckets = {0.2, 0.9, 1.0, 0.95, 0.4};
        Charts.Chart chart = new Charts.Chart(
                "fleet utilisation",
                "seconds since the first task started",
                "busy slots / slots",
                false,
                0,
                Double.NaN,
                List.of(Charts.overTime("1 worker", Charts.SYSTEM[0], false, buckets, 0.1)));

        BufferedImage image = Charts.render(chart, 400, 300);

        assertThat(image.getWidth()).isEqualTo(400);
        assertThat(image.getHeight()).isEqualTo(300);
        assertThat(countPixels(image, Charts.SYSTEM[0])).isPositive();
    }

    @Test
    void aChartWithoutPointsStillRendersItsAxes() {
        Charts.Chart chart = new Charts.Chart("empty", "x", "y", true, 0, 1, List.of());

        BufferedImage image = Charts.render(chart, Charts.WIDTH, Charts.HEIGHT);

        assertThat(countPixels(image, Color.BLACK)).isPositive();
    }

    @Test
    void niceCeilingsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(Charts.niceCeil(0.7)).isEqualTo(1.0);
        assertThat(Charts.niceCeil(13)).isEqualTo(20.0);
        assertThat(Charts.niceCeil(33)).isEqualTo(50.0);
        assertThat(Charts.niceCeil(100)).isEqualTo(100.0);
    }

    private static int countPixels(BufferedImage image, Color color) {
        int count = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}
