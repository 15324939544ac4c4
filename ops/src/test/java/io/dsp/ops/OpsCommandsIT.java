package io.dsp.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.ops.support.Cli;
import io.dsp.ops.support.Fleet;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.TopicTail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backlog, fleet, drain/undrain, licenses and rebuild-read-models against the test broker. */
class OpsCommandsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void backlogShowsWhatWaitsPerTenantAndTheOldestTask() {
        // given three tasks of a license that no dispatcher has read
        String license = "backlog-" + UUID.randomUUID();
        List<TaskRequested> tasks = List.of(
                Fleet.deleteAsset(license, "del_asset_first_" + UUID.randomUUID(), 1),
                Fleet.deleteAsset(license, "del_asset_b_" + UUID.randomUUID(), 2),
                Fleet.deleteAsset(license, "del_asset_c_" + UUID.randomUUID(), 3));
        Fleet.accept(tasks);

        Cli.Result backlog = Cli.run("backlog", "--show-keys");

        assertThat(backlog.code()).as(backlog.toString()).isZero();
        assertThat(backlog.out().lines().filter(l -> l.startsWith(license)))
                .singleElement()
                .satisfies(line -> assertThat(line.split("\\s+"))
                        .contains("3", tasks.get(0).getRequestId()));
        // without --show-keys the key is masked (the topic name is Kafka's own, shown as it is)
        String masked = license.substring(0, 3) + "***" + license.substring(license.length() - 2);
        assertThat(Cli.run("backlog")
                        .out()
                        .lines()
                        .filter(l -> l.contains(io.dsp.schemas.tenant.TenantTopics.topicName(license))))
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith(masked + " "));
    }

    @Test
    void backlogOfAnAutomationTenantCountsFromTheAutomationDispatchersOffset() throws Exception {
        // given three automation tasks, two of them already released by the automation lane's dispatcher group
        String license = "backlog-auto-" + UUID.randomUUID();
        List<TaskRequested> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TaskRequested task = Fleet.deleteAsset(license, "at_" + i + "_" + UUID.randomUUID(), i + 1);
            task.setTaskType("url");
            task.setPayload(io.dsp.schemas.avro.GenericPayload.newBuilder()
                    .setJson("{\"url\":\"https://example.invalid/" + i + "\"}")
                    .build());
            tasks.add(task);
        }
        String topic = io.dsp.schemas.tenant.TenantTopics.topicName(
                license, io.dsp.schemas.avro.Priority.NORMAL, io.dsp.schemas.topic.Lane.AUTOMATION);
        io.dsp.testkit.KafkaTestBroker.get()
                .admin()
                .createTopics(List.of(io.dsp.schemas.tenant.TenantTopics.forLicense(
                                license, io.dsp.schemas.avro.Priority.NORMAL, io.dsp.schemas.topic.Lane.AUTOMATION)
                        .newTopic((short) 1)))
                .all()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        Fleet.accept(tasks);
        io.dsp.testkit.KafkaTestBroker.get()
                .admin()
                .alterConsumerGroupOffsets(
                        io.dsp.schemas.topic.Lane.AUTOMATION.dispatcherGroup(),
                        java.util.Map.of(
                                new org.apache.kafka.common.TopicPartition(topic, 0),
                                new org.apache.kafka.clients.consumer.OffsetAndMetadata(2)))
                .all()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);

        // then one waits, the third
        Cli.Result backlog = Cli.run("backlog", "--show-keys");
        assertThat(backlog.out().lines().filter(l -> l.startsWith(license)))
                .as(backlog.toString())
                .singleElement()
                .satisfies(line -> assertThat(line.split("\\s+"))
                        .contains("1", tasks.get(2).getRequestId()));
    }

    @Test
    void fleetListsLiveWorkersAndDrainAndUndrainWriteTheWorkersCommand() throws InterruptedException {
        String worker = "gpu-ops-" + UUID.randomUUID();
        Instant now = Instant.now();
        Fleet.send(List.of(Topics.WORKERS.record(
                worker,
                WorkerPresence.newBuilder()
                        .setWorkerId(worker)
                        .setKind(WorkerKind.NATIVE)
                        .setHost("host-1")
                        .setSlots(3)
                        .setInFlight(1)
                        .setStartedAt(now)
                        .setHeartbeatAt(now)
                        .setHeartbeatIntervalMs(60_000)
                        .build())));
        try (TopicTail<String, WorkerCommand> commands = TopicTail.fromEnd(Topics.WORKER_COMMANDS)) {
            Cli.Result fleet = Cli.run("fleet");
            assertThat(fleet.out().lines().filter(l -> l.startsWith(worker)))
                    .singleElement()
                    .satisfies(line -> assertThat(line.split("\\s+")).containsSequence("yes", "3", "1", "no", "-"));

            assertThat(Cli.run("drain", worker).code()).isZero();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(commands.values())
                            .filteredOn(c -> c.getWorkerId().equals(worker))
                            .extracting(WorkerCommand::getAction)
                            .containsExactly(WorkerAction.DRAIN));
            assertThat(Cli.run("fleet").out().lines().filter(l -> l.startsWith(worker)))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains(" drain "));

            assertThat(Cli.run("undrain", worker).code()).isZero();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(commands.values())
                            .filteredOn(c -> c.getWorkerId().equals(worker))
                            .extracting(WorkerCommand::getAction)
                            .containsExactly(WorkerAction.DRAIN, WorkerAction.UNDRAIN));

            Cli.Result unknown = Cli.run("drain", "gpu-nobody-" + UUID.randomUUID());
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("nothing was sent");
        }
    }

    @Test
    void licensesAreProvisionedUpdatedDisabledAndListedAsTheAdminApiWritesThem() throws InterruptedException {
        String key = "OPS-" + UUID.randomUUID().toString().substring(0, 8);
        try (TopicTail<String, License> licenses = TopicTail.fromEnd(Topics.LICENSES);
                TopicTail<String, DeviceBinding> bindings = TopicTail.fromEnd(Topics.DEVICE_BINDINGS)) {
            Cli.Result provision = Cli.run(
                    "licenses",
                    "provision",
                    key,
                    "--valid-to=2030-01-01T00:00:00Z",
                    "--label=studio A",
                    "--device-binding",
                    "pc=MACHINE-1");
            assertThat(provision.code()).as(provision.toString()).isZero();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(licenses.values())
                            .filteredOn(l -> l.getLicenseKey().equals(key))
                            .singleElement()
                            .satisfies(l -> {
                                assertThat(l.getStatus()).isEqualTo(LicenseStatus.ACTIVE);
                                assertThat(l.getValidUntil()).isEqualTo("2030-01-01T00:00:00Z");
                                assertThat(l.getValidFrom()).isNull();
                                assertThat(l.getLabel()).isEqualTo("studio A");
                            }));
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(bindings.records())
                            .filteredOn(r -> r.key().equals(key + "|pc"))
                            .singleElement()
                            .satisfies(
                                    r -> assertThat(r.value().getMachineCode()).isEqualTo("MACHINE-1")));

            Cli.Result twice = Cli.run("licenses", "provision", key);
            assertThat(twice.code()).isEqualTo(1);
            assertThat(twice.err()).contains("exists already").contains("--update");

            assertThat(Cli.run("licenses", "provision", key, "--update", "--label=studio B")
                            .code())
                    .isZero();
            assertThat(Cli.run("licenses", "disable", key).code()).isZero();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(licenses.values())
                            .filteredOn(l -> l.getLicenseKey().equals(key))
                            .extracting(License::getStatus, License::getLabel)
                            .containsExactly(
                                    org.assertj.core.groups.Tuple.tuple(LicenseStatus.ACTIVE, "studio A"),
                                    org.assertj.core.groups.Tuple.tuple(LicenseStatus.ACTIVE, "studio B"),
                                    org.assertj.core.groups.Tuple.tuple(LicenseStatus.DISABLED, "studio B")));

            assertThat(Cli.run("licenses", "list").out().lines().filter(l -> l.startsWith(key)))
                    .singleElement()
                    .satisfies(line -> assertThat(line.split("\\s+")).containsSequence(key, "disabled", "no"));
            assertThat(Cli.run("licenses", "disable", "NO-SUCH-" + UUID.randomUUID())
                            .code())
                    .isEqualTo(1);
        }
    }

    @Test
    void rebuildReadModelsRefusesWhileTheApplicationRunsThenDeletesItsInternalTopicsGroupAndState() throws Exception {
        String app = "it-app-" + UUID.randomUUID().toString().substring(0, 8);
        String changelog = app + "-licenses-store-changelog";
        String repartition = app + "-KSTREAM-KEY-0000000003-repartition";
        var admin = KafkaTestBroker.get().admin();
        admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1), new NewTopic(repartition, 1, (short) 1)))
                .all()
                .get();
        Path state = Files.createDirectories(tmp.resolve(app).resolve("0_0"));
        Files.writeString(state.resolve(".checkpoint"), "0\n");
        String[] reset = {"rebuild-read-models", "--application-id=" + app, "--state-dir=" + tmp};

        // given the application is running (its group has a member)
        try (KafkaConsumer<byte[], byte[]> running = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                app,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            running.subscribe(List.of(changelog));
            await().atMost(WAIT).until(() -> {
                running.poll(Duration.ofMillis(100));
                return !running.assignment().isEmpty();
            });

            // then the reset refuses and changes nothing
            Cli.Result refused = Cli.run(reset);
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("asset-api is running").contains("nothing was changed");
            assertThat(admin.listTopics().names().get()).contains(changelog, repartition);
        }

        // when it is stopped, a dry run lists what goes and the reset deletes it
        Cli.Result dry = Cli.run(withDryRun(reset));
        assertThat(dry.out()).contains("would delete internal topic " + changelog, "dry run: nothing changed");
        assertThat(admin.listTopics().names().get()).contains(changelog);

        Cli.Result done = Cli.run(reset);
        assertThat(done.code()).as(done.toString()).isZero();
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(admin.listTopics().names().get()).doesNotContain(changelog, repartition));
        assertThat(admin.listGroups().all().get()).noneMatch(g -> g.groupId().equals(app));
        assertThat(tmp.resolve(app)).doesNotExist();
    }

    @Test
    void commandsThatCannotActSayWhyInOneSentence() {
        Cli.Result noTopic = Cli.run("replay", "--license=nobody-" + UUID.randomUUID(), "--from=1h");
        assertThat(noTopic.code()).isEqualTo(1);
        assertThat(noTopic.err()).startsWith("ops: error: License nob***").contains("has no task topic");

        Cli.Result badRedis = Cli.run("migrate-legacy", "--redis-url=not a url");
        assertThat(badRedis.code()).isEqualTo(2);
        assertThat(badRedis.err()).contains("--redis-url: not a Redis URL");
    }

    private static String[] withDryRun(String[] args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--dry-run";
        return out;
    }
}
