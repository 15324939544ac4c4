package io.dsp.benchmarks;

import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A stack that is already running, e.g. {@code ./dsp up} or a compose deployment: the bench reaches asset-api, the
 * gateway's {@code /dsp} and the broker from outside, and the raw clients run on that broker, on topics and groups of
 * their own that they remove afterwards.
 *
 * <p>Before anything is measured, {@link #open} checks what a valid measurement needs and refuses, naming the setting,
 * when something is missing: the broker and asset-api answer; a dispatcher runs; no worker is in the fleet (the bench's
 * legacy worker must be all of it: {@code ./dsp up --without=gpu-consumer}); no task of another type waits for the
 * fleet (the bench's worker would hand it back again and again); the license is taken; asset-api accepts the bench's
 * task type ({@code dsp.asset-api.tasks.generic-types}); a burst of submissions is not rate limited
 * ({@code dsp.asset-api.limits.requests-per-window}); the gateway registers the bench's worker (a fleet token, or a
 * tokenless network) and the probe tasks reach it.
 *
 * <p>Licenses: with asset-api's admin token the bench creates its own through {@code /admin/v1/licenses} (and
 * disables them at the end), as many as a family needs; without it every family submits under the one license it is
 * given (the demo license of a {@code ./dsp up} data dir), and {@code tenants}, which needs many, is skipped.
 */
final class RunningStack extends StackUnderTest {

    /** Quick submissions of the precondition check: more than asset-api's default rate limit (60 a minute). */
    static final int PROBE_BURST = 100;

    /** How long the probe tasks may take to reach the bench's worker. */
    static final Duration PROBE_ARRIVAL = Duration.ofSeconds(60);

    /**
     * Where the running stack is and how the bench gets in.
     *
     * @param bootstrapServers the stack's Kafka
     * @param kafkaConfig a properties file of further client settings (security), or null
     * @param assetApi asset-api's base URL
     * @param gateway the gateway's {@code /dsp} WebSocket URL
     * @param licenseKeyFile the license to submit under, or null
     * @param fleetTokenFile the fleet token the bench's worker registers with, or null (a tokenless network)
     * @param adminToken asset-api's admin token, or null: then the bench creates no licenses
     * @param machineCode {@code X-Machine-Code} of the bench's HTTP calls
     */
    record Target(
            String bootstrapServers,
            Path kafkaConfig,
            String assetApi,
            String gateway,
            Path licenseKeyFile,
            Path fleetTokenFile,
            String adminToken,
            String machineCode) {}

    private final Target target;
    private final Broker broker;
    private final Admin admin;
    private final Optional<String> givenLicense;
    private final Optional<String> fleetToken;
    private final List<String> created = new ArrayList<>();
    private final Map<String, String> given = new ConcurrentHashMap<>();

    private RunningStack(Target target) throws IOException {
        this.target = target;
        Map<String, Object> config = new HashMap<>();
        if (target.kafkaConfig() != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(target.kafkaConfig())) {
                properties.load(in);
            }
            properties.forEach((k, v) -> config.put(String.valueOf(k), v));
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        admin = Admin.create(new HashMap<>(config));
        broker = new Broker(config, admin);
        givenLicense = read(target.licenseKeyFile(), "the license key");
        fleetToken = read(target.fleetTokenFile(), "the fleet token");
    }

