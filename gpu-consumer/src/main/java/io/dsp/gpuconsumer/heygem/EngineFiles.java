package io.dsp.gpuconsumer.heygem;

import io.dsp.schemas.tenant.TenantTopics;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where an engine's files live on this host while a task runs: the video it made,
 * {@code <data-dir>/results/<tenant>/<request>.mp4}, until it is put into the central result store (then removed), and
 * inputs on their way to the engine. Both names come from the collision-free topic-name rule, so no license key or
 * request id can point outside this directory.
 */
@Component
class EngineFiles {

    private final Path root;

    EngineFiles(@Value("${dsp.data-dir}") Path dataDir) {
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
