package io.dsp.assetapi.result;

import io.dsp.core.store.ResultStore;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.AbstractResource;

/**
 * A stored result as a Spring {@code Resource} of known length, so that MVC's own Range and conditional-request
 * support serves it from any backend (a range is read from the start and skipped to; the filesystem backend is
 * served as a file instead).
 */
final class StoredResultResource extends AbstractResource {

    private final ResultStore store;
    private final String sha256;
    private final long size;
    private final String filename;

    StoredResultResource(ResultStore store, String sha256, long size, String filename) {
        this.store = store;
        this.sha256 = sha256;
        this.size = size;
        this.filename = filename;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return store.open(sha256, 0);
    }

    @Override
    public long contentLength() {
        return size;
    }

    @Override
    public String getFilename() {
        return filename;
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public String getDescription() {
        return "stored result " + sha256 + " (" + store.describe() + ")";
    }
}
