package io.dsp.core.store;

import io.dsp.schemas.avro.StoredResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The central store of task results (synthesised videos): content-addressed by SHA-256, so a task that runs again
 * stores the same key, and a client downloads by the key its task's SUCCEEDED event names. Workers write, asset-api
 * reads, the sweeper removes what expired. Two backends: a directory ({@link FileSystemResultStore}, the embedded
 * default) and an S3-compatible bucket ({@link S3ResultStore}, for several hosts without a shared volume).
 *
 * <p>Every write is whole or absent: a reader never sees part of an object.
 */
public interface ResultStore {

    /** An object in the store. */
    record StoredObject(String sha256, long size, Instant lastModified) {}

    /** The store refuses a write because free space is below its threshold; nothing was written. */
    final class StoreFullException extends IOException {
        public StoreFullException(String message) {
            super(message);
        }
    }

    /**
     * Stores the file's bytes under their SHA-256 (computed here while reading the file), verified by the backend
     * where it can, and returns what a SUCCEEDED event names. Storing the same bytes again refreshes their expiry.
     *
     * @throws StoreFullException when free space would fall below the threshold (nothing written)
     */
    StoredResult put(Path file, String contentType) throws IOException;

    /** The object with this key, if stored (and not yet swept). */
    Optional<StoredObject> find(String sha256) throws IOException;

    /** Its bytes from {@code offset} on; the caller closes the stream. */
    InputStream open(String sha256, long offset) throws IOException;

    /** Removes it; false when it was not there. */
    boolean delete(String sha256) throws IOException;

    /** Every stored object, for the expiry sweep and operators. */
    List<StoredObject> list() throws IOException;

    /** When an object last written at {@code lastModified} expires. */
    Instant expiresAt(Instant lastModified);

    /** Whether {@code bytes} more would leave at least the configured free space (always true where unknowable). */
    boolean hasRoomFor(long bytes) throws IOException;

    /** A one-line description for logs (backend and location, never a credential). */
    String describe();

    /** Whether this is a key this store could hold (lower-case hex SHA-256): safe in a path and a URL. */
    static boolean isKey(String text) {
        return text != null
                && text.length() == 64
                && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
