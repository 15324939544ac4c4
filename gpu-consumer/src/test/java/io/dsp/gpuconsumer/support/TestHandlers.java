package io.dsp.gpuconsumer.support;

import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.GenericPayload;
import io.dsp.schemas.avro.TaskRequested;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Task types that exist only in tests: a fake engine that is always down, one that runs until told to finish, and one
 * that takes a given time and counts its completed runs.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestHandlers {

    /** Fails transiently on every delivery. */
    public static final String ALWAYS_THROWS = "test_always_throws";

    /** Runs until {@link GatedHandler#open()} is called, then succeeds. */
    public static final String GATED = "test_gated";

    /**
     * Sleeps for the milliseconds in its payload ({@code {"ms":N}}), then succeeds; every run that got that far is
     * counted in {@link #COMPLETED_RUNS}, across every worker of the JVM.
     */
    public static final String SLEEPS = "test_sleeps";

    /**
     * Succeeds at once with a result of the kilobytes in its payload ({@code {"kb":N}}), counted in {@link
     * #COMPLETED_RUNS}: an outcome a producer with a small {@code max.request.size} cannot send.
     */
    public static final String LARGE_RESULT = "test_large_result";

    /** Runs for a minute unless stopped; its deadline in the test harness is 2 s. */
    public static final String OVERRUNS = "test_overruns";

    /** Runs of {@link #OVERRUNS} tasks that were interrupted, by request id. */
    public static final Map<String, AtomicInteger> STOPPED_RUNS = new ConcurrentHashMap<>();

    /** Completed runs of {@link #SLEEPS} tasks by request id, for exactly-once assertions. */
    public static final Map<String, AtomicInteger> COMPLETED_RUNS = new ConcurrentHashMap<>();

    private static final Pattern MILLIS = Pattern.compile("\\{\"ms\":(\\d+)}");
    private static final Pattern KILOBYTES = Pattern.compile("\\{\"kb\":(\\d+)}");

    /** A {@link #SLEEPS} task of this many milliseconds. */
    public static TaskRequested sleeping(String licenseKey, long millis) {
        TaskRequested task = TestTasks.generic(licenseKey, SLEEPS);
        task.setPayload(
                GenericPayload.newBuilder().setJson("{\"ms\":" + millis + "}").build());
        return task;
    }

    /** A {@link #LARGE_RESULT} task whose result is this many kilobytes. */
    public static TaskRequested largeResult(String licenseKey, int kilobytes) {
        TaskRequested task = TestTasks.generic(licenseKey, LARGE_RESULT);
        task.setPayload(GenericPayload.newBuilder()
                .setJson("{\"kb\":" + kilobytes + "}")
                .build());
        return task;
    }

    /** How often this task ran to its end. */
    public static int completedRuns(String requestId) {
        AtomicInteger runs = COMPLETED_RUNS.get(requestId);
        return runs == null ? 0 : runs.get();
    }

    @Bean
    TaskHandler sleepingHandler() {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return SLEEPS;
            }

            @Override
            public TaskOutcome handle(TaskRequested task) throws InterruptedException {
                Matcher millis = MILLIS.matcher(((GenericPayload) task.getPayload()).getJson());
                if (!millis.matches()) {
                    return new TaskOutcome.Failed("BAD_PAYLOAD", "no ms");
                }
                Thread.sleep(Long.parseLong(millis.group(1))); // simulated work
                COMPLETED_RUNS
                        .computeIfAbsent(task.getRequestId(), id -> new AtomicInteger())
                        .incrementAndGet();
                return new TaskOutcome.Succeeded("{\"slept\":" + millis.group(1) + "}");
            }
        };
    }

    @Bean
    TaskHandler largeResultHandler() {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return LARGE_RESULT;
            }

            @Override
            public TaskOutcome handle(TaskRequested task) {
                Matcher kb = KILOBYTES.matcher(((GenericPayload) task.getPayload()).getJson());
                if (!kb.matches()) {
                    return new TaskOutcome.Failed("BAD_PAYLOAD", "no kb");
                }
                COMPLETED_RUNS
                        .computeIfAbsent(task.getRequestId(), id -> new AtomicInteger())
                        .incrementAndGet();
                return new TaskOutcome.Succeeded(
                        "{\"pad\":\"" + "x".repeat(Integer.parseInt(kb.group(1)) * 1024) + "\"}");
            }
        };
    }

    @Bean
    TaskHandler overrunningHandler() {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return OVERRUNS;
            }

            @Override
            public TaskOutcome handle(TaskRequested task) throws InterruptedException {
                try {
                    Thread.sleep(60_000); // simulated work: a hung engine
                } catch (InterruptedException e) {
                    STOPPED_RUNS
                            .computeIfAbsent(task.getRequestId(), id -> new AtomicInteger())
                            .incrementAndGet();
                    throw e;
                }
                return new TaskOutcome.Succeeded("{}");
            }
        };
    }

    @Bean
    TaskHandler alwaysThrowingHandler() {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return ALWAYS_THROWS;
            }

            @Override
            public TaskOutcome handle(TaskRequested task) {
                throw new IllegalStateException("engine unavailable");
            }
        };
    }

    @Bean
    GatedHandler gatedHandler() {
        return new GatedHandler();
    }

    /** Holds each task until the gate opens (at most 30 s). */
    public static final class GatedHandler implements TaskHandler {

        private volatile CountDownLatch gate = new CountDownLatch(1);

        @Override
        public String taskType() {
            return GATED;
        }

        @Override
        public TaskOutcome handle(TaskRequested task) throws InterruptedException {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                return new TaskOutcome.Failed("TEST_GATE", "the test never opened the gate");
            }
            return new TaskOutcome.Succeeded("{\"gated\":true}");
        }

        /** Closes the gate for the next tasks. */
        public void close() {
            gate = new CountDownLatch(1);
        }

        /** Lets waiting tasks finish. */
        public void open() {
            gate.countDown();
        }
    }
}
