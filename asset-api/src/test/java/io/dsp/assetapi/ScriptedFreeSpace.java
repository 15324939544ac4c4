package io.dsp.assetapi;

import io.dsp.assetapi.blob.FreeSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The free-space probe of every integration test: the real disk's, until a test simulates a nearly full one (and
 * resets it after), so a full disk is tested without filling one.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ScriptedFreeSpace {

    /** The probe tests script. */
    public static final class Probe implements FreeSpace {

        private volatile OptionalLong usable = OptionalLong.empty();

        /** From now on the disk reports only this many usable bytes. */
        public void simulate(long usableBytes) {
            usable = OptionalLong.of(usableBytes);
        }

        /** Back to the real disk. */
        public void reset() {
            usable = OptionalLong.empty();
        }

        @Override
        public long usableBytes(Path directory) throws IOException {
            return usable.isPresent()
                    ? usable.getAsLong()
                    : Files.getFileStore(directory).getUsableSpace();
        }
    }

    @Bean
    @Primary
    Probe scriptedFreeSpace() {
        return new Probe();
    }
}
