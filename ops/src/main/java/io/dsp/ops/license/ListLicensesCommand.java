package io.dsp.ops.license;

import io.dsp.core.license.LicenseValidity;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.License;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ops licenses list}: the registry, with what asset-api's guard would say of each key now. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every license in dsp.licenses.")
final class ListLicensesCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            Map<String, License> licenses = LicenseRegistry.read(kafka);
            Instant now = Instant.now();
            out().printf(
                            "%-40s %-9s %-11s %-24s %-24s %s%n",
                            "KEY", "STATUS", "USABLE NOW", "VALID FROM", "VALID UNTIL", "LABEL");
            for (License l : licenses.values()) {
                out().printf(
                                "%-40s %-9s %-11s %-24s %-24s %s%n",
                                l.getLicenseKey(),
                                l.getStatus().name().toLowerCase(java.util.Locale.ROOT),
                                usable(l, now),
                                l.getValidFrom() == null ? "-" : l.getValidFrom(),
                                l.getValidUntil() == null ? "-" : l.getValidUntil(),
                                l.getLabel() == null ? "" : l.getLabel());
            }
            out().printf("%d license(s)%n", licenses.size());
            return 0;
        }
    }

    /** The edges' rule ({@link LicenseValidity}), in the list's words. */
    static String usable(License l, Instant now) {
        return switch (LicenseValidity.of(l, now)) {
            case VALID -> "yes";
            case NOT_YET_VALID -> "not yet";
            case PAST_VALIDITY -> "expired";
            default -> "no";
        };
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
