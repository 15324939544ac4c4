package io.dsp.gpuconsumer.support;

import io.dsp.gpuconsumer.execution.TaskHandler;
import io.dsp.gpuconsumer.execution.TaskOutcome;
import io.dsp.schemas.avro.TaskRequested;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Task types that exist only in tests: a fake engine that is always down, and one that runs until told to finish. */
@TestConfiguration(proxyBeanMethods = false)
public class TestHandlers {

    /** Fails transiently on every delivery. */
    public static final String ALWAYS_THROWS = "test_always_throws";

    /** Runs until {@link GatedHandler#open()} is called, then succeeds. */
    public static final String GATED = "test_gated";

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
