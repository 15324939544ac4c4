package io.dsp.benchmarks;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Open-loop load: one send per period to a uniformly random tenant, and a bounded wait for the stragglers. */
final class Load {

    private Load() {}

    static void fixedRate(int rate, int tenants, int seconds, IntConsumer send) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / rate;
        timer.scheduleAtFixedRate(
                () -> send.accept(ThreadLocalRandom.current().nextInt(tenants)), 0, periodNanos, TimeUnit.NANOSECONDS);
        timer.awaitTermination(seconds, TimeUnit.SECONDS);
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Waits (at most a minute) until the last answers are in and everything started has ended. */
    static void drain(Latencies latencies) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int lastStarted = -1;
        while (System.nanoTime() < deadline) {
            int started = latencies.startedCount();
            if (started == lastStarted && latencies.completeCount() == started) {
                return;
            }
            lastStarted = started;
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }
}
