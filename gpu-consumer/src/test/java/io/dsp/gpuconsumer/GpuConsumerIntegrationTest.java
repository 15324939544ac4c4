package io.dsp.gpuconsumer;

import io.dsp.gpuconsumer.support.SlowLedger;
import io.dsp.gpuconsumer.support.TestHandlers;
import io.dsp.testkit.DspIntegrationTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * One gpu-consumer worker ({@value #WORKER_ID}) against the JVM's real broker, configured from its own
 * {@code gpu-consumer.yml}, with the test-only task types of {@link TestHandlers}. Every gpu-consumer integration test
 * uses this one annotation, so they share one application context: one worker in the fleet's share group, whose
 * slots take every task written to {@code dsp.dispatch}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@DspIntegrationTest
@Import({TestHandlers.class, SlowLedger.class})
@TestPropertySource(
        properties = {
            "spring.config.name=gpu-consumer",
            "dsp.gpu-consumer.worker-id=" + GpuConsumerIntegrationTest.WORKER_ID,
            "dsp.gpu-consumer.heartbeat-interval=1s",
            // the test broker's group.share.delivery.count.limit
            "dsp.gpu-consumer.delivery-count-limit=5",
            // short holds before a retry, so that retries and dead letters take seconds
            "dsp.gpu-consumer.retry-backoff=100ms",
            "dsp.gpu-consumer.retry-backoff-max=500ms",
            // heygem_submit on the simulated engine, every step published; long enough to cancel one mid-run
            "dsp.gpu-consumer.heygem.simulated.duration=8s",
            "dsp.gpu-consumer.heygem.simulated.progress-steps=4",
            "dsp.gpu-consumer.progress-interval=50ms",
            "dsp.gpu-consumer.deadlines.types." + TestHandlers.OVERRUNS + "=2s"
        })
public @interface GpuConsumerIntegrationTest {

    String WORKER_ID = "gpu-it-worker";
}
