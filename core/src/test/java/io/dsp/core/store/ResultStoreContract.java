package io.dsp.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.StoredResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every backend must do; each backend's test supplies a fresh store. */
abstract class ResultStoreContract {

    static final Duration TTL = Duration.ofHours(24);

    @TempDir
    Path scratch;

    abstract ResultStore store();

    Path file(int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = Files.createTempFile(scratch, "result", ".mp4");
        Files.write(file, bytes);
        return file;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void storesBytesUnderTheirSha256AndNamesSizeTypeAndExpiry() throws Exception {
        Path video = file(300_000, 1);

        StoredResult stored = store().put(video, "video/mp4");

        assertThat(stored.getSha256()).isEqualTo(sha256(video));
        assertThat(stored.getSize()).isEqualTo(300_000);
        assertThat(stored.getContentType()).isEqualTo("video/mp4");
        ResultStore.StoredObject found = store().find(stored.getSha256()).orElseThrow();
        assertThat(found.size()).isEqualTo(300_000);
        assertThat(stored.getExpiresAt()).isEqualTo(store().expiresAt(found.lastModified()));
        assertThat(Duration.between(found.lastModified(), stored.getExpiresAt()))
                .isBetween(TTL.minusSeconds(1), TTL);
        try (InputStream in = store().open(stored.getSha256(), 0)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(video));
        }
    }

    @Test
    void readsFromAnOffset() throws Exception {
        Path video = file(10_000, 2);
        StoredResult stored = store().put(video, "video/mp4");

        try (InputStream in = store().open(stored.getSha256(), 9_000)) {
            byte[] all = Files.readAllBytes(video);
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, 9_000, 10_000));
        }
    }

    @Test
    void storingTheSameBytesAgainIsSafeAndKeepsOneObject() throws Exception {
        Path video = file(5_000, 3);
        StoredResult first = store().put(video, "video/mp4");

        StoredResult second = store().put(video, "video/mp4");

        assertThat(second.getSha256()).isEqualTo(first.getSha256());
        assertThat(store().list()).extracting(ResultStore.StoredObject::sha256).containsExactly(first.getSha256());
    }

    @Test
    void deletesAndThenKnowsNothingOfIt() throws Exception {
        StoredResult stored = store().put(file(1_000, 4), "video/mp4");

        assertThat(store().delete(stored.getSha256())).isTrue();

        assertThat(store().find(stored.getSha256())).isEmpty();
        assertThat(store().delete(stored.getSha256())).isFalse();
        assertThat(store().list()).isEmpty();
    }

    @Test
    void refusesKeysThatAreNotSha256() throws Exception {
        assertThat(store().find("../../etc/passwd")).isEmpty();
        assertThat(store().find("ABC")).isEmpty();
        assertThat(store().delete("../x")).isFalse();
    }
}
