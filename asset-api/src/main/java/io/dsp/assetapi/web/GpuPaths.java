package io.dsp.assetapi.web;

import java.util.Set;

/**
 * The HeyGem GPU server's own client paths that the API serves (legacy protocol, sections 4.3 and 5.3), so that an app
 * whose synthesis-server URL points at the API works unchanged. They answer in that server's shape: the HTTP status
 * and {@code {"code":<status>,"msg":...}}, not the API's HTTP 200 failure body.
 */
public final class GpuPaths {

    public static final String DOWNLOAD = "/api/heygem/download";
    public static final String PROGRESS = "/api/heygem/progress";
    public static final String SUBMIT = "/api/heygem/submit";
    /** Unauthenticated, as on the GPU server: it says only whether the fleet can take work. */
    public static final String HEALTH = "/api/heygem/health";

    private static final Set<String> ALL = Set.of(DOWNLOAD, PROGRESS, SUBMIT, HEALTH);

    private GpuPaths() {}

    public static boolean answersLikeTheGpu(String path) {
        return ALL.contains(path);
    }
}
