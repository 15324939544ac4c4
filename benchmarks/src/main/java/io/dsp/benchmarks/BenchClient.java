package io.dsp.benchmarks;

import java.net.http.HttpClient;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A legacy app connection of one license that submits tasks with {@code gpu.job.submit}; answers are ignored. */
final class BenchClient extends LegacyPeer {

    BenchClient(HttpClient http, String url, String license) throws InterruptedException {
        super(http, url, "bench-client");
        nextControl(Duration.ofSeconds(30)); // connected
        register("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}", Duration.ofSeconds(60));
    }

    void submit(String requestId) {
        send("{\"type\":\"gpu.job.submit\",\"task_type\":\"" + StackUnderTest.TASK_TYPE + "\",\"request_id\":\""
                + requestId + "\",\"payload\":{}}");
    }

    @Override
    boolean onFrame(JsonNode frame, long arrivedNanos) {
        // acks, power notices, results: consumed so nothing piles up
        String type = frame.path("type").asString();
        return !"connected".equals(type) && !"registered".equals(type) && !"error".equals(type);
    }
}
