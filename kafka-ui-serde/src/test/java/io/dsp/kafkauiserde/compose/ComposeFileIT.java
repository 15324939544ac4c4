package io.dsp.kafkauiserde.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsp.kafkauiserde.DspSerde;
import io.dsp.schemas.access.ServicePrincipal;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.NodeTools;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment in {@code compose/}, which has no build of its own, checked here: the compose file passes dclint
 * with no warning, and our own rules hold between it, the Dockerfiles, Prometheus, Grafana, the edge proxy, Kafka UI
 * and the code (service ports, metric names, the plug-in jar, the topic catalogue). No Docker engine runs here, so
 * nothing is started; compose/README.md says how to try it on a machine with Docker.
 */
class ComposeFileIT {

    private static final Path COMPOSE_DIR = NodeTools.repositoryRoot().resolve("compose");
    private static final Path COMPOSE_FILE = COMPOSE_DIR.resolve("compose.yaml");

    /** The services built from this repository: compose service name = module = {@code <module>.yml}. */
    private static final List<String> DSP_SERVICES =
            List.of("asset-api", "console", "dispatcher", "gateway", "gpu-consumer");

    @Test
    void dclintFindsNoErrorAndNoWarning() throws Exception {
        Path dclint = NodeTools.bin("dclint", "3.1.0", "dclint");
        Process process = new ProcessBuilder(
                        dclint.toString(), COMPOSE_FILE.toString(), "--max-warnings", "0", "--color", "false")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void everyLongRunningServiceHasAHealthCheck() {
        services().forEach((name, service) -> {
            if (!"no".equals(String.valueOf(service.get("restart")))) {
                assertThat(service).as(name).containsKey("healthcheck");
                assertThat(testOf(name)).as(name).isNotBlank();
            }
        });
    }

    @Test
    void everyDspServiceIsBuiltFromItsJarByADockerfileThatExists() throws IOException {
        for (String name : DSP_SERVICES) {
            Map<String, Object> build = map(services().get(name).get("build"), name + ".build");
            Path context = COMPOSE_DIR.resolve((String) build.get("context")).normalize();
            Path dockerfile = context.resolve((String) build.get("dockerfile")).normalize();

            assertThat(context)
                    .as(name)
                    .isEqualTo(NodeTools.repositoryRoot().resolve(name).resolve("target"));
            assertThat(dockerfile).as(name + " Dockerfile").isRegularFile();
            String text = Files.readString(dockerfile);
            assertThat(text)
                    .as(dockerfile.toString())
                    .contains("FROM eclipse-temurin:17-jre")
                    .contains("COPY --chown=dsp:dsp " + name + "-*-exec.jar /app/app.jar")
                    .containsPattern("(?m)^USER dsp$")
                    .contains("EXPOSE " + serverPort(name));
        }
    }

    @Test
    void healthChecksAskEachServiceOnItsOwnPort() throws IOException {
        for (String name : DSP_SERVICES) {
            assertThat(testOf(name))
                    .as(name)
                    .contains("/dev/tcp/127.0.0.1/" + serverPort(name) + " ")
                    .contains("GET /actuator/health");
        }
    }

    @Test
    void prometheusScrapesEveryServiceAndOnlyServices() throws IOException {
        Map<String, Object> config =
                new Yaml().load(Files.readString(COMPOSE_DIR.resolve("prometheus/prometheus.yml")));
        Set<String> targets = new TreeSet<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<String, Object> scrape = map(job, "scrape_config");
            if ("gpu".equals(scrape.get("job_name"))) {
                // NVIDIA's dcgm-exporter beside each GPU worker (profile "gpu"), on its own port and path
                assertThat(scrape.get("metrics_path")).isEqualTo("/metrics");
                assertThat(scrape.toString()).contains(DCGM_SERVICE + ":" + DCGM_PORT);
                continue;
            }
            assertThat(scrape.get("metrics_path"))
                    .as(scrape.get("job_name").toString())
                    .isEqualTo("/actuator/prometheus");
            for (Object staticConfig : (List<?>) scrape.get("static_configs")) {
                for (Object target :
                        (List<?>) map(staticConfig, "static_config").get("targets")) {
                    targets.add(target.toString());
                }
            }
        }
        Set<String> expected = new TreeSet<>();
        for (String name : DSP_SERVICES) {
            expected.add(name + ":" + serverPort(name));
        }

        assertThat(targets).isEqualTo(expected);
        assertThat(services().keySet()).containsAll(DSP_SERVICES);
        Map<String, Object> dcgm = services().get(DCGM_SERVICE);
        assertThat(dcgm).as(DCGM_SERVICE).isNotNull();
        assertThat(dcgm.get("profiles").toString()).contains("gpu");
        assertThat(dcgm.get("ports").toString()).contains(":" + DCGM_PORT + ":" + DCGM_PORT);
    }

