package io.dsp.gpuconsumer.legacy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dsp.gpuconsumer.slot.SlotPool;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The legacy GPU server's health route, in its exact shape, so that tools probing a GPU host (the power manager, the
 * apps' direct calls) see a native worker like a legacy one. No authentication, as on the legacy server.
 */
@RestController
class LegacyHealthController {

    /** The reply: {@code initialized} at the top level, not under {@code data}, as the legacy server sends it. */
    record Health(int code, String msg, boolean initialized, Queue queue) {}

    /**
     * Nothing waits inside a native worker: a slot takes a task only when it can run it, and the backlog stays in
     * Kafka. So {@code queued} is 0 and {@code total_tasks} is what is running.
     */
    record Queue(
            @JsonProperty("total_tasks") int totalTasks,
            int processing,
            int queued,
            @JsonProperty("max_concurrent") int maxConcurrent) {}

    private final SlotPool slots;

    LegacyHealthController(SlotPool slots) {
        this.slots = slots;
    }

    @GetMapping("/api/heygem/health")
    Health health() {
        int processing = slots.inFlight();
        return new Health(0, "ok", slots.taking(), new Queue(processing, processing, 0, slots.slots()));
    }
}
