package io.dsp.gpuconsumer.support;

import io.dsp.core.ledger.KafkaTaskLedger;
import io.dsp.core.ledger.PriorAttempts;
import io.dsp.core.ledger.TaskLedger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The worker's real task ledger, with a fault a test can inject: the first look-up of a chosen task takes a chosen
 * time before it answers (a ledger catching up after a broker hiccup), so a test can show what a slow step does to the
 * task's lock. Every other look-up goes straight to the real ledger.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SlowLedger {

    private static final Map<String, Duration> SLOW_FIRST_LOOK_UPS = new ConcurrentHashMap<>();

    /** The next look-up of this task waits this long before it asks the real ledger. */
    public static void slowDown(String requestId, Duration wait) {
        SLOW_FIRST_LOOK_UPS.put(requestId, wait);
    }

    @Bean
    @Primary
    TaskLedger slowableLedger(KafkaTaskLedger real) {
        return new TaskLedger() {
            @Override
            public PriorAttempts priorAttempts(String requestId) throws InterruptedException, TimeoutException {
                Duration wait = SLOW_FIRST_LOOK_UPS.remove(requestId);
                if (wait != null) {
                    TimeUnit.MILLISECONDS.sleep(wait.toMillis());
                }
                return real.priorAttempts(requestId);
            }

            @Override
            public Optional<String> failure() {
                return real.failure();
            }
        };
    }
}
