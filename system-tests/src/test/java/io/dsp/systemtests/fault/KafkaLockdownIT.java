package io.dsp.systemtests.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.launcher.DataDir;
import io.dsp.launcher.broker.BrokerSecurity;
import io.dsp.launcher.broker.KafkaBroker;
import io.dsp.schemas.access.AccessPolicy;
import io.dsp.schemas.access.ServicePrincipal;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A locked-down Kafka (SASL on every listener, an authorizer that denies by default, {@link AccessPolicy} applied by the
 * administrator), as compose runs it, on one broker process: a client without credentials or with a wrong password is
 * refused; each service principal is refused everything outside its grants and writes nothing; and the whole pipeline
 * (asset-api, dispatcher, gateway with a legacy worker and a legacy app, a native worker), each service signed in as
 * itself, still takes a task from HTTP and from WebSocket to SUCCEEDED.
 */
class KafkaLockdownIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    static final Path DIR = TestClasspath.TARGET.resolve(
            "lockdown-" + UUID.randomUUID().toString().substring(0, 8));
    static final BrokerSecurity SECURITY = new BrokerSecurity("dsp-admin", secret());
    static final Map<ServicePrincipal, String> PASSWORDS = new EnumMap<>(ServicePrincipal.class);
    static final String LICENSE = "lockdown-" + UUID.randomUUID();
    static KafkaBroker broker;

    @BeforeAll
    static void startALockedDownBrokerAndApplyThePolicy() throws Exception {
        for (ServicePrincipal p : ServicePrincipal.values()) {
            PASSWORDS.put(p, secret());
        }
        broker = KafkaBroker.start(
                new DataDir(DIR.resolve("broker")),
                BrokerProcess.freePort(),
                BrokerProcess.freePort(),
                TestClasspath.broker(),
                "512m",
                false,
                SECURITY);
        broker.awaitReady(Duration.ofMinutes(2));
        try (Admin admin = Admin.create(admin())) {
            AccessPolicy.Applied first = new AccessPolicy(admin).apply(PASSWORDS, (short) 1);
            assertThat(first.credentials()).isEqualTo(ServicePrincipal.values().length);
            assertThat(first.bindingsAdded()).isPositive();
            // idempotent: a second run changes nothing
            assertThat(new AccessPolicy(admin).apply(Map.of(), (short) 1)).isEqualTo(new AccessPolicy.Applied(0, 0, 0));
            admin.createTopics(List.of(new NewTopic(TenantTopics.topicName(LICENSE), 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        License active = License.newBuilder()
                .setLicenseKey(LICENSE)
                .setStatus(LicenseStatus.ACTIVE)
                .setUpdatedAt(Instant.now())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(admin()))) {
            producer.send(Topics.LICENSES.record(LICENSE, active)).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopTheBroker() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(20));
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefusedAndWritesNothing() throws Exception {
        long before = endOffset(Topics.TASK_EVENTS.name());
        Map<String, Object> anonymous = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                5_000));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(anonymous))) {
            assertThatThrownBy(() -> producer.send(forgedOutcome()).get(10, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.KafkaException.class);
        }
        assertThat(endOffset(Topics.TASK_EVENTS.name())).isEqualTo(before);
    }

    @Test
    void aServiceWithAWrongPasswordIsRefused() {
        Map<String, Object> wrong = service(ServicePrincipal.GATEWAY.user(), secret());
        wrong.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(wrong))) {
            assertThatThrownBy(() -> producer.send(forgedOutcome()).get(15, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(SaslAuthenticationException.class::isInstance));
        }
    }

    /** One thing a principal may not do, with the topic that must stay untouched. */
    enum Attempt {
        NATIVE_WORKER_INJECTS_A_TASK(ServicePrincipal.GPU_CONSUMER, c -> produce(c, TenantTopics.topicName(LICENSE))),
        NATIVE_WORKER_FORGES_A_LICENSE(ServicePrincipal.GPU_CONSUMER, c -> produce(c, Topics.LICENSES.name())),
        NATIVE_WORKER_READS_LICENSE_KEYS(ServicePrincipal.GPU_CONSUMER, c -> read(c, Topics.LICENSES.name())),
        EDGE_SKIPS_THE_DISPATCHER(ServicePrincipal.ASSET_API, c -> produce(c, Topics.DISPATCH.name())),
        EDGE_RELEASES_AS_THE_DISPATCHER(ServicePrincipal.ASSET_API, c -> joinGroup(c, Groups.DISPATCHER)),
        DISPATCHER_FORGES_A_LICENSE(ServicePrincipal.DISPATCHER, c -> produce(c, Topics.LICENSES.name())),
        CONSOLE_FORGES_AN_OUTCOME(ServicePrincipal.CONSOLE, c -> produce(c, Topics.TASK_EVENTS.name())),
        CONSOLE_READS_LICENSE_KEYS(ServicePrincipal.CONSOLE, c -> read(c, Topics.LICENSES.name())),
        KAFKA_UI_FORGES_AN_OUTCOME(ServicePrincipal.KAFKA_UI, c -> produce(c, Topics.TASK_EVENTS.name())),
        GATEWAY_DELETES_THE_HISTORY(
                ServicePrincipal.GATEWAY, c -> admin(c, a -> a.deleteTopics(List.of(Topics.TASK_EVENTS.name())))),
        GATEWAY_CREATES_A_STRAY_TOPIC(
                ServicePrincipal.GATEWAY,
                c -> admin(c, a -> a.createTopics(List.of(new NewTopic("dsp.stray", 1, (short) 1))))),
        OPS_GRANTS_ITSELF_EVERYTHING(
                ServicePrincipal.OPS,
                c -> admin(
                        c,
                        a -> a.createAcls(List.of(new AclBinding(
                                new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                                new AccessControlEntry(
                                        ServicePrincipal.OPS.principal(),
                                        "*",
                                        AclOperation.ALL,
                                        AclPermissionType.ALLOW)))))),
        NATIVE_WORKER_CHANGES_THE_FLEET_GROUP(
                ServicePrincipal.GPU_CONSUMER, c -> admin(c, a -> a.deleteShareGroups(List.of(Groups.GPU_FLEET))));

        final ServicePrincipal principal;
        final Consumer<Map<String, Object>> action;

        Attempt(ServicePrincipal principal, Consumer<Map<String, Object>> action) {
            this.principal = principal;
            this.action = action;
        }
    }

    @ParameterizedTest
    @EnumSource(Attempt.class)
    void aServiceIsRefusedEverythingOutsideItsGrantsAndWritesNothing(Attempt attempt) throws Exception {
        List<String> watched = List.of(
                Topics.TASK_EVENTS.name(),
                Topics.LICENSES.name(),
                Topics.DISPATCH.name(),
                TenantTopics.topicName(LICENSE));
        Map<String, Long> before = new HashMap<>();
        for (String topic : watched) {
            before.put(topic, endOffset(topic));
        }
        Map<String, Object> config = service(attempt.principal.user(), PASSWORDS.get(attempt.principal));

        assertThatThrownBy(() -> attempt.action.accept(config))
                .as(attempt.name())
                .satisfies(e -> assertThat(causes(e)).anyMatch(AuthorizationException.class::isInstance));
        for (String topic : watched) {
            assertThat(endOffset(topic)).as("records in " + topic).isEqualTo(before.get(topic));
        }
        try (Admin admin = Admin.create(admin())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(Topics.TASK_EVENTS.name())
                    .doesNotContain("dsp.stray");
        }
    }

    @Test
    void thePipelineRunsWithEachServiceSignedInAsItself() throws Exception {
        List<ConfigurableApplicationContext> services = new ArrayList<>();
        Path effectLog = DIR.resolve("effects.log");
        FaultLegacyWorker legacy = null;
        FaultClient app = null;
        try (WorkerProcess worker =
                new WorkerProcess("gpu-lockdown", broker.bootstrapServers(), DIR, effectLog, workerEnvironment())) {
            ConfigurableApplicationContext assetApi = Services.start(
                    AssetApiApplication.builder(),
                    broker.bootstrapServers(),
                    signedIn(
                            ServicePrincipal.ASSET_API,
                            Map.of("dsp.asset-api.tasks.generic-types", EffectWorkerMain.TASK_TYPE)));
            services.add(assetApi);
            services.add(Services.start(
                    DispatcherApplication.builder(),
                    broker.bootstrapServers(),
                    signedIn(ServicePrincipal.DISPATCHER, Map.of())));
            ConfigurableApplicationContext gateway = Services.start(
                    GatewayApplication.builder(),
                    broker.bootstrapServers(),
                    signedIn(ServicePrincipal.GATEWAY, Map.of()));
            services.add(gateway);
            String ws = "ws://127.0.0.1:" + port(gateway) + "/dsp";
            legacy = new FaultLegacyWorker(ws, Duration.ofMillis(300));
            app = new FaultClient(ws, LICENSE, "lockdown");

            // a task over HTTP and one over WebSocket, each from the license's app
            String httpTask = submitHttp("http://127.0.0.1:" + port(assetApi));
            FaultClient client = app;
            await("the app registered").atMost(Duration.ofSeconds(60)).until(client::isRegistered);
            client.submit();
            await("the WebSocket task accepted").atMost(Duration.ofSeconds(60)).until(() -> !client.accepted.isEmpty());
            String wsTask = client.accepted.iterator().next();

            await("both tasks succeed")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> succeeded().containsAll(List.of(httpTask, wsTask)));
        } finally {
            if (app != null) {
                app.close();
            }
            if (legacy != null) {
                legacy.close();
            }
            services.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static String submitHttp(String baseUrl) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/tasks"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + LICENSE)
                .header("X-Machine-Code", "lockdown-machine")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"task_type\":\"" + EffectWorkerMain.TASK_TYPE + "\",\"payload\":{}}"))
                .build();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String body = answer.body();
        int at = body.indexOf("\"request_id\":\"");
        return body.substring(at + 14, body.indexOf('"', at + 14));
    }

    /** Request ids with a SUCCEEDED event, read as the administrator. */
    private static List<String> succeeded() {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TASK_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TaskEvent e = Topics.TASK_EVENTS.value(r);
                    if (e != null && e.getType() == TaskEventType.SUCCEEDED) {
                        out.add(e.getRequestId());
                    }
                }
            }
        }
        return out;
    }

    /** Spring settings that sign a service in as its principal (in-process arguments, not a command line). */
    private static Map<String, Object> signedIn(ServicePrincipal principal, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("spring.kafka.security.protocol", "SASL_PLAINTEXT");
        p.put("spring.kafka.properties.sasl.mechanism", BrokerSecurity.SERVICE_MECHANISM);
        p.put(
                "spring.kafka.properties.sasl.jaas.config",
                BrokerSecurity.serviceClientProperties(principal.user(), PASSWORDS.get(principal))
                        .get("sasl.jaas.config"));
        return p;
    }

    /** The native worker's credential reaches its JVM through the environment, never its command line. */
    private static Map<String, String> workerEnvironment() {
        Map<String, Object> signed = signedIn(ServicePrincipal.GPU_CONSUMER, Map.of());
        StringBuilder json = new StringBuilder("{");
        signed.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v.toString().replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"'));
        return Map.of("SPRING_APPLICATION_JSON", json.append('}').toString());
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static void produce(Map<String, Object> config, String topic) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(c))) {
            producer.send(new ProducerRecord<>(topic, "forged".getBytes(), "forged".getBytes()))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void read(Map<String, Object> config, String topic) {
        Map<String, Object> c = new HashMap<>(config);
        c.putAll(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            for (int i = 0; i < 50; i++) {
                consumer.poll(Duration.ofMillis(200));
            }
        }
    }

    private static void joinGroup(Map<String, Object> config, String group) {
        Map<String, Object> c = new HashMap<>(config);
        c.putAll(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(TenantTopics.topicName(LICENSE)));
            for (int i = 0; i < 50; i++) {
                consumer.poll(Duration.ofMillis(200));
            }
        }
    }

    private static void admin(Map<String, Object> config, java.util.function.Function<Admin, ?> call) {
        try (Admin admin = Admin.create(config)) {
            Object result = call.apply(admin);
            org.apache.kafka.common.KafkaFuture<?> all = (org.apache.kafka.common.KafkaFuture<?>)
                    result.getClass().getMethod("all").invoke(result);
            all.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> forgedOutcome() {
        return new ProducerRecord<>(Topics.TASK_EVENTS.name(), "forged".getBytes(), "forged".getBytes());
    }

    private static long endOffset(String topic) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static Map<String, Object> admin() {
        Map<String, Object> c = new HashMap<>(SECURITY.adminClientProperties());
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return c;
    }

    private static Map<String, Object> service(String user, String password) {
        Map<String, Object> c = new HashMap<>(BrokerSecurity.serviceClientProperties(user, password));
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return c;
    }

    private static Map<String, Object> reader() {
        Map<String, Object> c = admin();
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return c;
    }

    private static Map<String, Object> producer(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        return c;
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
