package io.dsp.systemtests.fault;

import io.dsp.gpuconsumer.GpuConsumerApplication;
import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.TaskRequested;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A gpu-consumer worker (child JVM of the fault suite) with two extra task types. {@value #POISON_TYPE} halts the
 * worker's JVM. {@value #TASK_TYPE} works for
 * {@code fault.work-time}, then records its effect, one line with the request id appended and forced to disk in
 * {@code fault.effect-log} (with the worker's id and the time). A kill -9 during the work leaves no line; a line written twice is an effect run twice.
 */
public final class EffectWorkerMain {

    static final String TASK_TYPE = "fault_effect";

    /**
     * Beside the effect log: one line per task whose work began (its lock confirmed after STARTED, ADR 023), so that a
     * fault meant to land mid-work does not land between STARTED and the confirmation, which needs the broker.
     */
    static final String BEGUN_LOG = "begun.log";
    /** A task type whose handler kills the worker that runs it: the suite's poison task. */
    static final String POISON_TYPE = "fault_poison";

    private EffectWorkerMain() {}

    public static void main(String[] args) {
        GpuConsumerApplication.builder().sources(EffectHandler.class).run(args);
    }

    @Configuration(proxyBeanMethods = false)
    static class EffectHandler {

        @Bean
        TaskHandler faultEffectHandler(
                @Value("${fault.effect-log}") Path effectLog,
                @Value("${fault.work-time:1500ms}") Duration workTime,
                @Value("${dsp.gpu-consumer.worker-id}") String workerId) {
            return new TaskHandler() {
                @Override
                public String taskType() {
                    return TASK_TYPE;
                }

                @Override
                public TaskOutcome handle(TaskRequested task) throws Exception {
                    return handle(task, TaskContext.NONE);
                }

                @Override
                public TaskOutcome handle(TaskRequested task, TaskContext context) throws Exception {
                    record(effectLog.resolveSibling(BEGUN_LOG), task.getRequestId() + " " + workerId);
                    Thread.sleep(workTime.toMillis()); // simulated work
                    // As a handler should before an effect it cannot take back: a worker paused past its lock may
                    // find the task running elsewhere by now.
                    if (!context.holdsTask()) {
                        return new TaskOutcome.Retry("the lock on it may have run out while this worker was paused");
                    }
                    record(effectLog, task.getRequestId() + " " + workerId + " " + System.currentTimeMillis());
                    return new TaskOutcome.Succeeded("{\"effect\":\"done\"}");
                }
            };
        }

        /** Halts the worker's JVM at once, as a poison input crashes a GPU server's process mid-task. */
        @Bean
        TaskHandler faultPoisonHandler() {
            return new TaskHandler() {
                @Override
                public String taskType() {
                    return POISON_TYPE;
                }

                @Override
                public TaskOutcome handle(TaskRequested task) {
                    Runtime.getRuntime().halt(137);
                    throw new IllegalStateException("not reached: the JVM has halted");
                }
            };
        }

        /** One line: the request id, the worker's id and the time of the effect (epoch ms), space-separated. */
        private static synchronized void record(Path effectLog, String line) throws IOException {
            try (FileChannel log = FileChannel.open(
                    effectLog, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                log.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                log.force(true);
            }
        }
    }
}
