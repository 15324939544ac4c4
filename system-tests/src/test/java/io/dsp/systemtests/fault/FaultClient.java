package io.dsp.systemtests.fault;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A legacy app connection that submits {@code gpu.job.submit} tasks; a task counts as accepted when the gateway
 * answers {@code ack} or {@code gpu.power.offline} for it (both only after Kafka holds the task).
 */
final class FaultClient extends ReconnectingPeer {

    /** What the gateway's "sent, not confirmed" answer says (ClientIntake's text): not a refusal. */
    private static final String UNCONFIRMED = "尚未确认";

    private final String license;
    private final String name;
    private final AtomicInteger sequence = new AtomicInteger();
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final AtomicInteger refused = new AtomicInteger();
    /** Tasks the gateway refused (an {@code error} answer): none of them may run. */
    final Set<String> refusedIds = ConcurrentHashMap.newKeySet();
    /**
     * Tasks the gateway sent but could not confirm in time (the {@code error} answer that says so, ADR 019): each may
     * or may not run, and runs at most once.
     */
    final Set<String> unconfirmedIds = ConcurrentHashMap.newKeySet();
    /** Tasks of this license whose {@code gpu.job.result} reached this connection (scoped ids, as {@link #accepted}). */
    final Set<String> results = ConcurrentHashMap.newKeySet();

    FaultClient(String url, String license, String name) {
        super(url, "fault-client-" + name);
        this.license = license;
        this.name = name;
    }

    @Override
    String registerFrame() {
        return "{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}";
    }

    /** Submits one task if connected. */
    void submit() {
        loop.execute(() -> {
            String id = "ws-" + name + "-" + sequence.incrementAndGet() + "-" + System.nanoTime();
            send(
                    "{\"type\":\"gpu.job.submit\",\"task_type\":\"" + EffectWorkerMain.TASK_TYPE
                            + "\",\"request_id\":\"" + id + "\",\"payload\":{}}",
                    generation());
        });
    }

    @Override
    void onFrame(JsonNode frame, int generation) {
        String type = frame.path("type").asString();
        String id = frame.path("request_id").asString();
        if (("ack".equals(type) || "gpu.power.offline".equals(type)) && id.startsWith("ws-" + name + "-")) {
            // known inside the system (events, effects) by the id scoped to this license (ADR 015)
            accepted.add(io.dsp.core.intake.ClientRequestIds.scoped(license, id));
        } else if ("error".equals(type) && id.startsWith("ws-" + name + "-")) {
            String scoped = io.dsp.core.intake.ClientRequestIds.scoped(license, id);
            if (frame.path("msg").asString("").contains(UNCONFIRMED)) {
                unconfirmedIds.add(scoped);
            } else {
                refused.incrementAndGet();
                refusedIds.add(scoped);
            }
        } else if ("gpu.job.result".equals(type) && !id.isEmpty()) {
            results.add(id.startsWith("ws-") ? io.dsp.core.intake.ClientRequestIds.scoped(license, id) : id);
        }
    }
}
