package io.dsp.benchmarks;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.Services;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The hop through the system: {@code POST /api/asset/delete} on asset-api ("accepted" when the HTTP answer arrives,
 * i.e. after Kafka acknowledged the task), the dispatcher's transactional release into {@code dsp.dispatch}. A
 * roomy presence keeps the release window open, as an idle fleet would.
 */
final class SystemHop implements AutoCloseable {

    private final ConfigurableApplicationContext assetApi;
    private final ConfigurableApplicationContext dispatcher;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final List<String> licenses;

    SystemHop(List<String> licenses) throws Exception {
        this.licenses = licenses;
        Licenses.provisionAll(licenses.stream().map(Licenses::active).toList());
        for (String license : licenses) {
            KafkaTestBroker.get().ensureTenantTopic(license);
        }
        announceRoomyFleet();
        assetApi = start(AssetApiApplication.builder());
        dispatcher = start(DispatcherApplication.builder());
        baseUrl = "http://127.0.0.1:"
                + ((WebServerApplicationContext) assetApi).getWebServer().getPort();
    }

    /** Whether the dispatcher group owns every tenant topic and asset-api knows the last license. */
    boolean ready() throws Exception {
        ConsumerGroupDescription group = KafkaTestBroker.get()
                .admin()
                .describeConsumerGroups(List.of(Groups.DISPATCHER))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get(Groups.DISPATCHER);
        long assigned = group.members().stream()
                .flatMap(m -> m.assignment().topicPartitions().stream())
                .filter(tp -> TenantTopics.isTenantTopic(tp.topic()))
                .count();
        if (assigned < licenses.size()) {
            return false;
        }
        HttpResponse<String> answer = http.send(
                request(licenses.get(licenses.size() - 1), "/api/v1/tasks/none")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 404;
    }

    /** Sends one task; {@code latencies} learns its start when asset-api answers with its request id. */
    void send(int tenant, Latencies latencies) {
        HttpRequest post = request(licenses.get(tenant), "/api/asset/delete")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":" + (tenant + 1) + "}"))
                .build();
        http.sendAsync(post, HttpResponse.BodyHandlers.ofString()).thenAccept(answer -> {
            long now = System.nanoTime();
            String body = answer.body();
            int at = body.indexOf("\"request_id\":\"");
            if (answer.statusCode() == 200 && at >= 0) {
                int start = at + 14;
                latencies.started(body.substring(start, body.indexOf('"', start)), now);
            }
        });
    }

    private HttpRequest.Builder request(String license, String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "bench-machine");
    }

    private static void announceRoomyFleet() throws Exception {
        WorkerPresence presence = WorkerPresence.newBuilder()
                .setWorkerId("bench-fleet")
                .setKind(WorkerKind.NATIVE)
                .setSlots(1_000_000)
                .setInFlight(0)
                .setStartedAt(Instant.now())
                .setHeartbeatAt(Instant.now())
                // One beat that stays live for the whole run.
                .setHeartbeatIntervalMs(TimeUnit.HOURS.toMillis(1))
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.get().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.WORKERS.record("bench-fleet", presence)).get();
        }
    }

    private static ConfigurableApplicationContext start(SpringApplicationBuilder application) {
        return Services.start(application, Map.of("logging.level.root", "WARN"));
    }

    @Override
    public void close() {
        dispatcher.close();
        assetApi.close();
    }
}
