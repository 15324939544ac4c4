package io.dsp.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemResultStoreTest extends ResultStoreContract {

    @TempDir
    Path dir;

    private FileSystemResultStore store;

    @BeforeEach
    void open() {
        store = new FileSystemResultStore(dir, TTL, 0);
    }

    @Override
    ResultStore store() {
        return store;
    }

    @Test
    void leavesNoPartialFileBehind() throws Exception {
        store.put(file(50_000, 5), "video/mp4");

        try (Stream<Path> incoming = Files.list(dir.resolve(".incoming"))) {
            assertThat(incoming).isEmpty();
        }
    }

    @Test
    void refusesAWriteThatWouldLeaveLessThanTheFreeSpaceThresholdAndWritesNothing() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        FileSystemResultStore nearlyFull = new FileSystemResultStore(dir, TTL, free + 1);

        assertThatThrownBy(() -> nearlyFull.put(file(1_000, 6), "video/mp4"))
                .isInstanceOf(ResultStore.StoreFullException.class);

        assertThat(nearlyFull.list()).isEmpty();
    }

    @Test
    void servesTheLocalFileForZeroCopyRanges() throws Exception {
        var stored = store.put(file(2_000, 7), "video/mp4");

        assertThat(store.localPath(stored.getSha256()))
                .hasValueSatisfying(p -> assertThat(p).isRegularFile());
        assertThat(store.localPath("0".repeat(64))).isEmpty();
    }
}
