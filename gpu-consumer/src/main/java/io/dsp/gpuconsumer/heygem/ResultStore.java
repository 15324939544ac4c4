package io.dsp.gpuconsumer.heygem;

import io.dsp.schemas.tenant.TenantTopics;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where synthesis results live on this host: {@code <data-dir>/results/<tenant>/<request>.mp4}. Both names come from
 * the collision-free topic-name rule, so no license key or request id can point outside the store.
 */
@Component
class ResultStore {

    private final Path root;

    ResultStore(@Value("${dsp.data-dir}") Path dataDir) {
        this.root = dataDir.resolve("results");
    }

    Path video(String licenseKey, String requestId) {
        return root.resolve(TenantTopics.tenantOf(licenseKey)).resolve(TenantTopics.tenantOf(requestId) + ".mp4");
    }

    /** Scratch space for files on their way to the engine. */
    Path staging() {
        return root.resolve(".staging");
    }
}
