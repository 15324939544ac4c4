package io.dsp.dispatcher;

import io.dsp.schemas.tenant.TenantTopics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the dispatcher.
 *
 * @param prefetch tasks released beyond the fleet's free slots, so a slot that frees finds work already waiting in
 *     {@code dsp.dispatch}; 0 takes every decision as late as possible; default 1. Nothing is released while no
 *     worker is online, whatever this is.
 * @param prefetchPerSlot tasks kept waiting in {@code dsp.dispatch} per live slot, when that is more than
 *     {@code prefetch}: slots that free at the same moment each find their next task already there instead of waiting
 *     for a release (issue 18); the price is that a task released this way is no longer overtaken by a high-priority
 *     one or another tenant's: at most one task per slot waits ahead of them. 0 keeps the fixed {@code prefetch};
 *     default 1.0
 * @param topUpLinger how long a release that only tops up the prefetch (every live slot already has its task, running
 *     or waiting) may wait for more room, so that one transaction carries the tasks of slots that free close together
 *     instead of one each: fewer transactions, and fewer commit markers in {@code dsp.dispatch}, each of which a slot's
 *     share fetch takes like a record and comes back empty from (issue 18). A slot that frees with nothing waiting for
 *     it is served at once, whatever this is. 0 releases every top-up at once; at most 1 s; default 100 ms
 * @param inFlightExpiry a released task with no terminal event after this long stops counting against the window, so
 *     a lost event cannot shrink it for ever; also how far back in {@code dsp.task-events} the dispatcher reads at
 *     start-up to rebuild what is in flight, and how long a finished request id is remembered to drop a duplicate
 *     release; default 2 h (longer than the longest synthesis)
 * @param reconcileAfter a task counted in flight that no live worker has said it holds for this long, while the fleet
 *     had a free slot all that time, stops counting (it ended without an event: archived at the delivery limit, or its
 *     terminal event was lost), so such tasks shut the window for about a minute, not {@code inFlightExpiry}; longer
 *     than the fleet's record lock (30 s), after which a vanished holder's task is fetched again; 0 turns it off;
 *     default 50 s
 * @param maxBufferedPerTenant records read ahead from one tenant topic before it is paused; bounds memory; default 100
 * @param pollTimeout longest wait for new records in one loop turn; default 100 ms
 * @param tenantInFlightCap most tasks of one license in flight at once; 0 (default) means no cap beyond round-robin
 * @param tenantCaps per-license overrides of {@code tenantInFlightCap} (paid tiers, heavy users); default none
 * @param queueFactsInterval how often each license's queue facts are published to {@code dsp.queue-facts}; default 1 s
 * @param tenantWeights per-license weights of the weighted round-robin among tenants (paid tiers); a license not
 *     listed has weight 1. While two tenants both wait, one of weight w gets w releases per release of a weight-1
 *     tenant; priority comes first (every high-priority task of any tenant goes before any normal one). Default none
 * @param deliveryCountLimit the broker's {@code group.share.delivery.count.limit} (2-10, default 5): a vanished task
 *     whose latest attempt started on this delivery can never be delivered again, so its end is recorded once its
 *     worker has left the fleet's share group, without waiting for the group's start offset to pass it
 */
@Validated
@ConfigurationProperties("dsp.dispatcher")
public record DispatcherSettings(
        @Min(0) @DefaultValue("1") int prefetch,

        @DecimalMin("0.0") @DecimalMax("4.0") @DefaultValue("1.0")
        double prefetchPerSlot,

        @NotNull @DefaultValue("100ms") Duration topUpLinger,
        @NotNull @DefaultValue("2h") Duration inFlightExpiry,
        @NotNull @DefaultValue("50s") Duration reconcileAfter,
        @Min(1) @DefaultValue("100") int maxBufferedPerTenant,
        @NotNull @DefaultValue("100ms") Duration pollTimeout,
        @Min(0) @DefaultValue("0") int tenantInFlightCap,
        @NotNull @DefaultValue @Valid List<TenantCap> tenantCaps,
        @NotNull @DefaultValue("1s") Duration queueFactsInterval,
        @NotNull @DefaultValue @Valid List<TenantWeight> tenantWeights,
        @Min(2) @Max(10) @DefaultValue("5") int deliveryCountLimit) {

    /** The longest {@code top-up-linger} accepted: past it, a prefetch would run dry on short tasks. */
    static final Duration MAX_TOP_UP_LINGER = Duration.ofSeconds(1);

    public DispatcherSettings {
        if (topUpLinger != null && (topUpLinger.isNegative() || topUpLinger.compareTo(MAX_TOP_UP_LINGER) > 0)) {
            throw new IllegalArgumentException("dsp.dispatcher.top-up-linger must be between 0 and "
                    + MAX_TOP_UP_LINGER.toMillis() + " ms: " + topUpLinger);
        }
    }

    /**
     * One license's weight in the round-robin among tenants.
     *
     * @param licenseKey the license
     * @param weight releases it gets per turn of a weight-1 tenant while both wait (1-100)
     */
    public record TenantWeight(
            @NotBlank String licenseKey, @Min(1) @Max(100) int weight) {}

    /** The weight of this license in the round-robin among tenants; 1 unless configured. */
    public int weightOf(String licenseKey) {
        return tenantWeights.stream()
                .filter(w -> w.licenseKey().equals(licenseKey))
                .mapToInt(TenantWeight::weight)
                .findFirst()
                .orElse(1);
    }

    /** The weights by tenant, each tenant known by its normal-priority topic name. */
    public Map<String, Integer> weightsByTenantTopic() {
        Map<String, Integer> weights = new HashMap<>();
        tenantWeights.forEach(w -> weights.put(TenantTopics.topicName(w.licenseKey()), w.weight()));
        return Map.copyOf(weights);
    }

    /**
     * One license's own in-flight cap.
     *
     * @param licenseKey the license
     * @param cap most of its tasks in flight at once; 0 means no cap for this license
     */
    public record TenantCap(
            @NotBlank String licenseKey, @Min(0) int cap) {}

    /** The in-flight cap of this license: its override, else the default; 0 means none. */
    public int capOf(String licenseKey) {
        return tenantCaps.stream()
                .filter(c -> c.licenseKey().equals(licenseKey))
                .mapToInt(TenantCap::cap)
                .findFirst()
                .orElse(tenantInFlightCap);
    }
}
