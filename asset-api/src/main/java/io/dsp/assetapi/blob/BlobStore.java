package io.dsp.assetapi.blob;

import io.dsp.assetapi.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Files by content: each blob is stored once under {@code <dsp.data-dir>/blobs/<md5[0..2]>/<md5>}, whoever uploads it.
 * A file is written to a temporary name while its md5 and size are computed and only moved into place when complete
 * and within the size limit, so a failed or oversize upload leaves nothing behind and readers never see half a blob.
 *
 * <p>The store is local to this instance's data directory: several asset-api instances need a shared volume (or a
 * later object store) for it.
 *
 * <p>A blob's modification time is its last use (written, re-uploaded, found by {@code check_files}, fetched by a
 * worker), as the GPU server's file pool keeps it: the retention sweep removes blobs unused for long and no asset
 * references. Removal is safe against a concurrent upload of the same content and against other instances sweeping
 * the same volume (see {@link #removeIfUnusedSince}).
 */
@Component
public class BlobStore {

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final int BUFFER = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(BlobStore.class);
    static final String DISK_FULL = "服务器存储空间不足，暂停接收上传，请稍后重试";

    private final Path root;
    private final Path incoming;
    private final long maxBytes;
    private final long minFreeBytes;
    private final FreeSpace freeSpace;
    private final Clock clock;

    BlobStore(@Value("${dsp.data-dir}") Path dataDir, BlobSettings settings, FreeSpace freeSpace, Clock clock)
            throws IOException {
        this.root = dataDir.resolve("blobs");
        this.incoming = root.resolve("incoming");
        this.maxBytes = settings.maxFileSize().toBytes();
        this.minFreeBytes = settings.minFreeSpace().toBytes();
        this.freeSpace = freeSpace;
        this.clock = clock;
        Files.createDirectories(incoming);
        removeAbandonedUploads();
    }

    /**
     * Uploads cut off by a crash leave temporary files; an hour old, no upload is still writing them (checked by age,
     * not cleared wholesale, in case another instance shares the volume).
     */
    private void removeAbandonedUploads() throws IOException {
        Instant cutoff = Instant.now().minus(java.time.Duration.ofHours(1));
        try (var files = Files.list(incoming)) {
            for (Path file : files.toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A stored blob: its md5 (lower-case hex) and size in bytes. */
    public record Blob(String md5, long size) {}

    /** A blob on disk and when it was last used. */
    public record StoredBlob(String md5, Instant lastUsed) {}

    public static boolean isMd5(String text) {
        return text != null && MD5.matcher(text).matches();
    }

    /**
     * Refuses (HTTP 507; the legacy envelope on legacy paths) an upload of {@code bytes} that would leave less than the
     * configured free space, before anything is written. A probe that fails lets the upload through: the write itself
     * still fails cleanly on a really full disk, and a broken probe must not stop every upload.
     */
    public void requireRoomFor(long bytes) {
        long usable;
        try {
            usable = freeSpace.usableBytes(root);
        } catch (IOException e) {
            log.warn("free space of {} unknown, upload let through", root, e);
            return;
        }
        if (usable - bytes < minFreeBytes) {
            log.warn(
                    "upload refused: {} bytes would leave {} of {} usable bytes, below the minimum {}",
                    bytes,
                    usable - bytes,
                    usable,
                    minFreeBytes);
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, DISK_FULL);
        }
    }

    /** Stores a stream; refuses (and keeps nothing) when it is empty, larger than the limit or the disk is full. */
    public Blob put(InputStream in) {
        requireRoomFor(0);
        Path temp = incoming.resolve(UUID.randomUUID().toString());
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long size = 0;
            try (in;
                    OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                    md5.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (size == 0) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "文件为空");
            }
            String hash = HexFormat.of().formatHex(md5.digest());
            Path target = path(hash);
            Files.createDirectories(target.getParent());
            // Same content already stored (dedupe): keep the first copy, mark it as used. Gone meanwhile (a sweep
            // removed it): this upload's copy takes its place. An atomic rename: a concurrent upload of the same
            // content replaces it with identical bytes.
            if (!touch(target)) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return new Blob(hash, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Left for the next start's clean-up of incoming/ (removeAbandonedUploads); never a visible blob.
            }
        }
    }

    /** The blob with this md5, if stored. */
    public Optional<Path> find(String md5) {
        if (!isMd5(md5)) {
            return Optional.empty();
        }
        Path path = path(md5);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public boolean has(String md5) {
        return find(md5).isPresent();
    }

    /** Marks the blob as used now (a {@code check_files} hit, a worker's fetch); false when it is not stored. */
    public boolean touch(String md5) {
        if (!isMd5(md5)) {
            return false;
        }
        try {
            return touch(path(md5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean touch(Path path) throws IOException {
        try {
            Files.setLastModifiedTime(path, FileTime.from(clock.instant()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Every stored blob with its last use, for the retention sweep; uploads still being written are not listed. */
    public List<StoredBlob> list() throws IOException {
        List<StoredBlob> blobs = new ArrayList<>();
        try (var shards =
                Files.newDirectoryStream(root, p -> p.getFileName().toString().matches("[0-9a-f]{2}"))) {
            for (Path shard : shards) {
                try (var files = Files.newDirectoryStream(shard)) {
                    for (Path file : files) {
                        String md5 = file.getFileName().toString();
                        if (isMd5(md5)) {
                            lastUsed(file).ifPresent(at -> blobs.add(new StoredBlob(md5, at)));
                        }
                    }
                } catch (NoSuchFileException e) {
                    // a shard removed under us: nothing in it to list
                }
            }
        }
        return blobs;
    }

    /**
     * Removes the blob unless it was used at or after {@code cutoff}; true when this call removed it. Safe against a
     * concurrent upload of the same content: the blob is first renamed away (atomic; an upload that touches it after
     * that finds it gone and puts its own copy in place), then its time is read again, and a blob touched just before
     * the rename is put back. Safe against another instance sweeping the same volume: a blob already gone is no error.
     */
    public boolean removeIfUnusedSince(String md5, Instant cutoff) throws IOException {
        if (!isMd5(md5)) {
            return false;
        }
        Path path = path(md5);
        Optional<Instant> used = lastUsed(path);
        if (used.isEmpty() || !used.get().isBefore(cutoff)) {
            return false;
        }
        Path removing = incoming.resolve(UUID.randomUUID() + ".removing");
        try {
            Files.move(path, removing, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        Optional<Instant> usedAfterAll = lastUsed(removing);
        if (usedAfterAll.isPresent() && !usedAfterAll.get().isBefore(cutoff)) {
            // Touched between the check and the rename: it is in use after all. A copy uploaded meanwhile has the
            // same bytes, so replacing it is harmless.
            Files.move(removing, path, StandardCopyOption.ATOMIC_MOVE);
            return false;
        }
        Files.deleteIfExists(removing);
        return true;
    }

    private static Optional<Instant> lastUsed(Path file) throws IOException {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Largest accepted blob, for messages. */
    public long maxBytes() {
        return maxBytes;
    }

    public static ApiException tooLarge(long maxBytes) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "文件过大，最大 " + humanSize(maxBytes));
    }

    static String humanSize(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KB";
        }
        return bytes + " B";
    }

    private Path path(String md5) {
        return root.resolve(md5.substring(0, 2)).resolve(md5);
    }
}
