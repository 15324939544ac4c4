package io.dsp.systemtests.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gpu-consumer worker as a child JVM ({@link EffectWorkerMain}), so that it can be killed with -9. */
final class WorkerProcess implements AutoCloseable {

    final String workerId;
    private final Process process;
    final Path log;

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
        Files.createDirectories(dir);
        this.log = dir.resolve(workerId + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                TestClasspath.join(TestClasspath.services()),
                EffectWorkerMain.class.getName()));
        Map.of(
                        "spring.kafka.bootstrap-servers",
                        bootstrapServers,
                        "server.port",
                        "0",
                        "dsp.data-dir",
                        dir.resolve(workerId + "-data").toString(),
                        "dsp.gpu-consumer.worker-id",
                        workerId,
                        "dsp.gpu-consumer.max-concurrent",
                        "2",
                        "dsp.gpu-consumer.heartbeat-interval",
                        "1s",
                        "fault.effect-log",
                        effectLog.toString(),
                        "fault.work-time",
                        workTime.toMillis() + "ms",
                        "logging.level.root",
                        "WARN",
                        "logging.level.io.dsp",
                        "INFO")
                .forEach((k, v) -> command.add("--" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the whole worker JVM (SIGSTOP), as a long GC pause or a frozen VM would, until {@link #resume}. */
    void pause() throws Exception {
        signal("STOP");
    }

    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume(); // a stopped JVM would not act on the SIGTERM below
            } catch (Exception e) {
                // it stops by force below
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
