package io.dsp.launcher.provision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.function.Supplier;
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
        return loadOrCreate(file, () -> generate(random), "the demo license key");
    }

    /**
     * The value stored in {@code file}, or a new one from {@code fresh}, stored there first: how the embedded stack
     * keeps what it makes up once (the demo key, the fleet token) the same across restarts.
     */
    public static String loadOrCreate(Path file, Supplier<String> fresh, String what) {
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file).trim();
                if (!stored.isEmpty()) {
                    ownerOnly(file); // a file kept from before this rule is tightened too
                    return stored;
                }
            }
            String value = fresh.get();
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n");
            ownerOnly(file);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep " + what + " in " + file, e);
        }
    }

    /** The value stored in {@code file}, if there is one. */
    public static java.util.Optional<String> stored(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file).trim();
                return stored.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(stored);
            }
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Secrets are readable by their owner only, where the file system knows permissions. */
    private static void ownerOnly(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** A random token for service-to-service calls of the fleet (workers fetching blobs from asset-api). */
    public static String fleetToken(RandomGenerator random) {
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    /** {@code demo-} and 16 lowercase hex digits. */
    static String generate(RandomGenerator random) {
        return PREFIX + HexFormat.of().toHexDigits(random.nextLong());
    }
}
