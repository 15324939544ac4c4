package io.dsp.launcher.provision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The demo license of the embedded stack: made up on the first {@code ./dsp up}, kept in the data dir, and the same
 * key on every later run so that the tasks and assets submitted under it stay visible.
 */
public final class DemoLicenseKey {

    static final String PREFIX = "demo-";

    private DemoLicenseKey() {}

    /** The key stored in {@code file}, or a new one, stored there first. */
    public static String loadOrCreate(Path file, RandomGenerator random) {
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file).trim();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            String key = generate(random);
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "\n");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the demo license key in " + file, e);
        }
    }

    /** {@code demo-} and 16 lowercase hex digits. */
    static String generate(RandomGenerator random) {
        return PREFIX + HexFormat.of().toHexDigits(random.nextLong());
    }
}