    private static Optional<String> read(Path file, String what) throws IOException {
        if (file == null) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no file " + file + " with " + what);
        }
        String value = Files.readString(file).strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty; it should hold " + what);
        }
        return Optional.of(value);
    }

    /** Connects and checks every precondition (the class comment); throws naming what is missing. */
    static RunningStack open(Target target, Profile profile) throws Exception {
        RunningStack stack = new RunningStack(target);
        try {
            stack.check(profile);
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    @Override
    String baseUrl() {
        return target.assetApi();
    }

    @Override
    String wsUrl() {
        return target.gateway();
    }

    @Override
    Broker broker() {
        return broker;
    }

    @Override
    String machineCode() {
        return target.machineCode();
    }

    @Override
    Optional<String> fleetToken() {
        return fleetToken;
    }

    @Override
    String describe() {
        return "a running stack: Kafka at " + target.bootstrapServers() + ", asset-api at " + target.assetApi()
                + ", gateway at " + target.gateway() + " (its own dispatcher, no worker but the bench's); the raw"
                + " clients on the same broker, on topics made like the system's";
    }

    @Override
    Optional<String> unsupported(Bench.Scenario scenario, Profile profile) {
        return switch (scenario) {
            case connections ->
                Optional.of("connections measures the gateway's heap after GC, which only a gateway"
                        + " in the bench's own JVM shows (run it without --against)");
            case drain ->
                Optional.of("drain starts its own gpu-consumer workers (1, then 4, simulated engine with zero"
                        + " work time) and writes its backlog straight into dsp.dispatch under a made-up license; on a"
                        + " running stack that would put thousands of tasks into its fleet topic and its task history,"
                        + " and its own workers cannot be set to zero work from outside (run it without --against)");
            case utilisation ->
                Optional.of("utilisation starts its own gpu-consumer workers (30 slots, simulated engine) to keep"
                        + " saturated with a backlog under a license of its own; on a running stack that backlog would"
                        + " go to its fleet too (run it without --against)");
            case tenants ->
                target.adminToken() == null
                        ? Optional.of(
                                "tenants needs " + profile.tenants() + " licenses, which the bench creates through"
                                        + " asset-api's /admin/v1/licenses: give asset-api's admin token"
                                        + " (dsp.asset-api.admin-token) with --admin-token-file or DSP_BENCH_ADMIN_TOKEN")
                        : Optional.empty();
            default -> Optional.empty();
        };
    }

    /**
     * New licenses through the admin API when the admin token was given, else the one license given (then {@code
     * count} must be 1); either way with their tenant topics, known to asset-api and owned by the dispatcher.
     */
    @Override
    List<String> licenses(String purpose, int count) throws Exception {
        if (target.adminToken() == null) {
            if (count != 1) {
                throw new IllegalStateException(count + " licenses needed, and without asset-api's admin token the"
                        + " bench has only the one it was given");
            }
            String license = givenLicense.orElseThrow();
            if (given.putIfAbsent(license, purpose) == null) {
                new TopicProvisioner(admin, (short) -1).ensureTenantTopic(license);
                awaitKnown(List.of(license));
            }
            return List.of(license);
        }
        List<String> licenses = newLicenseKeys(purpose, count);
        TopicProvisioner topics = new TopicProvisioner(admin, (short) -1);
        for (String license : licenses) {
            HttpResponse<String> answer = http.send(
                    admin("/admin/v1/licenses")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"license_key\":\"" + license + "\",\"label\":\"bench\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("asset-api did not create license " + license + ": "
                        + answer.statusCode() + " " + answer.body()
                        + (answer.statusCode() == 401 || answer.statusCode() == 403
                                ? " (is the admin token asset-api's dsp.asset-api.admin-token?)"
                                : ""));
            }
            created.add(license);
            // as asset-api does on a license's first task, so the dispatcher owns it before the first measured one
            topics.ensureTenantTopic(license);
        }
        awaitKnown(licenses);
        return licenses;
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(java.net.URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + target.adminToken());
    }

    /** Runs the family's waiting tasks out with the bench's worker, so that the stack is left as it was found. */
    @Override
    void leaveAsFound(String license, Collection<String> requestIds, Profile profile) throws Exception {
        if (requestIds.isEmpty()) {
            return;
        }
        System.out.printf(
                "[bench] running out the %,d task(s) the family left waiting, with the bench's worker%n",
                requestIds.size());
        Duration timeout = Duration.ofSeconds(Math.max(120, requestIds.size() / 20));
        int left = runOut(requestIds, profile.slots(), timeout);
        if (left > 0) {
            System.out.printf(
                    "[bench] %,d of them did not reach the worker within %d s; they wait under license %s%n",
                    left, timeout.toSeconds(), mask(license));
        }
        awaitFleetMembers(0);
    }

    /** Connects the bench's worker until every one of {@code requestIds} reached it; how many did not. */
    private int runOut(Collection<String> requestIds, int slots, Duration timeout) throws Exception {
        Latencies arrivals = new Latencies();
        long now = System.nanoTime();
        requestIds.forEach(id -> arrivals.started(id, now));
        try (BenchWorker worker = new BenchWorker(wsUrl(), slots, fleetToken)) {
            worker.measureInto(arrivals);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (arrivals.completeCount() < requestIds.size() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            return requestIds.size() - arrivals.completeCount();
        }
    }

    // ---- the preconditions

    private void check(Profile profile) throws Exception {
        String kafka = target.bootstrapServers();
        try {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw refuse("cannot reach Kafka at " + kafka + " (--bootstrap-servers, --kafka-config): " + cause(e));
        }
        try {
            admin.describeTopics(List.of(Topics.DISPATCH.name(), Topics.TASK_EVENTS.name(), Topics.LICENSES.name()))
                    .allTopicNames()
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw refuse("the broker at " + kafka + " has no DSP topics (" + cause(e) + "): is it the stack's Kafka?"
                    + " (./dsp up provisions them)");
        }
        int dispatchers = groupMembers(Groups.DISPATCHER);
        if (dispatchers == 0) {
            throw refuse("no dispatcher runs on the broker at " + kafka + " (its group " + Groups.DISPATCHER
                    + " has no members): start the whole stack, leaving out only the gpu-consumer");
        }
        Optional<ShareGroupDescription> fleet = fleetGroup();
        if (fleet.isPresent() && !fleet.get().members().isEmpty()) {
            throw refuse("the fleet's share group " + Groups.GPU_FLEET + " has "
                    + fleet.get().members().size()
                    + " member(s) already ("
                    + fleet.get().members().stream()
                            .map(m -> m.clientId() + "@" + m.host())
                            .distinct()
                            .collect(Collectors.joining(", "))
                    + "): the bench's legacy worker must be the whole fleet, or other workers take the bench's"
                    + " tasks and the dispatcher's free slots count theirs. Start the stack without its worker"
                    + " (./dsp up --without=gpu-consumer) and connect no other worker while the bench runs");
        }
        Map<String, Map<String, Integer>> waiting = waiting();
        Map<String, Map<String, Integer>> foreign = new TreeMap<>();
        waiting.forEach((topic, types) -> types.forEach((type, n) -> {
            if (!type.equals(TASK_TYPE)) {
                foreign.computeIfAbsent(topic, t -> new TreeMap<>()).put(type, n);
            }
        }));
        if (!foreign.isEmpty()) {
            throw refuse("tasks of other types wait for the fleet (" + foreign + "): the bench's worker runs only "
                    + TASK_TYPE + " and would hand each of them back again and again (every time a delivery, until"
                    + " they are dead-lettered). Let them run first (start a worker), cancel them, or use a stack"
                    + " with nothing waiting");
        }
        try {
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (health.statusCode() != 200) {
                throw refuse("asset-api at " + baseUrl() + " is not up: " + health.statusCode() + " " + health.body());
            }
        } catch (IOException e) {
            throw refuse("cannot reach asset-api at " + baseUrl() + " (--asset-api): " + e);
        }
        if (givenLicense.isEmpty() && target.adminToken() == null) {
            throw refuse("no license to submit under: give --data-dir (a ./dsp up data dir, whose demo-license-key is"
                    + " used), --license-key-file, or asset-api's admin token (--admin-token-file or"
                    + " DSP_BENCH_ADMIN_TOKEN) so that the bench creates its own");
        }
        if (givenLicense.isPresent() && target.adminToken() == null) {
            checkLicense(givenLicense.get());
        }
        String license = licenses("bench-probe", 1).get(0);
        probe(license, profile, waiting.getOrDefault(TenantTopics.topicName(license), Map.of()));
    }

    private void checkLicense(String license) {
        HttpResponse<String> answer =
                lookup(license).orElseThrow(() -> refuse("cannot reach asset-api at " + baseUrl() + " (--asset-api)"));
        if (answer.statusCode() == 404) {
            return;
        }
        String why = answer.statusCode() == 403 && answer.body().contains("绑定")
                ? ": the license is bound to another machine on this device type; give that machine code with"
                        + " --machine-code (./dsp up's examples use demo-machine)"
                : ": is it a license of this stack (--license-key-file, --data-dir)?";
        throw refuse("asset-api does not take license " + mask(license) + " with X-Machine-Code " + machineCode() + " ("
                + answer.statusCode() + " " + answer.body() + ")" + why);
    }

    /**
     * One submission of the bench's type, the bench's worker connected, a burst of {@link #PROBE_BURST} more, and every
     * one of them (and the bench's tasks an earlier run left waiting) arriving at the worker.
     */
    private void probe(String license, Profile profile, Map<String, Integer> leftBefore) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        HttpResponse<String> first =
                http.send(submit(license, "{\"probe\":true}"), HttpResponse.BodyHandlers.ofString());
        String id = Intake.requestId(first);
        if (id == null) {
            throw refuse(submitRefusal(first, 1));
        }
        ids.add(id);
        Latencies arrivals = new Latencies();
        BenchWorker worker;
        try {
            worker = new BenchWorker(wsUrl(), profile.slots(), fleetToken);
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException && e.getMessage().startsWith("the bench's legacy worker")) {
                throw refuse(e.getMessage());
            }
            throw refuse("cannot connect the bench's legacy worker to the gateway at " + wsUrl() + " (--gateway): "
                    + cause(e));
        }
        try (worker) {
            worker.measureInto(arrivals);
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < PROBE_BURST; i++) {
                burst.add(
                        http.sendAsync(submit(license, "{\"probe\":" + i + "}"), HttpResponse.BodyHandlers.ofString()));
            }
            int n = 1;
            String refusal = null;
            for (var pending : burst) {
                HttpResponse<String> answer = pending.get(60, TimeUnit.SECONDS);
                n++;
                String accepted = Intake.requestId(answer);
                if (accepted != null) {
                    ids.add(accepted);
                } else if (refusal == null) {
                    refusal = submitRefusal(answer, n);
                }
            }
            long now = System.nanoTime();
            ids.forEach(i -> arrivals.started(i, now));
            long deadline = now + PROBE_ARRIVAL.toNanos();
            while (arrivals.completeCount() < ids.size() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            int missing = ids.size() - arrivals.completeCount();
            if (refusal != null) {
                throw refuse(refusal);
            }
            if (missing > 0) {
                throw refuse(missing + " of " + ids.size() + " probe tasks did not reach the bench's worker within "
                        + PROBE_ARRIVAL.toSeconds() + " s (it got " + worker.jobs() + " task frames): do the"
                        + " dispatcher and the gateway use this Kafka, and does the gateway poll the fleet's share"
                        + " group " + Groups.GPU_FLEET + "?");
            }
            int earlier = leftBefore.getOrDefault(TASK_TYPE, 0);
            if (earlier > 0 || !waiting().isEmpty()) {
                System.out.printf(
                        "[bench] running out %d %s task(s) an earlier run left waiting%n", earlier, TASK_TYPE);
                try {
                    StackUnderTest.await(
                            "nothing waits for the fleet any more",
                            Duration.ofMinutes(2),
                            () -> waitingQuietly().isEmpty());
                } catch (IllegalStateException e) {
                    throw refuse("tasks still wait for the fleet after the probe: " + waitingQuietly());
                }
            }
            System.out.printf(
                    "[bench] preconditions met: %d probe tasks accepted without a 429 and run by the bench's worker%n",
                    ids.size());
        }
        awaitFleetMembers(0);
    }

    private String submitRefusal(HttpResponse<String> answer, int nth) {
        String body = answer.body();
        if (answer.statusCode() == 429) {
            return "asset-api refused submission " + nth + " of " + (PROBE_BURST + 1) + " with 429 (" + body + "): the"
                    + " license's rate limit would throttle the run and the bench would measure the limiter; lift it"
                    + " with dsp.asset-api.limits.requests-per-window (DSP_ASSET_API_LIMITS_REQUESTS_PER_WINDOW"
                    + "=100000000 in asset-api's environment)";
        }
        if (answer.statusCode() == 400 && body.contains(TASK_TYPE)) {
            return "asset-api does not accept the bench's task type " + TASK_TYPE + " (" + body + "): add it to"
                    + " dsp.asset-api.tasks.generic-types (DSP_ASSET_API_TASKS_GENERIC_TYPES=" + TASK_TYPE
                    + " in asset-api's environment)";
        }
        return "asset-api refused a task of the bench's type " + TASK_TYPE + ": " + answer.statusCode() + " " + body;
    }

    private int groupMembers(String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(15, TimeUnit.SECONDS)
                    .get(group);
            return description.members().size();
        } catch (Exception e) {
            return 0;
        }
    }

    private Map<String, Map<String, Integer>> waitingQuietly() {
        try {
            return waiting();
        } catch (Exception e) {
            return Map.of("unknown", Map.of(String.valueOf(e), 1));
        }
    }

    /**
     * The tasks that wait for the GPU fleet, per topic and task type: in the GPU lane's tenant topics, past the
     * dispatcher's committed offsets (not yet released), and in {@code dsp.dispatch}, past the fleet's share-group
     * start offset (released, not yet taken). A task released but not yet at a worker may count as both for a moment.
     */
    Map<String, Map<String, Integer>> waiting() throws Exception {
        Map<TopicPartition, Long> from = new HashMap<>();
        List<String> tenantTopics = admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
                .filter(TenantTopics::isTenantTopic)
                .filter(t -> TenantTopics.laneOf(t) == Lane.GPU)
                .toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Groups.DISPATCHER)
                .partitionsToOffsetAndMetadata()
                .get(15, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(tenantTopics)
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .forEach((name, d) ->
                        d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, Long> starts = new HashMap<>();
        admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).forEach((tp, o) -> starts.put(tp, o.offset()));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            from.put(tp, Math.max(starts.get(tp), at == null ? 0 : at.offset()));
        }
        TopicPartition dispatch = new TopicPartition(Topics.DISPATCH.name(), 0);
        try {
            SharePartitionOffsetInfo fleet = admin.listShareGroupOffsets(Map.of(
                            Groups.GPU_FLEET, new ListShareGroupOffsetsSpec().topicPartitions(List.of(dispatch))))
                    .partitionsToOffsetInfo(Groups.GPU_FLEET)
                    .get(15, TimeUnit.SECONDS)
                    .get(dispatch);
            // records past the start offset may be acknowledged already (it moves on lazily): only a lag says that
            // some wait; then they are read from there (acknowledged ones among them counted too)
            if (fleet != null && fleet.startOffset() >= 0 && fleet.lag().orElse(1L) > 0) {
                from.put(dispatch, fleet.startOffset());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            // no fleet group yet (no worker ever joined): nothing was taken from dsp.dispatch, and the dispatcher
            // released nothing to a fleet that was never online
        }
        return tasksFrom(from);
    }

    /** Reads the tasks from each partition's offset to its end (read committed); counts per topic and task type. */
    private Map<String, Map<String, Integer>> tasksFrom(Map<TopicPartition, Long> from) {
        Map<String, Map<String, Integer>> found = new TreeMap<>();
        if (from.isEmpty()) {
            return found;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(broker.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class)))) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            List<TopicPartition> toRead = from.keySet().stream()
                    .filter(tp -> from.get(tp) < ends.getOrDefault(tp, 0L))
                    .toList();
            if (toRead.isEmpty()) {
                return found;
            }
            consumer.assign(toRead);
            toRead.forEach(tp -> consumer.seek(tp, from.get(tp)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (toRead.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TaskRequested task = record.topic().equals(Topics.DISPATCH.name())
                            ? Topics.DISPATCH.value(record)
                            : TenantTopics.decode(record);
                    if (task != null) {
                        found.computeIfAbsent(record.topic(), t -> new TreeMap<>())
                                .merge(task.getTaskType(), 1, Integer::sum);
                    }
                }
            }
        }
        return found;
    }

    private static IllegalStateException refuse(String why) {
        return new IllegalStateException("the running stack is not ready for the bench: " + why);
    }

    private static String cause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c != c.getCause()) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    private static String mask(String license) {
        return license.length() <= 8
                ? "***"
                : license.substring(0, 5) + "***" + license.substring(license.length() - 2);
    }

    /** Disables the licenses the bench created and removes their tenant topics (emptied: every task in them ran). */
    @Override
    public void close() {
        try {
            if (!created.isEmpty()) {
                int disabled = 0;
                for (String license : created) {
                    try {
                        HttpResponse<String> answer = http.send(
                                admin("/admin/v1/licenses/" + license + "/disable")
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200) {
                            disabled++;
                        }
                    } catch (IOException e) {
                        // told below
                    }
                }
                List<String> topics =
                        created.stream().map(TenantTopics::topicName).toList();
                try {
                    admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.out.println("[bench] could not remove the bench's tenant topics: " + cause(e));
                }
                System.out.printf(
                        Locale.ROOT,
                        "[bench] disabled %d of the %d licenses the bench created (label \"bench\") and removed their"
                                + " tenant topics%n",
                        disabled,
                        created.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ofSeconds(10));
        }
    }
}
