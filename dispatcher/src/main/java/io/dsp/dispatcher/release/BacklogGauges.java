package io.dsp.dispatcher.release;

import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link MetricNames#BACKLOG} and {@link MetricNames#OLDEST_WAIT} per tenant this instance reads, tagged with the
 * masked license key (never the key itself). Updated with the queue facts; a tenant whose partitions move to another
 * instance loses its gauges here, and the new owner registers them.
 */
final class BacklogGauges {

    private final MeterRegistry meters;
    private final Map<String, Tenant> tenants = new HashMap<>();

    BacklogGauges(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Sets a tenant's backlog: tasks waiting, and since when the oldest waits ({@code null}: none waits). */
    synchronized void update(String licenseKey, long waiting, Instant oldestSince, Instant now) {
        Tenant tenant = tenants.computeIfAbsent(licenseKey, this::register);
        tenant.waiting = waiting;
        tenant.oldestAgeSeconds = oldestSince == null
                ? 0
                : Math.max(0, Duration.between(oldestSince, now).toMillis() / 1000.0);
    }

    /** Removes the gauges of tenants not in {@code licenses}. */
    synchronized void retainOnly(Set<String> licenses) {
        for (var it = tenants.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tenant> e = it.next();
            if (!licenses.contains(e.getKey())) {
                e.getValue().meters.forEach(meters::remove);
                it.remove();
            }
        }
    }

    private Tenant register(String licenseKey) {
        Tenant tenant = new Tenant();
        String tag = LicenseKeys.mask(licenseKey);
        tenant.meters = List.of(
                Gauge.builder(MetricNames.BACKLOG, tenant, t -> t.waiting)
                        .tag(MetricNames.TAG_TENANT, tag)
                        .description("tasks waiting in the tenant's topics")
                        .register(meters),
                Gauge.builder(MetricNames.OLDEST_WAIT, tenant, t -> t.oldestAgeSeconds)
                        .tag(MetricNames.TAG_TENANT, tag)
                        .description("age of the tenant's oldest waiting task")
                        .baseUnit("seconds")
                        .register(meters));
        return tenant;
    }

    private static final class Tenant {
        volatile double waiting;
        volatile double oldestAgeSeconds;
        List<Gauge> meters;
    }
}
