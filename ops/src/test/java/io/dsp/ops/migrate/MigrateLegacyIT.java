package io.dsp.ops.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.ops.support.Cli;
import io.dsp.ops.support.Fleet;
import io.dsp.ops.support.Tenant;
import io.dsp.ops.task.TaskCopy;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.RedisTestServer;
import io.dsp.testkit.TopicTail;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cut-over: legacy Redis lists holding frames of every legacy task type (section 2.4 of the legacy spec) move into
 * the tenant topics and run on the real dispatcher and worker; running the migration again, or after a crash between
 * Kafka's acknowledgement and the removal from Redis, moves nothing twice.
 */
class MigrateLegacyIT {

    private static final Duration LONG = Duration.ofSeconds(180);

    private static ConfigurableApplicationContext dispatcher;
    private static ConfigurableApplicationContext worker;
    private static TopicTail<String, TaskEvent> events;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;

    private String license;
    private String list;

    @BeforeAll
    static void startTheFleetAndRedis() {
        events = TopicTail.fromEnd(Topics.TASK_EVENTS);
        dispatcher = Fleet.dispatcher(Map.of());
        worker = Fleet.worker();
        RedisTestServer server = RedisTestServer.get();
        client = RedisClient.create("redis://" + server.host() + ":" + server.port());
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        Fleet.close(worker, dispatcher);
        events.close();
        connection.close();
        client.shutdown();
    }

    @BeforeEach
    void aFreshLegacyRedis() {
        redis.flushall();
        license = "legacy-" + UUID.randomUUID();
        list = "dsp:pending_tasks:" + license;
    }

    @AfterEach
    void noListsLeftForTheNextTest() {
        redis.flushall();
    }

    /** One frame of every kind the legacy gateway and the HTTP servers queue (legacy spec 2.3, 2.4, 3). */
    private List<String> everyLegacyFrame() {
        String k = license;
        return List.of(
                // HTTP fallback of /api/asset/delete (sender_fd 0)
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"del_asset_" + uid()
                        + "\",\"key\":\"" + k + "\",\"sender_fd\":0,\"payload\":{\"id\":123,\"license_key\":\"" + k
                        + "\"}}",
                // the old name, from a WebSocket client
                "{\"type\":\"gpu_task\",\"task_type\":\"delete_asset\",\"request_id\":\"gt_" + uid() + "\",\"key\":\""
                        + k + "\",\"sender_fd\":42,\"payload\":{\"id\":\"77\",\"license_key\":\"" + k + "\"}}",
                // upload while the GPU was offline: a file on the legacy API host
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"upload_asset\",\"request_id\":\"upload_asset_" + uid()
                        + "\",\"key\":\"" + k + "\",\"sender_fd\":0,\"payload\":{\"file_path\":\"/srv/runtime/"
                        + "asset_uploads/asset_1.wav\",\"asset_type\":\"voice\",\"name\":\"v\",\"license_key\":\"" + k
                        + "\",\"original_filename\":\"v.wav\"}}",
                // HeyGem synthesis
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"heygem_submit\",\"request_id\":\"heygem_" + uid()
                        + "\",\"key\":\"" + k + "\",\"sender_fd\":0,\"payload\":{\"audio_hash\":\"0123456789abcdef0123"
                        + "456789abcdef\",\"video_hash\":\"fedcba9876543210fedcba9876543210\",\"task_id\":\"heygem_x\"}}",
                // a type nobody knows
                "{\"type\":\"gpu.job.submit\",\"task_type\":\"voice_clone\",\"request_id\":\"vc_" + uid() + "\","
                        + "\"key\":\"" + k + "\",\"sender_fd\":0,\"payload\":{\"text\":\"hi\"}}",
                // ws_worker work: video to text, twice the same frame (no request id), and ChatGLM video
                "{\"type\":\"url\",\"url\":\"https://v.example/1\",\"key\":\"" + k + "\"}",
                "{\"type\":\"url\",\"url\":\"https://v.example/1\",\"key\":\"" + k + "\"}",
                "{\"type\":\"chatglm_video\",\"content\":\"a cat\",\"key\":\"" + k + "\",\"request_id\":\"pip_" + uid()
                        + "\",\"sender_fd\":3}",
                "{\"type\":\"chatglm_video\",\"content\":\"a dog\",\"key\":\"" + k + "\",\"sender_fd\":3}",
                // the batch envelope ws_client accepts
                "{\"type\":\"gpu.job.dispatch.batch\",\"data\":{\"jobs\":[{\"type\":\"gpu.job.submit\",\"task_type\":"
                        + "\"delete_asset\",\"request_id\":\"del_asset_b1_" + uid() + "\",\"key\":\"" + k + "\","
                        + "\"sender_fd\":0,\"payload\":{\"id\":5}},{\"type\":\"gpu.job.submit\",\"task_type\":"
                        + "\"delete_asset\",\"key\":\"" + k + "\",\"sender_fd\":0,\"payload\":{\"id\":6}}]}}");
    }

