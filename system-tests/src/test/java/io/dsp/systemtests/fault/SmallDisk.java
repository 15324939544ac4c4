package io.dsp.systemtests.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small filesystem of its own (a tmpfs mounted by the suite), so that the broker's log dir can be filled to the last
 * byte without touching the machine's disk. Mounting needs root (CI runs as root); where it is refused, the suite says
 * so in its summary instead of running the fault.
 */
final class SmallDisk implements AutoCloseable {

    private static final int CHUNK = 1 << 20;

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("disk-filler");
    }

    /**
     * Mounts a tmpfs of {@code size} (as {@code mount} takes it: {@code 256m}) at {@code at}, created if missing.
     *
     * @throws IOException with mount's own words when it is refused
     */
    static SmallDisk mount(Path at, String size) throws IOException, InterruptedException {
        Files.createDirectories(at);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString()));
        return new SmallDisk(at);
    }

    /** Writes one file until the filesystem has no byte left; returns how many bytes it took. */
    long fill() throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
        long written = 0;
        try (FileChannel out = FileChannel.open(
                filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            int chunk = CHUNK;
            while (chunk > 0) {
                zeros.clear().limit(chunk);
                try {
                    while (zeros.hasRemaining()) {
                        written += out.write(zeros);
                    }
                } catch (IOException full) {
                    // no room for this chunk: try smaller ones, down to the last byte
                    chunk /= 2;
                }
            }
        }
        return written;
    }

    /** Deletes what {@link #fill} wrote: the space is back. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    Path path() {
        return mountPoint;
    }

    /** Unmounts; what was on it is gone. */
    @Override
    public void close() {
        try {
            run(List.of("umount", "-l", mountPoint.toString()));
        } catch (IOException | InterruptedException e) {
            System.err.println("[fault] could not unmount " + mountPoint + ": " + e.getMessage());
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end within 30 s");
        }
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + said);
        }
    }
}
