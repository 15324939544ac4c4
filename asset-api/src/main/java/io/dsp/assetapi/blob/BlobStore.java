package io.dsp.assetapi.blob;

import io.dsp.assetapi.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
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
 */
@Component
public class BlobStore {

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final Path incoming;
    private final long maxBytes;

    BlobStore(@Value("${dsp.data-dir}") Path dataDir, BlobSettings settings) throws IOException {
        this.root = dataDir.resolve("blobs");
        this.incoming = root.resolve("incoming");
        this.maxBytes = settings.maxFileSize().toBytes();
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

    public static boolean isMd5(String text) {
        return text != null && MD5.matcher(text).matches();
    }

    /** Stores a stream; refuses (and keeps nothing) when it is empty or larger than the limit. */
    public Blob put(InputStream in) {
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
            if (Files.exists(target)) {
                // Same content already stored (dedupe): keep the first copy, mark it as used.
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
            } else {
                // Atomic rename: a concurrent upload of the same content replaces it with identical bytes.
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
