package io.dsp.assetapi.blob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExtensionsTest {

    @Test
    void theGivenExtensionWinsThenTheFilenamesThenBin() {
        assertThat(Extensions.normalise(".WAV", "x.mp4")).isEqualTo(".wav");
        assertThat(Extensions.normalise("mp3", null)).isEqualTo(".mp3");
        assertThat(Extensions.normalise(null, "clip.MP4")).isEqualTo(".mp4");
        assertThat(Extensions.normalise(" ", "noext")).isEqualTo(".bin");
    }

    @Test
    void pathsAndOddCharactersNeverBecomeAnExtension() {
        assertThat(Extensions.normalise("../../etc", null)).isEqualTo(".bin");
        assertThat(Extensions.normalise(null, "a.tar/../x")).isEqualTo(".bin");
        assertThat(Extensions.normalise(".verylongextension", null)).isEqualTo(".bin");
        assertThat(Extensions.isValid(".wav")).isTrue();
        assertThat(Extensions.isValid("wav")).isFalse();
    }

    @Test
    void sizesAreShownInTheLargestWholeUnit() {
        assertThat(BlobStore.humanSize(500L * 1024 * 1024)).isEqualTo("500 MB");
        assertThat(BlobStore.humanSize(64 * 1024)).isEqualTo("64 KB");
        assertThat(BlobStore.humanSize(1000)).isEqualTo("1000 B");
    }
}
