package io.dsp.console.board;

import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.avro.QueueFacts;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each tenant's backlog from {@code dsp.queue-facts}: the latest facts per license key. */
final class BacklogModel {

    private static final Comparator<TenantRow> LONGEST_FIRST = Comparator.comparingLong(TenantRow::waiting)
            .reversed()
            .thenComparing(t -> t.oldestWaitingSince() == null ? Long.MAX_VALUE : t.oldestWaitingSince())
            .thenComparing(TenantRow::tenant);

    private final Map<String, QueueFacts> facts = new HashMap<>();

    /** Applies one record of {@code dsp.queue-facts}; {@code null} is a tombstone. */
    boolean apply(String licenseKey, QueueFacts value) {
        if (value == null) {
            return facts.remove(licenseKey) != null;
        }
        QueueFacts previous = facts.get(licenseKey);
        if (previous != null && previous.getAt().isAfter(value.getAt())) {
            return false;
        }
        facts.put(licenseKey, value);
        return true;
    }

    /** Every tenant with facts, busy or idle, the longest backlog first. */
    List<TenantRow> rows(Instant now) {
        return facts.values().stream()
                .map(f -> row(f, now))
                .sorted(LONGEST_FIRST)
                .toList();
    }

    static boolean busy(TenantRow row) {
        return row.waiting() > 0 || row.inFlight() > 0;
    }

    private static TenantRow row(QueueFacts f, Instant now) {
        Instant oldest = f.getWaiting() > 0 ? f.getOldestWaitingSince() : null;
        return new TenantRow(
                LicenseKeys.mask(f.getLicenseKey()),
                f.getWaiting(),
                f.getInFlight(),
                oldest == null ? null : oldest.toEpochMilli(),
                oldest == null ? null : Math.max(0, now.toEpochMilli() - oldest.toEpochMilli()),
                f.getAt().toEpochMilli());
    }
}
