package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.FakeLegacyWorker.Mode;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@GatewayIntegrationTest
class LegacyWorkerDrainIT {

    @LocalServerPort
    int port;

    @Test
    void aDrainedLegacyWorkerFinishesItsTaskTakesNoNewOneReportsEmptyAndResumesWhenUndrained() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested running = Tasks.deleteAsset(license, 1);
        TaskRequested waiting = Tasks.deleteAsset(license, 2);
        try (TopicTail<String, WorkerPresence> presence = TopicTail.fromEnd(Topics.WORKERS);
                FakeLegacyWorker worker = FakeLegacyWorker.connect(
                        "ws://127.0.0.1:" + port + "/dsp",
                        Mode.SUCCEED,
                        "{\"type\":\"register\",\"role\":\"worker\",\"slots\":2}")) {
            worker.hold(running.getRequestId());
            KafkaProbe.dispatch(List.of(running));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(running.getRequestId()));
            String workerId = presence.values().stream()
                    .filter(p -> p.getKind() == WorkerKind.LEGACY && p.getSlots() == 2)
                    .map(WorkerPresence::getWorkerId)
                    .reduce((first, last) -> last)
                    .orElseThrow();

            command(workerId, WorkerAction.DRAIN);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> latest(presence, workerId).getDraining()
                            && latest(presence, workerId).getInFlight() == 1);

            KafkaProbe.dispatch(List.of(waiting));
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(7))
                    .until(() -> !worker.requestIds().contains(waiting.getRequestId()));

            long answered = System.nanoTime();
            worker.send("{\"type\":\"gpu.job.result\",\"task_type\":\"delete_asset\",\"request_id\":\""
                    + running.getRequestId() + "\",\"key\":\"" + license
                    + "\",\"sender_fd\":0,\"error\":false,\"result\":{\"id\":1}}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> latest(presence, workerId).getDraining()
                            && latest(presence, workerId).getInFlight() == 0);
            System.out.printf(
                    "drained legacy worker reported empty %d ms after its last result%n",
                    (System.nanoTime() - answered) / 1_000_000);
            assertThat(worker.requestIds()).doesNotContain(waiting.getRequestId());

            command(workerId, WorkerAction.UNDRAIN);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.requestIds().contains(waiting.getRequestId()));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !latest(presence, workerId).getDraining());
        }
    }

    private static WorkerPresence latest(TopicTail<String, WorkerPresence> presence, String workerId) {
        return presence.records().stream()
                .filter(r -> workerId.equals(r.key()))
                .map(TopicTail.Received::value)
                .filter(Objects::nonNull)
                .reduce((first, last) -> last)
                .orElseThrow();
    }

    private static void command(String workerId, WorkerAction action) throws Exception {
        WorkerCommand command = WorkerCommand.newBuilder()
                .setWorkerId(workerId)
                .setAction(action)
                .setAt(Instant.now())
                .setSource("test")
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.WORKER_COMMANDS.record(workerId, command)).get();
        }
    }
}
