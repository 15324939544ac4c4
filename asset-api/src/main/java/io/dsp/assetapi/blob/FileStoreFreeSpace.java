package io.dsp.assetapi.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** The real probe: the directory's file store, as this process may use it (quotas and reserved blocks excluded). */
@Component
class FileStoreFreeSpace implements FreeSpace {

    @Override
    public long usableBytes(Path directory) throws IOException {
        return Files.getFileStore(directory).getUsableSpace();
    }
}
