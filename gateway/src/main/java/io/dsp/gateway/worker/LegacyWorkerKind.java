package io.dsp.gateway.worker;

import java.util.Locale;

/**
 * What a legacy {@code role:"worker"} connection is. Both the HeyGem GPU server ({@code ws_client.py}) and the
 * automation worker ({@code ws_worker.py}) register with that one role (legacy defect 1); only a GPU worker takes GPU
 * task types, counts as "GPU online" and adds GPU capacity.
 */
public enum LegacyWorkerKind {
    /** A HeyGem GPU server: takes the fleet's GPU tasks through share-group slots. */
    GPU("gpu"),
    /** A browser-automation worker: takes {@code url} / {@code chatglm_video} frames only, never GPU tasks. */
    AUTOMATION("automation");

    private final String lane;

    LegacyWorkerKind(String lane) {
        this.lane = lane;
    }

    /** The presence lane this kind of worker reports ({@code WorkerPresence.lane}). */
    public String lane() {
        return lane;
    }

    /** The wire name ({@code "gpu"} / {@code "automation"}) as in a register frame's {@code kind}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
