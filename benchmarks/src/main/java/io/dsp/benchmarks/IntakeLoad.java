package io.dsp.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures accepted tasks per second of {@code POST /api/v1/tasks} against a running asset-api (./dsp up): N client
 * threads post {@code delete_asset} tasks (for ids that are not in the catalogue, so nothing but the task is written)
 * for a warm-up and then a measured period, and print how many were answered 202 per second with latency
 * percentiles. Only the JDK is needed:
 *
 * <pre>java benchmarks/src/main/java/io/dsp/benchmarks/IntakeLoad.java [baseUrl] [licenseKey] [threads] [seconds]</pre>
 *
 * The license's rate limit must be lifted for the run (e.g. DSP_ASSET_API_LIMITS_REQUESTS_PER_WINDOW=100000000 in the
 * environment of ./dsp up), or the run measures the limiter.
 */
public class IntakeLoad {

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String license = args.length > 1
                ? args[1]
                : new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(".dsp-data/demo-license-key")))
                        .strip();
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int warmup = 5;

        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong sequence = new AtomicLong(1_000_000_000L + System.nanoTime() % 1_000_000_000L);
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong accepted = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    while (true) {
                        long start = System.nanoTime();
                        if (start >= end) {
                            return;
                        }
                        String body = "{\"task_type\":\"delete_asset\",\"payload\":{\"id\":"
                                + sequence.incrementAndGet() + "}}";
                        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/tasks"))
                                .header("Authorization", "Bearer " + license)
                                .header("X-Machine-Code", "demo-machine")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build();
                        int status;
                        try {
                            status = http.send(request, HttpResponse.BodyHandlers.discarding())
                                    .statusCode();
                        } catch (Exception e) {
                            status = -1;
                        }
                        long finished = System.nanoTime();
                        if (start >= warmupEnd && finished <= end) {
                            statuses.computeIfAbsent(status, s -> new AtomicLong())
                                    .incrementAndGet();
                            if (status == 202) {
                                accepted.incrementAndGet();
                                latencies.add(finished - start);
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        done.await();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "threads=%d measured=%ds accepted=%d -> %.1f accepted/s; statuses=%s%n",
                threads, seconds, accepted.get(), accepted.get() / (double) seconds, new TreeMap<>(statuses));
        if (sorted.length > 0) {
            System.out.printf(
                    "latency ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f%n",
                    sorted[sorted.length / 2] / 1e6,
                    sorted[(int) (sorted.length * 0.9)] / 1e6,
                    sorted[(int) (sorted.length * 0.99)] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }
    }
}
