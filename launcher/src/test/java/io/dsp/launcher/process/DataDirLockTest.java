package io.dsp.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @Test
    void letsOneLauncherAtATimeUseADataDir(@TempDir Path dir) throws IOException {
        Path lockFile = dir.resolve("run/launcher.lock");

        Optional<DataDirLock> first = DataDirLock.tryAcquire(lockFile);
        assertThat(first).isPresent();
        assertThat(DataDirLock.tryAcquire(lockFile)).isEmpty();

        first.get().close();
        try (DataDirLock again = DataDirLock.tryAcquire(lockFile).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }
}