    private static final int TASKS_IN_EVERY_FRAME = 11;

    @Test
    void listsWithEveryLegacyTaskTypeMoveIntoKafkaRunAndASecondMigrationMovesNothing() {
        // given the legacy lists of one license and the global list
        everyLegacyFrame().forEach(frame -> redis.rpush(list, frame));
        String global = "{\"type\":\"gpu.job.submit\",\"task_type\":\"delete_asset\",\"request_id\":\"del_asset_g_"
                + uid() + "\",\"key\":\"" + license + "\",\"sender_fd\":0,\"payload\":{\"id\":9}}";
        redis.rpush("dsp:pending_tasks:__global__", global);

        // when a dry run is made, then it counts per list and type and moves nothing
        Cli.Result dry = migrate("--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out())
                .contains("10 entries, " + TASKS_IN_EVERY_FRAME + " task(s) to move")
                .contains("gpu.job.submit/delete_asset")
                .contains("gpu_task/delete_asset")
                .contains("gpu.job.submit/upload_asset")
                .contains("gpu.job.submit/heygem_submit")
                .contains("gpu.job.submit/voice_clone")
                .contains("url/url")
                .contains("chatglm_video/chatglm_video")
                .contains("dry run: " + (TASKS_IN_EVERY_FRAME + 1) + " task(s) would move");
        assertThat(redis.llen(list)).isEqualTo(10);
        assertThat(Tenant.tasks(license)).isEmpty();

        // when it runs, then every task is in the license's topic once, and Redis is empty
        Cli.Result run = migrate();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(redis.llen(list)).isZero();
        assertThat(redis.llen("dsp:pending_tasks:__global__")).isZero();
        List<TaskCopy> moved = Tenant.tasks(license);
        assertThat(moved).hasSize(TASKS_IN_EVERY_FRAME + 1);
        assertThat(moved.stream().map(TaskCopy::requestId).distinct()).hasSize(TASKS_IN_EVERY_FRAME + 1);
        assertThat(moved)
                .allSatisfy(c -> assertThat(c.task().getOrigin().getChannel()).isEqualTo(TaskChannel.OPS));
        assertThat(moved.stream().map(c -> c.task().getTaskType()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "delete_asset", "upload_asset", "heygem_submit", "voice_clone", "url", "chatglm_video");
        // ws_worker's url / chatglm_video entries go into the automation lane, everything else into the GPU lane
        assertThat(moved)
                .allSatisfy(c -> assertThat(c.topic())
                        .isEqualTo(TenantTopics.forTask(c.task()).name())
                        .startsWith(Lane.of(c.task().getTaskType()).tenantPrefix()));
        assertThat(moved)
                .filteredOn(c -> Lane.of(c.task().getTaskType()) == Lane.AUTOMATION)
                .hasSize(4);
        Set<String> ids = moved.stream()
                .filter(c -> Lane.of(c.task().getTaskType()) == Lane.GPU)
                .map(TaskCopy::requestId)
                .collect(Collectors.toSet());
        Set<String> automationIds = moved.stream()
                .filter(c -> Lane.of(c.task().getTaskType()) == Lane.AUTOMATION)
                .map(TaskCopy::requestId)
                .collect(Collectors.toSet());

        // and each GPU task is accepted, released by the dispatcher and ended by the worker, while the automation
        // tasks wait queued (no automation worker is online: the GPU worker is never given them)
        await().atMost(LONG).untilAsserted(() -> {
            for (String id : automationIds) {
                assertThat(typesOf(id)).as(id).contains(TaskEventType.ACCEPTED, TaskEventType.QUEUED);
            }
            for (String id : ids) {
                assertThat(typesOf(id)).as(id).contains(TaskEventType.ACCEPTED, TaskEventType.DISPATCHED);
                assertThat(typesOf(id)).as(id).anyMatch(TaskEvents::isTerminal);
            }
        });
        assertThat(events.values())
                .filteredOn(e -> ids.contains(e.getRequestId()) && e.getType() == TaskEventType.SUCCEEDED)
                .extracting(TaskEvent::getTaskType)
                .contains("delete_asset");
        for (String id : automationIds) {
            assertThat(typesOf(id)).as(id).doesNotContain(TaskEventType.DISPATCHED, TaskEventType.STARTED);
        }

        // when it runs again, then nothing moves twice
        Cli.Result again = migrate();
        assertThat(again.out()).contains("no legacy pending lists");
        assertThat(Tenant.tasks(license)).hasSize(TASKS_IN_EVERY_FRAME + 1);
    }

    @Test
    void aCrashBetweenKafkaAndTheRemovalFromRedisMovesNothingTwice() {
        // given a migration that wrote everything to Kafka
        everyLegacyFrame().forEach(frame -> redis.rpush(list, frame));
        assertThat(migrate().code()).isZero();
        List<TaskCopy> first = Tenant.tasks(license);

        // when the entries are back in Redis as if the run had died before removing them
        restoreAsIfNotRemoved();
        Cli.Result rerun = migrate();

        // then nothing is written twice and the list is emptied
        assertThat(rerun.code()).as(rerun.toString()).isZero();
        assertThat(rerun.out()).contains("0 task(s) moved, " + TASKS_IN_EVERY_FRAME + " already in Kafka");
        assertThat(redis.llen(list)).isZero();
        assertThat(Tenant.tasks(license)).hasSameSizeAs(first);
    }

    @Test
    void aGlobalEntryWithoutALicenseStaysInRedisUntilOneIsGiven() {
        String frame = "{\"type\":\"url\",\"url\":\"https://v.example/g\"}";
        redis.rpush("dsp:pending_tasks:__global__", frame);

        Cli.Result without = migrate();
        assertThat(without.code()).isEqualTo(1);
        assertThat(without.out()).contains("left in Redis: entry 0: global list entry names no license");
        assertThat(redis.llen("dsp:pending_tasks:__global__")).isEqualTo(1);

        Cli.Result with = migrate("--global-license=" + license);
        assertThat(with.code()).as(with.toString()).isZero();
        assertThat(redis.llen("dsp:pending_tasks:__global__")).isZero();
        assertThat(Tenant.tasks(license))
                .singleElement()
                .satisfies(c -> assertThat(c.task().getTaskType()).isEqualTo("url"));
    }

    /** What the lists held before the last run, with the removal counter undone: a crash after Kafka's ack. */
    private void restoreAsIfNotRemoved() {
        List<String> frames = lastFrames;
        frames.forEach(f -> redis.rpush(list, f));
        redis.decrby("dsp:migrated:pending_tasks:" + license, frames.size());
    }

    private List<String> lastFrames = List.of();

    private Cli.Result migrate(String... extra) {
        lastFrames = redis.lrange(list, 0, -1);
        String[] args = new String[extra.length + 2];
        args[0] = "migrate-legacy";
        args[1] = "--redis-url=redis://" + RedisTestServer.get().host() + ":"
                + RedisTestServer.get().port();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return Cli.run(args);
    }

    private static String uid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<TaskEventType> typesOf(String requestId) {
        return events.values().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .map(TaskEvent::getType)
                .toList();
    }
}
