package io.dsp.assetapi.observe;

import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Counts refused inputs ({@code dsp.input.rejected}, source asset-api) by reason: the refusal's HTTP status name
 * ({@code bad_request}, {@code unauthorized}, {@code too_many_requests}, ...), a small fixed set.
 */
@Component
public class RejectionMetrics {

    static final String SOURCE = "asset-api";

    private final MeterRegistry registry;

    RejectionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one refused request; server failures (5xx) are not refusals of input and are not counted. */
    public void rejected(HttpStatus status) {
        if (!status.is4xxClientError()) {
            return;
        }
        Counter.builder(MetricNames.INPUT_REJECTED)
                .description("Inputs refused at an edge")
                .tag(MetricNames.TAG_SOURCE, SOURCE)
                .tag("reason", status.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }
}
