package io.dsp.core.legacy;

import io.dsp.core.license.LicenseKeys;
import java.util.Collection;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines the legacy system's operators grep for (seed deployment guide, troubleshooting), written again in the
 * same words on the same events, under the {@code legacy} log category next to the structured logs. License keys are
 * masked (the legacy lines printed them whole); everything else reads as before, so the seed's
 * {@code grep -E "WS|AssetDsp"} still finds them.
 */
public final class LegacyLog {

    /** The log category of these lines: {@code logging.level.legacy=OFF} silences them. */
    public static final String CATEGORY = "legacy";

    private static final Logger log = LoggerFactory.getLogger(CATEGORY);

    private LegacyLog() {}

    /** {@code [WS] Worker 注册: fd=123  workers=["123"]}: a worker registered on this gateway. */
    public static void workerRegistered(long fd, Collection<Long> workerFds) {
        log.info(
                "[WS] Worker 注册: fd={}  workers=[{}]",
                fd,
                workerFds.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(",")));
    }

    /** {@code [WS] gpu.power.online(兼容gpu_online) 广播: N 个客户端}: the GPU-online broadcast went out. */
    public static void powerOnlineBroadcast(int clients) {
        log.info("[WS] gpu.power.online(兼容gpu_online) 广播: {} 个客户端", clients);
    }

    /** {@code [WS] flushPending: 推送积压任务 N 条给 worker fd=X}: waiting tasks handed to a worker that just came. */
    public static void flushPending(int tasks, long workerFd) {
        log.info("[WS] flushPending: 推送积压任务 {} 条给 worker fd={}", tasks, workerFd);
    }

    /** {@code [AssetDsp] 任务入队: key=… task_type=… request_id=…}: a task was queued because no worker was online. */
    public static void taskQueued(String licenseKey, String taskType, String requestId) {
        log.info(
                "[AssetDsp] 任务入队: key={} task_type={} request_id={}",
                LicenseKeys.mask(licenseKey),
                taskType,
                requestId);
    }
}
