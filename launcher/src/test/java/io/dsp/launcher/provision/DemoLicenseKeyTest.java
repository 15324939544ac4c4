package io.dsp.launcher.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoLicenseKeyTest {

    @TempDir
    Path dir;

    @Test
    void isDemoFollowedBySixteenLowercaseHexDigits() {
        assertThat(DemoLicenseKey.generate(new SplittableRandom(1))).matches("demo-[0-9a-f]{16}");
    }

    @Test
    void isMadeOnceAndFoundAgainOnTheNextRun() {
        Path file = dir.resolve("data/demo-license-key");

        String first = DemoLicenseKey.loadOrCreate(file, new SplittableRandom(1));
        String second = DemoLicenseKey.loadOrCreate(file, new SplittableRandom(2));

        assertThat(second).isEqualTo(first);
        assertThat(file).hasContent(first);
    }

    @Test
    void keepsAKeyThatSomeoneWroteIntoTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("demo-license-key"), "  my-own-key\n");

        assertThat(DemoLicenseKey.loadOrCreate(file, new SplittableRandom(1))).isEqualTo("my-own-key");
    }

    @Test
    void replacesAnEmptyFile() throws IOException {
        Path file = Files.writeString(dir.resolve("demo-license-key"), "\n");

        assertThat(DemoLicenseKey.loadOrCreate(file, new SplittableRandom(1))).startsWith("demo-");
    }
}
