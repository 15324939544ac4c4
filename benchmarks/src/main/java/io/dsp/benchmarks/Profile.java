package io.dsp.benchmarks;

import java.time.Duration;

/**
 * The sizes of one run of every scenario.
 *
 * @param name smoke, quick or full
 * @param rate tasks per second of the fixed-rate dispatch runs
 * @param seconds measured seconds of each dispatch run
 * @param warmup unmeasured seconds before each dispatch run
 * @param slots slots of the fake legacy worker, and raw share consumers beside it
 * @param tenants tenant topics of the tenant-scale run (1,000 in full)
 * @param intakeConcurrency concurrent HTTP requests, and synchronous raw senders, of the intake run
 * @param intakeSeconds measured seconds of each intake run
 * @param drainTasks queued tasks of each drain run (100,000 in full)
 * @param connections idle client WebSocket connections (10,000 in full)
 * @param repeats runs of each side of each family, alternating raw, system, raw, system, ...
 * @param sharePollMs the longest wait of one share poll, of the system's slots and of the raw share consumers alike
 *     (the slots' default, 100 ms, unless {@code --share-poll-ms} says otherwise)
 * @param saturation the fleet and the backlog of the utilisation runs
 */
record Profile(
        String name,
        int rate,
        int seconds,
        int warmup,
        int slots,
        int tenants,
        int intakeConcurrency,
        int intakeSeconds,
        int drainTasks,
        int connections,
        int repeats,
        int sharePollMs,
        Saturation saturation) {

    /**
     * A fleet kept busy by a backlog (utilisation).
     *
     * @param workers gpu-consumer workers (5 in full)
     * @param slotsPerWorker slots of each, and raw share consumers per worker beside them (6 in full: 30 slots)
     * @param work time the simulated engine spends on each task, and a raw consumer on each record (2 s in full)
     * @param rounds tasks per slot in the backlog of each run (20 in full: 600 tasks)
     */
    record Saturation(int workers, int slotsPerWorker, Duration work, int rounds) {

        int slots() {
            return workers * slotsPerWorker;
        }

        int tasks() {
            return slots() * rounds;
        }
    }

    /** The second dispatch rate (tasks/s), run beside the profile's own on the HTTP path. */
    static final int FAST_RATE = 200;

    /** The slots' default poll timeout ({@code dsp.gateway.poll-timeout}, {@code dsp.gpu-consumer.poll-timeout}). */
    static final int SLOT_POLL_MS = 100;

    static final Profile SMOKE = new Profile(
            "smoke", 20, 3, 2, 4, 20, 4, 3, 300, 50, 1, SLOT_POLL_MS, new Saturation(2, 2, Duration.ofMillis(300), 4));
    static final Profile QUICK = new Profile(
            "quick",
            25,
            10,
            4,
            8,
            200,
            16,
            8,
            5_000,
            1_000,
            3,
            SLOT_POLL_MS,
            new Saturation(5, 6, Duration.ofSeconds(2), 6));
    static final Profile FULL = new Profile(
            "full",
            20,
            30,
            5,
            8,
            1_000,
            32,
            20,
            100_000,
            10_000,
            3,
            SLOT_POLL_MS,
            new Saturation(5, 6, Duration.ofSeconds(2), 20));

    /**
     * The HTTP path's run at {@link #FAST_RATE}. At smoke size a second of warm-up and one measured: both sides queue
     * at this rate on a small machine, and 3 + 2 s of it per side only made CI wait for two queues to drain.
     */
    Profile fast() {
        return isSmoke() ? atRate(FAST_RATE, 1, 1) : atRate(FAST_RATE, seconds, warmup);
    }

    /**
     * Whether dispatch and intake run each path once unmeasured before the measured runs. A cold JVM's first runs pay
     * for JIT compilation on both sides; a smoke run only checks that every path runs and reports, so it skips them.
     */
    boolean warmsUp() {
        return !isSmoke();
    }

    private boolean isSmoke() {
        return SMOKE.name.equals(name);
    }

    /** This profile with dispatch runs offered at {@code tasksPerSecond}, measured and warmed up for these seconds. */
    private Profile atRate(int tasksPerSecond, int measuredSeconds, int warmupSeconds) {
        return new Profile(
                name,
                tasksPerSecond,
                measuredSeconds,
                warmupSeconds,
                slots,
                tenants,
                intakeConcurrency,
                intakeSeconds,
                drainTasks,
                connections,
                repeats,
                sharePollMs,
                saturation);
    }

    Duration sharePollTimeout() {
        return Duration.ofMillis(sharePollMs);
    }
}
