package io.dsp.launcher.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ProvisioningTest {

    @Test
    void describesAnActiveUnlimitedDemoLicenseThatSurvivesTheTopicSerde() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        License license = Provisioning.demoLicense("demo-0123456789abcdef", now);

        byte[] bytes = Topics.LICENSES.valueSerde().serializer().serialize(Topics.LICENSES.name(), license);
        License read = Topics.LICENSES.valueSerde().deserializer().deserialize(Topics.LICENSES.name(), bytes);

        assertThat(read).isEqualTo(license);
        assertThat(read.getLicenseKey()).isEqualTo("demo-0123456789abcdef");
        assertThat(read.getStatus()).isEqualTo(LicenseStatus.ACTIVE);
        assertThat(read.getValidFrom()).isNull();
        assertThat(read.getValidUntil()).isNull();
        assertThat(read.getLabel()).isEqualTo("demo");
        assertThat(read.getUpdatedAt()).isEqualTo(now);
    }
}
