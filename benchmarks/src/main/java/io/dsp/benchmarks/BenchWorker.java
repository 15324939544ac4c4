package io.dsp.benchmarks;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A legacy GPU worker ({@code ws_client.py} on the wire) that notes when each task frame arrives and answers it at
 * once with a successful result, so its slots are free again as fast as the gateway allows.
 */
final class BenchWorker extends LegacyPeer {

    private volatile Latencies latencies = new Latencies();
    private final AtomicInteger jobs = new AtomicInteger();

    /** A worker with {@code slots} slots on the gateway at {@code url}, registering with {@code fleetToken} if any. */
    BenchWorker(String url, int slots, Optional<String> fleetToken) throws InterruptedException {
        super(HttpClient.newHttpClient(), url, "bench-worker");
        nextControl(Duration.ofSeconds(30)); // connected
        String token =
                fleetToken.map(t -> ",\"token\":" + JSON.writeValueAsString(t)).orElse("");
        try {
            register(
                    "{\"type\":\"register\",\"role\":\"worker\",\"version\":\"1.0\",\"slots\":" + slots
                            + ",\"task_types\":[\"" + StackUnderTest.TASK_TYPE + "\"]" + token + "}",
                    Duration.ofSeconds(60),
                    false);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException(
                    "the bench's legacy worker could not register at " + url + ": " + e.getMessage() + ". The gateway"
                            + " takes a worker with a fleet token (dsp.fleet.token, dsp.gateway.access.fleet-tokens:"
                            + " give it with --fleet-token-file or --data-dir) or from a tokenless network"
                            + " (dsp.gateway.access.tokenless-networks, loopback by default)",
                    e);
        }
    }

    /** Frames from now on are noted in {@code next}. */
    void measureInto(Latencies next) {
        latencies = next;
    }

    int jobs() {
        return jobs.get();
    }

    @Override
    boolean onFrame(JsonNode frame, long arrivedNanos) {
        if (!"gpu.job.submit".equals(frame.path("type").asString())) {
            return false;
        }
        String requestId = frame.path("request_id").asString();
        latencies.ended(requestId, arrivedNanos);
        jobs.incrementAndGet();
        send("{\"type\":\"gpu.job.result\",\"task_type\":\""
                + frame.path("task_type").asString()
                + "\",\"request_id\":\"" + requestId + "\",\"key\":\""
                + frame.path("key").asString()
                + "\",\"sender_fd\":" + frame.path("sender_fd").asLong() + ",\"error\":false,\"result\":{}}");
        return true;
    }
}
