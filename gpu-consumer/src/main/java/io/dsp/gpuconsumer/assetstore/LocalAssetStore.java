package io.dsp.gpuconsumer.assetstore;

import io.dsp.schemas.tenant.TenantTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The asset files on this GPU host: {@code <data-dir>/assets/<tenant>/<assetId>/}. The tenant directory comes from
 * the same collision-free rule as tenant topics, so no license key (however hostile) can reach another's files.
 */
@Component
public class LocalAssetStore {

    private final Path root;

    LocalAssetStore(@Value("${dsp.data-dir}") Path dataDir) {
        this.root = dataDir.resolve("assets");
    }

    public Path directory(String licenseKey, long assetId) {
        return root.resolve(TenantTopics.tenantOf(licenseKey)).resolve(Long.toString(assetId));
    }

    /** Removes an asset's files; returns whether there were any. */
    public boolean delete(String licenseKey, long assetId) throws IOException {
        Path dir = directory(licenseKey, assetId);
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        return true;
    }
}
