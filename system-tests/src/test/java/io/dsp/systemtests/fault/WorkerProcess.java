package io.dsp.systemtests.fault;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A gpu-consumer worker as a child JVM ({@link EffectWorkerMain}), so that it can be killed with -9. */
final class WorkerProcess implements AutoCloseable {

    final String workerId;
    private final ChildJvm jvm;
    final Path log;

    /**
     * How long a stopping worker lets its running tasks end before it stops its slots (one task's time and a little):
     * a slot still recording an outcome then keeps it on disk for the next start under the same id (ADR 032).
     */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

    /** The time each task takes unless told otherwise. */
    static final Duration WORK_TIME = Duration.ofMillis(1500);

    WorkerProcess(String workerId, String bootstrapServers, Path dir, Path effectLog) throws IOException {
        this(workerId, bootstrapServers, dir, effectLog, WORK_TIME, Map.of());
    }

    /** With {@code environment} added to the child's (settings kept off its command line: credentials). */
    WorkerProcess(String workerId, String bootstrapServers, Path dir, Path effectLog, Map<String, String> environment)
            throws IOException {
        this(workerId, bootstrapServers, dir, effectLog, WORK_TIME, environment);
    }

    /** Each task takes {@code workTime} before its effect is recorded. */
    WorkerProcess(
            String workerId,
            String bootstrapServers,
            Path dir,
            Path effectLog,
            Duration workTime,
            Map<String, String> environment)
            throws IOException {
        this.workerId = workerId;
        this.log = dir.resolve(workerId + ".log");
        this.jvm = new ChildJvm(
                EffectWorkerMain.class,
                Map.ofEntries(
                        Map.entry("spring.kafka.bootstrap-servers", bootstrapServers),
                        Map.entry("server.port", "0"),
                        Map.entry("dsp.data-dir", dataDir(dir, workerId).toString()),
                        Map.entry("dsp.gpu-consumer.worker-id", workerId),
                        Map.entry("dsp.gpu-consumer.max-concurrent", "2"),
                        Map.entry("dsp.gpu-consumer.heartbeat-interval", "1s"),
                        Map.entry("dsp.gpu-consumer.shutdown-timeout", SHUTDOWN_TIMEOUT.toMillis() + "ms"),
                        Map.entry("fault.effect-log", effectLog.toString()),
                        Map.entry("fault.work-time", workTime.toMillis() + "ms"),
                        Map.entry("logging.level.root", "WARN"),
                        Map.entry("logging.level.io.dsp", "INFO")),
                environment,
                log);
    }

    void kill9() {
        jvm.kill9();
    }

    /** The worker's process. */
    ChildJvm jvm() {
        return jvm;
    }

    /** Where a worker started under this id keeps what it has on disk (its outcome journal among it). */
    static Path dataDir(Path dir, String workerId) {
        return dir.resolve(workerId + "-data");
    }

    /** Freezes the whole worker JVM (SIGSTOP), as a long GC pause or a frozen VM would, until {@link #resume}. */
    void pause() throws Exception {
        jvm.pause();
    }

    void resume() throws Exception {
        jvm.resume();
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