    /** NVIDIA's GPU exporter and the metrics the dashboard shows from it (nvidia-smi's utilisation and memory). */
    private static final String DCGM_SERVICE = "dcgm-exporter";

    private static final int DCGM_PORT = 9400;
    private static final Set<String> DCGM_METRICS = Set.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED");
    private static final Set<String> DCGM_LABELS = Set.of("Hostname", "gpu");

    @Test
    void everyGrafanaPanelQueriesMetricNamesAndEveryMetricHasAPanel() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(COMPOSE_DIR
                        .resolve("grafana/dashboards/dsp-overview.json")
                        .toFile());
        Map<String, String> exported = prometheusNames();
        Set<String> tags = tagNames();
        Set<String> shown = new LinkedHashSet<>();
        Pattern metric = Pattern.compile("\\bdsp_[a-z_]+");
        Pattern by = Pattern.compile("\\bby \\(([^)]*)\\)");

        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertThat(panel.get("targets")).as(title).isNotEmpty();
            assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("dsp-prometheus");
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                Matcher gpu = Pattern.compile("\\bDCGM_[A-Z_]+").matcher(expr);
                if (gpu.find()) {
                    assertThat(DCGM_METRICS).as(title + ": " + expr).contains(gpu.group());
                    Matcher labels = by.matcher(expr);
                    while (labels.find()) {
                        for (String label : labels.group(1).split(",")) {
                            assertThat(DCGM_LABELS)
                                    .as(title + ": label of " + expr)
                                    .contains(label.strip());
                        }
                    }
                    continue;
                }
                Matcher names = metric.matcher(expr);
                assertThat(names.find()).as(title + ": " + expr).isTrue();
                do {
                    assertThat(exported).as(title + ": " + expr).containsKey(names.group());
                    shown.add(exported.get(names.group()));
                } while (names.find());
                Matcher labels = by.matcher(expr);
                while (labels.find()) {
                    for (String label : labels.group(1).split(",")) {
                        assertThat(tags).as(title + ": label of " + expr).contains(label.strip());
                    }
                }
            }
        }

        assertThat(shown).containsExactlyInAnyOrderElementsOf(new LinkedHashSet<>(exported.values()));
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusTheDashboardUses() throws IOException {
        String datasources = Files.readString(COMPOSE_DIR.resolve("grafana/provisioning/datasources/prometheus.yml"));
        String providers = Files.readString(COMPOSE_DIR.resolve("grafana/provisioning/dashboards/dsp.yml"));

        assertThat(datasources).contains("uid: dsp-prometheus").contains("url: http://prometheus:9090");
        assertThat(providers).contains("path: /var/lib/grafana/dashboards");
        assertThat(volumesOf("grafana"))
                .contains(
                        "./grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./grafana/dashboards:/var/lib/grafana/dashboards:ro");
    }

    @Test
    void kafkaUiLoadsThisModulesPluginJarForEveryTopic() {
        Map<String, Object> env = environmentOf("kafka-ui");
        Path jar =
                Path.of(System.getProperty("dsp.kafka-ui-plugin.jar", "target/kafka-ui-plugin/dsp-kafka-ui-serde.jar"));
        String mount = volumesOf("kafka-ui").stream()
                .filter(v -> v.contains("kafka-ui-serde"))
                .findFirst()
                .orElseThrow();
        String[] parts = mount.split(":");

        assertThat(COMPOSE_DIR.resolve(parts[0]).normalize())
                .isEqualTo(jar.toAbsolutePath().getParent());
        assertThat(env.get("KAFKA_CLUSTERS_0_SERDE_0_FILEPATH")).isEqualTo(parts[1] + "/" + jar.getFileName());
        assertThat(env.get("KAFKA_CLUSTERS_0_SERDE_0_CLASSNAME")).isEqualTo(DspSerde.class.getName());
        assertThat(env.get("KAFKA_CLUSTERS_0_DEFAULTVALUESERDE")).isEqualTo(env.get("KAFKA_CLUSTERS_0_SERDE_0_NAME"));
        Pattern values = Pattern.compile(
                env.get("KAFKA_CLUSTERS_0_SERDE_0_TOPICVALUESPATTERN").toString());
        Pattern keys = Pattern.compile(
                env.get("KAFKA_CLUSTERS_0_SERDE_0_TOPICKEYSPATTERN").toString());
        List<String> topics =
                new ArrayList<>(Topics.SHARED.stream().map(TopicSpec::name).toList());
        topics.add(TenantTopics.topicName("any-key"));
        topics.add(TenantTopics.topicName("any-key") + TenantTopics.HIGH_SUFFIX);
        topics.add(TenantTopics.topicName(
                "any-key", io.dsp.schemas.avro.Priority.NORMAL, io.dsp.schemas.topic.Lane.AUTOMATION));
        topics.add("dsp-asset-api-task-lives-changelog");
        for (String topic : topics) {
            assertThat(values.matcher(topic).matches()).as(topic).isTrue();
            assertThat(keys.matcher(topic).matches()).as(topic).isTrue();
        }
    }

    @Test
    void threeKraftBrokersReplicateThreeTimesWithTwoInSyncAndShareGroupsOn() throws IOException {
        List<String> brokers = List.of("kafka-1", "kafka-2", "kafka-3");
        for (int i = 0; i < brokers.size(); i++) {
            Map<String, Object> env = environmentOf(brokers.get(i));
            assertThat(services().get(brokers.get(i)).get("image").toString()).startsWith("apache/kafka:");
            assertThat(env.get("KAFKA_NODE_ID")).isEqualTo(i + 1);
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                    .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS").toString())
                    .isEqualTo("INTERNAL://" + brokers.get(i) + ":9092");
            assertThat(env)
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2)
                    .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", 2)
                    .containsEntry("KAFKA_GROUP_SHARE_DELIVERY_COUNT_LIMIT", 5)
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        }
        String init = Files.readString(COMPOSE_DIR.resolve("kafka/init.sh"));
        assertThat(init).contains("upgrade --feature share.version=1");
        assertThat(services().get("kafka-init").get("restart")).isEqualTo("no");
        for (String name : DSP_SERVICES) {
            assertThat(environmentOf(name).get("SPRING_KAFKA_BOOTSTRAPSERVERS"))
                    .as(name)
                    .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
            assertThat(map(services().get(name).get("depends_on"), name).get("kafka-access"))
                    .as(name)
                    .isEqualTo(Map.of("condition", "service_completed_successfully"));
        }
    }

    @Test
    void noBrokerListenerIsPlaintextAndNoBrokerPortIsPublishedUnlessTheExternalFileAddsSaslSsl() throws IOException {
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, Object> env = environmentOf(broker);
            Map<String, String> protocols = new LinkedHashMap<>();
            for (String entry :
                    env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").toString().split(",")) {
                protocols.put(entry.split(":")[0], entry.split(":")[1]);
            }
            assertThat(protocols)
                    .as(broker)
                    .allSatisfy((listener, protocol) ->
                            assertThat(protocol).as(broker + " " + listener).startsWith("SASL_"));
            for (String listener : env.get("KAFKA_LISTENERS").toString().split(",")) {
                assertThat(protocols).as(broker + " " + listener).containsKey(listener.split(":")[0]);
            }
            assertThat(services().get(broker)).as(broker + " publishes no port").doesNotContainKey("ports");
            assertThat(env)
                    .containsEntry(
                            "KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .containsEntry("KAFKA_SUPER_USERS", "User:dsp-admin")
                    .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        }
        Map<String, Object> external =
                new Yaml().load(Files.readString(COMPOSE_DIR.resolve("compose.external-kafka.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> overrides = (Map<String, Map<String, Object>>) external.get("services");
        assertThat(overrides).containsOnlyKeys("kafka-1", "kafka-2", "kafka-3");
        overrides.forEach((broker, override) -> {
            Map<String, Object> env = map(override.get("environment"), broker);
            assertThat(env.get("KAFKA_LISTENERS").toString()).as(broker).contains("EXTERNAL://");
            assertThat(environmentOf(broker)
                            .get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")
                            .toString())
                    .contains("EXTERNAL:SASL_SSL");
            assertThat(env).containsEntry("KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512");
        });
    }

    @Test
    void everyServiceSignsInToKafkaAsItsOwnPrincipalAndTheAccessJobKnowsEveryOne() {
        Map<String, String> users = new LinkedHashMap<>();
        for (String name : DSP_SERVICES) {
            Map<String, Object> env = environmentOf(name);
            assertThat(env).as(name).containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
            assertThat(env).as(name).containsEntry("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512");
            users.put(name, userOf(env.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"), name));
        }
        Map<String, Object> ui = environmentOf("kafka-ui");
        assertThat(ui).containsEntry("KAFKA_CLUSTERS_0_READONLY", "true");
        users.put("kafka-ui", userOf(ui.get("KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG"), "kafka-ui"));

        assertThat(new HashSet<>(users.values()))
                .as("one principal per service")
                .hasSameSizeAs(users.values());
        users.forEach((service, user) -> assertThat(ServicePrincipal.ofUser(user))
                .as(service + " signs in as " + user)
                .hasValueSatisfying(p -> assertThat(p.user()).isEqualTo("dsp-" + service)));
        List<String> secrets = ((List<?>) services().get("kafka-access").get("secrets"))
                .stream().map(String::valueOf).toList();
        assertThat(secrets)
                .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(ServicePrincipal.values())
                        .map(ServicePrincipal::passwordFileName)
                        .toList());
    }

    @Test
    void prometheusWarnsLongBeforeATenantsBacklogReachesItsRetention() throws IOException {
        Map<String, Object> config =
                new Yaml().load(Files.readString(COMPOSE_DIR.resolve("prometheus/prometheus.yml")));
        assertThat(config.get("rule_files").toString()).contains("/etc/prometheus/alerts.yml");
        assertThat(volumesOf("prometheus")).contains("./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        Map<String, Object> alerts = new Yaml().load(Files.readString(COMPOSE_DIR.resolve("prometheus/alerts.yml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        List<String> lossExprs = new ArrayList<>();
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) map(group, "group").get("rules")) {
                if ("dsp-backlog".equals(map(group, "group").get("name"))) {
                    rules.add(map(rule, "rule"));
                } else {
                    lossExprs.add(map(rule, "rule").get("expr").toString());
                }
            }
        }
        // and a page as soon as retention deleted tasks anyway (ADR 020)
        assertThat(lossExprs).anySatisfy(expr -> assertThat(expr).contains("dsp_dispatcher_backlog_expired_total"));
        String gauge = MetricNames.OLDEST_WAIT.replace('.', '_');
        long retention = TenantTopics.RETENTION.toSeconds();
        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            String expr = rule.get("expr").toString();
            assertThat(expr).contains(gauge);
            Matcher threshold = Pattern.compile("> (\\d+) \\* 24 \\* 3600").matcher(expr);
            assertThat(threshold.find()).as(expr).isTrue();
            assertThat(Long.parseLong(threshold.group(1)) * 24 * 3600).isLessThan(retention);
        });
    }

    @Test
    void noKafkaSecretIsWrittenInTheComposeFiles() throws IOException {
        for (String file : List.of("compose.yaml", "compose.external-kafka.yaml", "kafka/init.sh", "kafka/access.sh")) {
            Matcher password = Pattern.compile("password=\\\\?\"([^\"\\\\]*)")
                    .matcher(Files.readString(COMPOSE_DIR.resolve(file)));
            while (password.find()) {
                assertThat(password.group(1))
                        .as(file + ": a password must come from .env or the environment")
                        .matches("\\$\\{[A-Z0-9_]+(:\\?[^}]*)?}|%s");
            }
        }
    }

    private static String userOf(Object jaas, String service) {
        Matcher user = Pattern.compile("ScramLoginModule required username=\"([^\"]+)\" password=\"\\$\\{")
                .matcher(String.valueOf(jaas));
        assertThat(user.find()).as(service + " JAAS: " + jaas).isTrue();
        return user.group(1);
    }

    @Test
    void theEdgeServesApiAndDspOnOnePortWithTls() throws IOException {
        String nginx = Files.readString(COMPOSE_DIR.resolve("edge/nginx.conf"));
        String routes = Files.readString(COMPOSE_DIR.resolve("edge/dsp-routes.conf"));

        assertThat(nginx)
                .contains("server asset-api:" + serverPort("asset-api") + ";")
                .contains("server gateway:" + serverPort("gateway") + ";")
                .contains("listen 8443 ssl;")
                .contains("ssl_certificate     /etc/nginx/certs/tls.crt;");
        assertThat(routes)
                .containsPattern("location /api/ \\{[^}]*proxy_pass http://asset_api;")
                .containsPattern(
                        "location = /dsp \\{[^}]*proxy_set_header Upgrade \\$http_upgrade;[^}]*proxy_pass http://gateway;");
        assertThat(volumesOf("edge"))
                .contains(
                        "./edge/nginx.conf:/etc/nginx/nginx.conf:ro",
                        "${EDGE_CERT_DIR:-./edge/certs}:/etc/nginx/certs:ro");
        assertThat(ports("edge")).anyMatch(p -> p.endsWith(":8443"));
        Path script = COMPOSE_DIR.resolve("edge/make-self-signed-cert.sh");
        assertThat(Files.isExecutable(script)).as(script.toString()).isTrue();
        assertThat(Files.readString(script)).contains("edge/certs").contains("openssl req -x509");
    }

    @Test
    void everyVariableIsInTheEnvExampleAndNoSecretIsFilledIn() throws IOException {
        String compose = Files.readString(COMPOSE_FILE);
        List<String> example = Files.readAllLines(COMPOSE_DIR.resolve(".env.example"));
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : example) {
            if (!line.isBlank() && !line.startsWith("#")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(compose);
        while (variable.find()) {
            assertThat(values)
                    .as("compose.yaml uses ${" + variable.group(1) + "}")
                    .containsKey(variable.group(1));
        }
        values.forEach((name, value) -> {
            if (name.endsWith("PASSWORD") || name.endsWith("TOKEN") || name.equals("KAFKA_CLUSTER_ID")) {
                assertThat(value)
                        .as(name + " must be left for the operator to fill in")
                        .isEmpty();
            }
        });
        assertThat(Files.readString(COMPOSE_DIR.resolve(".gitignore"))).contains(".env");
    }

    // ---- reading the files

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        try {
            Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE_FILE));
            return (Map<String, Map<String, Object>>) compose.get("services");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String testOf(String service) {
        Object test = map(services().get(service).get("healthcheck"), service + ".healthcheck")
                .get("test");
        return test instanceof List<?> list
                ? String.join(" ", list.stream().map(String::valueOf).toList())
                : String.valueOf(test);
    }

    private static Map<String, Object> environmentOf(String service) {
        return map(services().get(service).get("environment"), service + ".environment");
    }

    private static List<String> volumesOf(String service) {
        return ((List<?>) services().get(service).get("volumes"))
                .stream().map(String::valueOf).toList();
    }

    private static List<String> ports(String service) {
        return ((List<?>) services().get(service).get("ports"))
                .stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    /** {@code server.port} of a service, from its own {@code <module>.yml}: the port code and compose must agree on. */
    private static int serverPort(String module) throws IOException {
        Path yml = NodeTools.repositoryRoot().resolve(module).resolve("src/main/resources/" + module + ".yml");
        Map<String, Object> config = new Yaml().load(Files.readString(yml));
        return (Integer) map(config.get("server"), yml + " server").get("port");
    }

    /** Every Prometheus series name a MetricNames meter may export, mapped to the MetricNames value. */
    private static Map<String, String> prometheusNames() throws IllegalAccessException {
        Map<String, String> names = new LinkedHashMap<>();
        for (Field field : MetricNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getName().startsWith("TAG_")) {
                String value = (String) field.get(null);
                String base = value.replace('.', '_');
                for (String suffix : List.of(
                        "",
                        "_total",
                        "_max",
                        "_seconds",
                        "_seconds_max",
                        "_seconds_bucket",
                        "_seconds_count",
                        "_seconds_sum")) {
                    names.put(base + suffix, value);
                }
            }
        }
        return names;
    }

    /** MetricNames' tag keys, plus the few tags documented there by name and Prometheus' own {@code le}. */
    private static Set<String> tagNames() throws IllegalAccessException {
        Set<String> tags = new TreeSet<>(List.of("le", "kind", "reason"));
        for (Field field : MetricNames.class.getFields()) {
            if (field.getName().startsWith("TAG_")) {
                tags.add((String) field.get(null));
            }
        }
        return tags;
    }
}
