package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.gateway.support.KafkaProbe;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An app's {@code register} on {@code /dsp} honours the license's device binding as HTTP does (one shared
 * {@code dsp.device-bindings}): the first machine code binds per device type, another machine is refused with the
 * legacy message; a register without {@code machine_code} (the legacy apps send none) is let in by default.
 */
@GatewayIntegrationTest
class DeviceBindingIT {

    @LocalServerPort
    int port;

    @Test
    void theFirstMachineBindsTheLicenseAndAnotherMachineIsRefusedPerDeviceType() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);

        assertThat(register(license, "pc", "machine-a").path("type").asString()).isEqualTo("registered");
        // the binding is the shared record asset-api reads too
        assertThat(KafkaProbe.entries(
                        Topics.DEVICE_BINDINGS, Duration.ofSeconds(10), k -> k.equals(license + "|pc"), 1))
                .singleElement()
                .satisfies(e -> assertThat(e.getValue().getMachineCode()).isEqualTo("machine-a"));

        JsonNode other = register(license, "pc", "machine-b");
        assertThat(other.path("type").asString()).isEqualTo("error");
        assertThat(other.path("msg").asString()).isEqualTo("该卡密的电脑端已绑定其他设备");
        assertThat(register(license, "pc", "machine-a").path("type").asString()).isEqualTo("registered");
        // the phone is its own binding
        assertThat(register(license, "mobile", "phone-1").path("type").asString())
                .isEqualTo("registered");
        assertThat(register(license, "mobile", "phone-2").path("msg").asString())
                .isEqualTo("该卡密的手机端已绑定其他设备");
    }

    @Test
    void aMachineBoundOverHttpIsTheOnlyOneTheSocketLetsIn() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        // as asset-api records a first HTTP use
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.DEVICE_BINDINGS.record(
                            license + "|pc",
                            DeviceBinding.newBuilder()
                                    .setLicenseKey(license)
                                    .setDeviceType("pc")
                                    .setMachineCode("bound-over-http")
                                    .setBoundAt(Instant.now())
                                    .setBoundBy("asset-api-1")
                                    .build()))
                    .get();
        }

        assertThat(register(license, "pc", "someone-else").path("msg").asString())
                .isEqualTo("该卡密的电脑端已绑定其他设备");
        assertThat(register(license, "pc", "bound-over-http").path("type").asString())
                .isEqualTo("registered");
    }

    @Test
    void aRegisterWithoutAMachineCodeIsLetInAsTheLegacyAppsSendNoneAndABadOneIsRefused() {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        register(license, "pc", "machine-a");

        assertThat(answer("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"pc\"}")
                        .path("type")
                        .asString())
                .isEqualTo("registered");
        assertThat(answer("{\"type\":\"register\",\"key\":\"" + license + "\",\"machine_code\":42}")
                        .path("msg")
                        .asString())
                .isEqualTo("machine_code 必须是 1-128 个字符的字符串");
    }

    private JsonNode register(String license, String deviceType, String machine) {
        return answer("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"" + deviceType
                + "\",\"machine_code\":\"" + machine + "\"}");
    }

    /** The gateway's answer to one frame on a fresh connection (after its {@code connected} greeting). */
    private JsonNode answer(String frame) {
        try (LegacySocket socket = LegacySocket.connect(url())) {
            assertThat(socket.next().path("type").asString()).isEqualTo("connected");
            return socket.send(frame).next();
        }
    }

    private String url() {
        return "ws://127.0.0.1:" + port + "/dsp";
    }
}
