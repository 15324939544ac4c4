package io.dsp.ops.license;

import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Times;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ops licenses provision KEY}: asset-api's {@code POST /admin/v1/licenses} (or, with {@code --update}, its
 * {@code PUT}): a new key is ACTIVE with the given window; an existing one is refused unless {@code --update}, which
 * keeps every field not given. Device bindings bind a machine to the key for a device type up front.
 */
@Command(
        name = "provision",
        mixinStandardHelpOptions = true,
        description = "Creates a license (active), or with --update changes one; absent options keep their value.")
final class ProvisionLicenseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Parameters(paramLabel = "KEY", description = "The license key: 6-64 of A-Z a-z 0-9 _ -.")
    String key;

    @Option(names = "--valid-from", paramLabel = "TIME", description = "Not usable before this time.")
    String validFrom;

    @Option(
            names = {"--valid-to", "--valid-until"},
            paramLabel = "TIME",
            description = "Not usable from this time on.")
    String validTo;

    @Option(names = "--label", paramLabel = "TEXT", description = "Operator's note: customer, tier.")
    String label;

    @Option(
            names = "--status",
            paramLabel = "STATUS",
            description = "active, expired or disabled (a new license is active).")
    String status;

    @Option(
            names = "--device-binding",
            paramLabel = "TYPE=MACHINE",
            description = "Bind a machine code for a device type (pc or mobile) up front; repeatable.")
    Map<String, String> deviceBindings;

    @Option(names = "--update", description = "Change an existing license instead of refusing it.")
    boolean update;

    @Override
    public Integer call() {
        String k = key.strip();
        if (!LicenseRegistry.KEY.matcher(k).matches()) {
            throw new ParameterException(spec.commandLine(), "KEY must be 6-64 of A-Z a-z 0-9 _ -: '" + key + "'");
        }
        Instant now = Instant.now();
        Instant from = time("--valid-from", validFrom, now);
        Instant until = time("--valid-to", validTo, now);
        LicenseStatus newStatus = status == null ? null : status(status);
        List<DeviceBinding> bindings = bindings(k, now);
        try (KafkaAccess kafka = kafkaOptions.open()) {
            License current = LicenseRegistry.read(kafka).get(k);
            if (current != null && !update) {
                throw new OpsException("License " + k + " exists already (" + current.getStatus()
                        + "); use --update to change it. Nothing was written.");
            }
            if (current == null && update) {
                throw new OpsException("No license " + k + " to update; leave out --update to create it.");
            }
            License.Builder builder = current == null
                    ? License.newBuilder().setLicenseKey(k).setStatus(LicenseStatus.ACTIVE)
                    : License.newBuilder(current);
            if (newStatus != null) {
                builder.setStatus(newStatus);
            }
            if (from != null) {
                builder.setValidFrom(from);
            }
            if (until != null) {
                builder.setValidUntil(until);
            }
            if (label != null) {
                builder.setLabel(label);
            }
            License license = builder.setUpdatedAt(now).build();
            if (license.getValidFrom() != null
                    && license.getValidUntil() != null
                    && !license.getValidUntil().isAfter(license.getValidFrom())) {
                throw new ParameterException(spec.commandLine(), "--valid-to must be after --valid-from");
            }
            LicenseRegistry.write(kafka, license, bindings);
            out().printf(
                            "%s %s: %s, valid %s .. %s%s%n",
                            current == null ? "provisioned" : "updated",
                            k,
                            license.getStatus().name().toLowerCase(java.util.Locale.ROOT),
                            license.getValidFrom() == null ? "always" : license.getValidFrom(),
                            license.getValidUntil() == null ? "forever" : license.getValidUntil(),
                            bindings.isEmpty() ? "" : ", " + bindings.size() + " device binding(s)");
            return 0;
        }
    }

    private List<DeviceBinding> bindings(String k, Instant now) {
        List<DeviceBinding> out = new ArrayList<>();
        if (deviceBindings == null) {
            return out;
        }
        deviceBindings.forEach((type, machine) -> {
            String t = type.strip().toLowerCase(java.util.Locale.ROOT);
            if (!LicenseRegistry.DEVICE_TYPES.contains(t)) {
                throw new ParameterException(
                        spec.commandLine(), "--device-binding: the device type must be pc or mobile: '" + type + "'");
            }
            if (machine == null || machine.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--device-binding " + t + "= needs a machine code");
            }
            out.add(DeviceBinding.newBuilder()
                    .setLicenseKey(k)
                    .setDeviceType(t)
                    .setMachineCode(machine.strip())
                    .setBoundAt(now)
                    .setBoundBy("ops")
                    .build());
        });
        return out;
    }

    private LicenseStatus status(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "active" -> LicenseStatus.ACTIVE;
            case "expired" -> LicenseStatus.EXPIRED;
            case "disabled" -> LicenseStatus.DISABLED;
            default ->
                throw new ParameterException(
                        spec.commandLine(), "--status must be active, expired or disabled: '" + text + "'");
        };
    }

    private Instant time(String option, String text, Instant now) {
        if (text == null) {
            return null;
        }
        try {
            return Times.parse(text, now, ZoneId.systemDefault());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
