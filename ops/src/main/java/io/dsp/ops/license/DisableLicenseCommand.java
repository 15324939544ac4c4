package io.dsp.ops.license;

import io.dsp.ops.OpsException;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ops licenses disable KEY}: asset-api's {@code POST /admin/v1/licenses/{key}/disable}. */
@Command(
        name = "disable",
        mixinStandardHelpOptions = true,
        description = "Disables a license: every request with it is refused (卡密已禁用); the rest is kept.")
final class DisableLicenseCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Parameters(paramLabel = "KEY", description = "The license key.")
    String key;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            License current = LicenseRegistry.read(kafka).get(key.strip());
            if (current == null) {
                throw new OpsException("No license " + key.strip() + " (ops licenses list); nothing was written.");
            }
            License license = License.newBuilder(current)
                    .setStatus(LicenseStatus.DISABLED)
                    .setUpdatedAt(Instant.now())
                    .build();
            LicenseRegistry.write(kafka, license, List.of());
            out().printf("disabled %s%n", license.getLicenseKey());
            return 0;
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
