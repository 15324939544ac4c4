package io.dsp.core.store;

import io.dsp.schemas.avro.StoredResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Results in a directory: {@code <dir>/<sha256[0..2]>/<sha256>}. A write goes to {@code <dir>/.incoming/} while its
 * hash is computed from the bytes written, and is renamed into place (atomic, same file system) only when complete;
 * storing bytes that are already there refreshes their modification time, which is what expiry counts from.
 */
public final class FileSystemResultStore implements ResultStore {

    private final Path root;
    private final Path incoming;
    private final Duration ttl;
    private final long minFreeBytes;

    public FileSystemResultStore(Path dir, Duration ttl, long minFreeBytes) {
        this.root = dir.toAbsolutePath().normalize();
        this.incoming = root.resolve(".incoming");
        this.ttl = ttl;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    public StoredResult put(Path file, String contentType) throws IOException {
        long size = Files.size(file);
        Files.createDirectories(incoming);
        if (!hasRoomFor(size)) {
            throw new StoreFullException("结果存储空间不足: free space below " + minFreeBytes + " bytes");
        }
        Path temp = incoming.resolve(UUID.randomUUID() + ".part");
        try {
            MessageDigest digest = Sha256.digest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                Files.copy(file, out);
            }
            String key = Sha256.hex(digest.digest());
            Path target = path(key);
            Files.createDirectories(target.getParent());
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Instant stored = Files.getLastModifiedTime(target).toInstant();
            return new StoredResult(key, size, contentType, expiresAt(stored));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<StoredObject> find(String sha256) throws IOException {
        if (!ResultStore.isKey(sha256)) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path(sha256), BasicFileAttributes.class);
            return Optional.of(new StoredObject(
                    sha256, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String sha256, long offset) throws IOException {
        if (!ResultStore.isKey(sha256)) {
            throw new NoSuchFileException(sha256);
        }
        FileChannel channel = FileChannel.open(path(sha256), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    /** The file behind a key, for zero-copy range serving on this host. */
    public Optional<Path> localPath(String sha256) {
        return ResultStore.isKey(sha256) && Files.isRegularFile(path(sha256))
                ? Optional.of(path(sha256))
                : Optional.empty();
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        return ResultStore.isKey(sha256) && Files.deleteIfExists(path(sha256));
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return objects;
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (ResultStore.isKey(name)) {
                    try {
                        objects.add(new StoredObject(
                                name,
                                Files.size(file),
                                Files.getLastModifiedTime(file).toInstant()));
                    } catch (NoSuchFileException e) {
                        // swept by another instance meanwhile
                    }
                }
            }
        }
        return objects;
    }

    @Override
    public Instant expiresAt(Instant lastModified) {
        // millisecond precision, as events carry it
        return lastModified.plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    @Override
    public boolean hasRoomFor(long bytes) throws IOException {
        Files.createDirectories(root);
        return Files.getFileStore(root).getUsableSpace() - bytes >= minFreeBytes;
    }

    @Override
    public String describe() {
        return "filesystem " + root;
    }

    private Path path(String key) {
        return root.resolve(key.substring(0, 2)).resolve(key);
    }
}
