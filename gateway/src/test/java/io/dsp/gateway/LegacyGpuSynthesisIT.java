package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.intake.ClientRequestIds;
import io.dsp.core.store.ResultStore;
import io.dsp.gateway.support.AssetBlobs;
import io.dsp.gateway.support.FakeLegacyWorker;
import io.dsp.gateway.support.KafkaProbe;
import io.dsp.gateway.support.Tasks;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.LegacySocket;
import io.dsp.testkit.Licenses;
import io.dsp.testkit.legacy.HeyGemServerReplica;
import io.dsp.testkit.legacy.LegacyGpuWorkerReplica;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An unchanged HeyGem server behind the bridge: the replica of its HTTP API, and a worker speaking {@code ws_client.py}'s
 * exact frames (register with {@code version}, answer at acceptance, progress pushes only for keyed tasks, no completion
 * frame). The files the apps uploaded live in asset-api's blob store (a local stand-in of its blob route), never in the
 * GPU's pool beforehand.
 */
@GatewayIntegrationTest
class LegacyGpuSynthesisIT {

    private static final String FLEET_TOKEN = "fleet-" + UUID.randomUUID();
    private static final HeyGemServerReplica GPU = HeyGemServerReplica.start(HeyGemServerReplica.Options.defaults()
            .withMaxConcurrent(3)
            .withSynthesisTime(Duration.ofMillis(1500))
            .withProgressSteps(3)
            .withContentCache(true));
    private static final AssetBlobs BLOBS = AssetBlobs.start(FLEET_TOKEN);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void legacyGpu(DynamicPropertyRegistry registry) {
        // the worker connects from 127.0.0.1; its GPU's HTTP API is the replica's port, not the default 8383
        registry.add(
                "dsp.gateway.legacy-gpu.servers.[127.0.0.1]", () -> GPU.url().toString());
        registry.add("dsp.gateway.legacy-gpu.asset-api-url", () -> BLOBS.url().toString());
        registry.add("dsp.gateway.legacy-gpu.poll-interval", () -> "300ms");
        registry.add("dsp.fleet.token", () -> FLEET_TOKEN);
        registry.add("dsp.results.links.secret", () -> "link-secret-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        GPU.close();
        BLOBS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ResultStore results;

    URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/dsp");
    }

    /**
     * A worker's slots close a moment after its socket, and a slot still polling may acquire a task dispatched meanwhile
     * and give it back by closing, which burns a delivery: each test starts once the last test's slots have left.
     */
    @BeforeEach
    void startWithoutLegacySlots() {
        FakeLegacyWorker.awaitSlotsGone();
    }

    @Test
    void aSynthesisSubmittedOverTheSocketEndsWithTheGpusVideoStoredAndALinkInTheClientsResultFrame() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        Licenses.provisionActive(license);
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String requestId = "heygem_" + UUID.randomUUID();
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU);
                LegacySocket client = LegacySocket.connect(url().toString())) {
            client.next();
            client.send("{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"mobile\"}")
                    .next();
            client.send("{\"type\":\"gpu.job.submit\",\"task_type\":\"heygem_submit\",\"request_id\":\"" + requestId
                    + "\",\"payload\":{\"audio_hash\":\"" + audio + "\",\"audio_ext\":\".wav\",\"video_hash\":\""
                    + video + "\",\"video_ext\":\".mp4\",\"task_id\":\"" + requestId + "\"}}");
            KafkaProbe.forward(TenantTopics.topicName(license), TenantTopics.forLicense(license), 1);

            List<JsonNode> frames = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode frame = client.next();
                if (requestId.equals(frame.path("request_id").asString(""))
                        || requestId.equals(frame.path("task_id").asString(""))) {
                    frames.add(frame);
                }
                return frames.stream()
                                .filter(f -> f.path("type").asString().equals("gpu_task_result"))
                                .count()
                        == 1;
            });

            // the files went into the GPU's pool through its own API before the task reached the worker
            assertThat(GPU.pooled(audio, ".wav")).isTrue();
            assertThat(GPU.pooled(video, ".mp4")).isTrue();
            assertThat(GPU.calls()).contains("POST /api/heygem/check_files", "POST /api/heygem/upload_file");

            List<String> types =
                    frames.stream().map(f -> f.path("type").asString()).toList();
            assertThat(types).contains("gpu.task.progress");
            assertThat(types.subList(types.size() - 2, types.size()))
                    .containsExactly("gpu.job.result", "gpu_task_result");
            assertThat(frames.stream().filter(f -> f.path("type").asString().equals("gpu.task.progress")))
                    .allSatisfy(f -> assertThat(f.path("status").asString()).isNotIn("done", "error"));
            JsonNode result = frames.get(frames.size() - 2).path("result");
            assertThat(result.path("task_id").asString()).isEqualTo(requestId);
            assertThat(result.path("content_type").asString()).isEqualTo("video/mp4");
            assertThat(result.path("result_url").asString())
                    .startsWith("http://127.0.0.1:8080/api/heygem/download?task_id="
                            + ClientRequestIds.scoped(license, requestId) + "&expires=");

            TaskEvent succeeded = ended(ClientRequestIds.scoped(license, requestId));
            assertThat(succeeded.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            String gpuTaskId = JSON.readTree(succeeded.getResultJson())
                    .path("engine_task_id")
                    .asString();
            byte[] expected = GPU.expectedResult(gpuTaskId);
            assertThat(succeeded.getStored().getSha256()).isEqualTo(sha256(expected));
            assertThat(succeeded.getStored().getSize()).isEqualTo(expected.length);
            assertThat(result.path("sha256").asString()).isEqualTo(sha256(expected));
            try (InputStream stored = results.open(succeeded.getStored().getSha256(), 0)) {
                assertThat(stored.readAllBytes()).isEqualTo(expected);
            }
        }
    }

    @Test
    void tenQueuedSynthesesNeverPutMoreThanItsSlotsOnTheGpuAndAllSucceed() {
        String license = "LIC-" + UUID.randomUUID();
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        // each its own audio: the same pair again would be answered from the GPU's content cache
        List<TaskRequested> tasks = IntStream.range(0, 10)
                .mapToObj(i -> Tasks.heyGemSubmit(
                        license,
                        BLOBS.put(("voice " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)),
                        video))
                .toList();
        Set<String> ids = tasks.stream().map(TaskRequested::getRequestId).collect(Collectors.toSet());
        // ws_client.py registers without "slots": the gateway's default of 3, the GPU's max_concurrent
        // no progress pushes (what the spec infers from the code): the bridge follows by polling
        // the GPU is shared by this class's tests: one an earlier test left running would take a GPU slot too
        await("the GPU has finished the earlier tests' syntheses")
                .atMost(Duration.ofSeconds(60))
                .until(() -> GPU.unfinished() == 0);
        try (LegacyGpuWorkerReplica worker =
                LegacyGpuWorkerReplica.connect(url(), GPU, LegacyGpuWorkerReplica.Options.inferredFromCode())) {
            KafkaProbe.dispatch(tasks);
            List<TaskEvent> ends = KafkaProbe.values(
                    Topics.TASK_EVENTS, 10, Duration.ofSeconds(120), e -> ids.contains(e.getRequestId()) && ended(e));
            assertThat(ends).hasSize(10).allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo(TaskEventType.SUCCEEDED);
                assertThat(e.getStored()).isNotNull();
            });
            assertThat(GPU.maxProcessingSeen()).isLessThanOrEqualTo(3);
            // at each acceptance the GPU held at most 3 syntheses, the new one included: none waited for a GPU slot
            List<JsonNode> acceptances = worker.sent("gpu.job.result").stream()
                    .filter(f -> ids.contains(f.path("request_id").asString()))
                    .toList();
            assertThat(acceptances).hasSize(10).allSatisfy(f -> {
                JsonNode queue = f.path("result").path("queue");
                assertThat(queue.path("processing").asInt()
                                + queue.path("queued").asInt())
                        .isLessThanOrEqualTo(3);
            });
        }
    }

    @Test
    void theSeedGuidesProgressResultsAreProgressAndTheRealResultStillLands() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        TaskRequested task = Tasks.heyGemSubmit(license, audio, video);
        try (LegacyGpuWorkerReplica worker =
                LegacyGpuWorkerReplica.connect(url(), GPU, LegacyGpuWorkerReplica.Options.inferredFromCode())) {
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.sent("gpu.job.result").stream()
                            .anyMatch(f -> f.path("request_id").asString().equals(task.getRequestId())));
            // send_result(task_type="progress", result={"progress": i, "total": 100}) while the synthesis runs
            for (int i = 0; i < 50; i += 10) {
                worker.sendSeedProgress(task.getRequestId(), i, 100);
            }
            TaskEvent end = ended(task.getRequestId());
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(end.getStored().getSha256()).isEqualTo(sha256(GPU.expectedResult(task.getRequestId())));
            List<TaskEvent> events = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    100,
                    Duration.ofSeconds(3),
                    e -> e.getRequestId().equals(task.getRequestId()));
            assertThat(events.stream()
                            .filter(e -> e.getType() == TaskEventType.PROGRESS)
                            .map(e -> e.getProgress().getPercent()))
                    .contains(10, 20, 30, 40);
            assertThat(events.stream().filter(LegacyGpuSynthesisIT::ended)).hasSize(1);
        }
    }

    @Test
    void aSynthesisErrorOnTheGpuEndsFailedWithItsMessage() {
        String license = "LIC-" + UUID.randomUUID();
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        TaskRequested task = Tasks.heyGemSubmit(license, audio, video);
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            GPU.failNext("format video error");
            KafkaProbe.dispatch(List.of(task));
            TaskEvent end = ended(task.getRequestId());
            assertThat(end.getType()).isEqualTo(TaskEventType.FAILED);
            assertThat(end.getError().getMessage()).contains("format video error");
        }
    }

    @Test
    void aFileNeitherTheGpuNorAssetApiHasFailsWithTheGpusOwnMessageAndNeverReachesTheWorker() {
        String license = "LIC-" + UUID.randomUUID();
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String nowhere = AssetBlobs.md5(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        TaskRequested task = Tasks.heyGemSubmit(license, nowhere, video);
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            KafkaProbe.dispatch(List.of(task));
            TaskEvent end = ended(task.getRequestId());
            assertThat(end.getType()).isEqualTo(TaskEventType.FAILED);
            assertThat(end.getError().getMessage()).isEqualTo("音频文件不存在: " + nowhere + ".wav");
            assertThat(worker.received())
                    .noneMatch(f -> f.path("request_id").asString().equals(task.getRequestId()));
        }
    }

    @Test
    void anUploadedAssetReachesTheGpuThroughItsPoolAndTheWorkerReadsItFromThePathTheGpuGave() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        byte[] voice = ("voice sample " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String md5 = BLOBS.put(voice);
        TaskRequested task = Tasks.uploadAsset(license, 77, md5, ".wav", voice.length);
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            KafkaProbe.dispatch(List.of(task));
            TaskEvent end = ended(task.getRequestId());
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(JSON.readTree(end.getResultJson()).path("msg").asString())
                    .isEqualTo("上传成功");
            JsonNode job = worker.received().stream()
                    .filter(f -> f.path("request_id").asString().equals(task.getRequestId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(job.path("payload").path("file_path").asString()).endsWith(md5 + ".wav");
            assertThat(GPU.assets()).anySatisfy(a -> assertThat(a.licenseKey()).isEqualTo(license));
        }
    }

    /**
     * ws_client.py reconnects after a drop in the same process, which remembers every request id it took and drops a
     * second {@code gpu.job.submit} of one (spec 2.9): the delivery after the drop finds the synthesis on the GPU and
     * follows it there. Handed over again, it would never be answered, and the task would fail after the task timeout
     * (an hour) with the GPU's video made. (The new delivery first waits for the old attempt, open on a worker id that
     * is gone, so the GPU has finished by then: following a synthesis still running is the path a slot takes after
     * its own hand-over, covered above.)
     */
    @Test
    void aSynthesisWhoseWorkerReconnectsMidwayIsFollowedOnTheGpuAndNeitherHandedOverNorSynthesisedTwice()
            throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        TaskRequested task = Tasks.heyGemSubmit(license, audio, video);
        String requestId = task.getRequestId();
        try (LegacyGpuWorkerReplica worker =
                LegacyGpuWorkerReplica.connect(url(), GPU, LegacyGpuWorkerReplica.Options.inferredFromCode())) {
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.sent("gpu.job.result").stream()
                            .anyMatch(f -> f.path("request_id").asString().equals(requestId)));

            // the socket drops while the GPU synthesises; the client registers again on a new connection
            worker.reconnect();

            TaskEvent end = ended(requestId);
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(end.getStored().getSha256()).isEqualTo(sha256(GPU.expectedResult(requestId)));
            List<TaskEvent> events = KafkaProbe.values(
                    Topics.TASK_EVENTS,
                    100,
                    Duration.ofSeconds(3),
                    e -> e.getRequestId().equals(requestId));
            assertThat(events)
                    .as("a second attempt, after the drop")
                    .filteredOn(e -> e.getType() == TaskEventType.STARTED)
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(events).filteredOn(LegacyGpuSynthesisIT::ended).hasSize(1);
            assertThat(worker.received())
                    .as("handed to the worker once")
                    .filteredOn(f -> f.path("request_id").asString("").equals(requestId))
                    .hasSize(1);
            assertThat(GPU.syntheses(requestId)).as("synthesised once").isEqualTo(1);
        }
    }

    /**
     * A synthesis the GPU answered from its content cache (the same audio and video made before) is known there under
     * the cache key, not its request id: delivered again after its answer was lost with the socket, it takes the cached
     * video instead of being handed over again, which the same client process would drop (the task would fail after
     * the task timeout).
     */
    @Test
    void aCacheHitWhoseAnswerWasLostWithTheSocketTakesTheCachedVideoOnItsNextDelivery() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        TaskRequested first = Tasks.heyGemSubmit(license, audio, video);
        TaskRequested again = Tasks.heyGemSubmit(license, audio, video);
        String cacheKey = HeyGemServerReplica.md5((audio + "_" + video).getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            KafkaProbe.dispatch(List.of(first));
            assertThat(ended(first.getRequestId()).getType()).isEqualTo(TaskEventType.SUCCEEDED);
            worker.dropBeforeAnswering(again.getRequestId());
            KafkaProbe.dispatch(List.of(again));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.dropped().stream()
                            .anyMatch(f -> f.path("request_id").asString("").equals(again.getRequestId())));

            // the client comes back in the same process, which has taken the request id (once the dropped
            // connection's slots have left, so that none of them burns a delivery of the task given back)
            FakeLegacyWorker.awaitSlotsGone();
            worker.reconnect();

            TaskEvent end = ended(again.getRequestId());
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(end.getStored().getSha256()).isEqualTo(sha256(GPU.expectedResult(first.getRequestId())));
            JsonNode result = JSON.readTree(end.getResultJson());
            assertThat(result.path("engine_task_id").asString()).isEqualTo(cacheKey);
            assertThat(result.path("cached").asBoolean()).isTrue();
            assertThat(worker.received())
                    .as("handed to the worker once")
                    .filteredOn(f -> f.path("request_id").asString("").equals(again.getRequestId()))
                    .hasSize(1);
        }
    }

    /**
     * The same client process drops a {@code delete_asset} it has taken, so the delivery after a socket drop that lost
     * its answer is done over the GPU's HTTP API (idempotent) instead of handed over again: it would never be answered,
     * and the task would fail after the task timeout.
     */
    @Test
    void aDeleteWhoseAnswerWasLostWithTheSocketIsDoneOverTheGpusHttpApiOnItsNextDelivery() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        TaskRequested task = Tasks.deleteAsset(license, 4242);
        String requestId = task.getRequestId();
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            worker.dropBeforeAnswering(requestId);
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.dropped().stream()
                            .anyMatch(f -> f.path("request_id").asString("").equals(requestId)));

            // the client comes back in the same process, which has taken the request id (once the dropped
            // connection's slots have left, so that none of them burns a delivery of the task given back)
            FakeLegacyWorker.awaitSlotsGone();
            worker.reconnect();

            TaskEvent end = ended(requestId);
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(JSON.readTree(end.getResultJson()).path("msg").asString())
                    .isEqualTo("删除成功");
            assertThat(end.getDeliveryCount()).isGreaterThanOrEqualTo(2);
            assertThat(GPU.calls()).contains("POST /api/asset/delete");
            assertThat(worker.received())
                    .as("handed to the worker once")
                    .filteredOn(f -> f.path("request_id").asString("").equals(requestId))
                    .hasSize(1);
        }
    }

    /**
     * A delete whose earlier workers all went away with it is no task that kills workers once it is done over the GPU's
     * HTTP API: no worker is involved, so it is not quarantined (a flaky link would otherwise dead-letter it).
     */
    @Test
    void aDeleteWhoseEarlierWorkersAllWentAwayIsDoneOverTheGpusHttpApiNotQuarantined() throws Exception {
        TaskRequested task = Tasks.deleteAsset("LIC-" + UUID.randomUUID(), 4343);
        String requestId = task.getRequestId();
        KafkaProbe.events(List.of(startedOn(task, "gpu-gone-1", 1), startedOn(task, "gpu-gone-2", 2)));
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            KafkaProbe.dispatch(List.of(task));

            TaskEvent end = ended(requestId);
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(JSON.readTree(end.getResultJson()).path("msg").asString())
                    .isEqualTo("删除成功");
            assertThat(worker.received())
                    .noneMatch(f -> f.path("request_id").asString("").equals(requestId));
        }
    }

    private static TaskEvent startedOn(TaskRequested task, String workerId, int delivery) {
        return TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", java.time.Instant.now())
                .setWorkerId(workerId)
                .setDeliveryCount(delivery)
                .build();
    }

    /**
     * The same for an {@code upload_asset}: the delivery after the drop uploads over the GPU's HTTP API, which answers
     * with the row the worker stored before its answer was lost (spec 4.5), so the license has the asset once and the
     * task ends with the worker's answer.
     */
    @Test
    void anUploadWhoseAnswerWasLostWithTheSocketIsDoneOverTheGpusHttpApiWithoutASecondAsset() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        byte[] voice = ("voice sample " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String md5 = BLOBS.put(voice);
        TaskRequested task = Tasks.uploadAsset(license, 78, md5, ".wav", voice.length);
        String requestId = task.getRequestId();
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            worker.dropBeforeAnswering(requestId);
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.dropped().stream()
                            .anyMatch(f -> f.path("request_id").asString("").equals(requestId)));

            // the client comes back in the same process, which has taken the request id (once the dropped
            // connection's slots have left, so that none of them burns a delivery of the task given back)
            FakeLegacyWorker.awaitSlotsGone();
            worker.reconnect();

            TaskEvent end = ended(requestId);
            assertThat(end.getType()).isEqualTo(TaskEventType.SUCCEEDED);
            assertThat(end.getDeliveryCount()).isGreaterThanOrEqualTo(2);
            List<HeyGemServerReplica.Asset> stored = GPU.assets().stream()
                    .filter(a -> a.licenseKey().equals(license))
                    .toList();
            assertThat(stored).as("the license's assets").hasSize(1);
            JsonNode answer = JSON.readTree(end.getResultJson());
            assertThat(answer.path("id").asLong()).isEqualTo(stored.get(0).id());
            assertThat(answer.path("name").asString()).isEqualTo("my voice");
            assertThat(answer.path("msg").asString()).isEqualTo("上传成功");
            assertThat(GPU.calls()).contains("POST /api/asset/upload");
            assertThat(worker.received())
                    .as("handed to the worker once")
                    .filteredOn(f -> f.path("request_id").asString("").equals(requestId))
                    .hasSize(1);
        }
    }

    @Test
    void aSynthesisTheGpuForgetsWhenItRestartsIsGivenBackWithItsAttemptClosedAndRunsAgain() throws Exception {
        String license = "LIC-" + UUID.randomUUID();
        String audio = BLOBS.put(("voice " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String video = BLOBS.put(("face " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        TaskRequested task = Tasks.heyGemSubmit(license, audio, video);
        try (LegacyGpuWorkerReplica worker = LegacyGpuWorkerReplica.connect(url(), GPU)) {
            KafkaProbe.dispatch(List.of(task));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.sent("gpu.job.result").stream()
                            .anyMatch(f -> f.path("request_id").asString().equals(task.getRequestId())));

            // the GPU restarts: its tasks lived in its memory only
            GPU.forgetTasks();

            // the slot gives the task back and says so, which closes its attempt for every ledger (the next delivery
            // need not wait for it), and the task is delivered again
            List<TaskEvent> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                events.clear();
                events.addAll(KafkaProbe.values(
                        Topics.TASK_EVENTS,
                        100,
                        Duration.ofSeconds(2),
                        e -> e.getRequestId().equals(task.getRequestId())));
                return events.stream()
                                .filter(e -> e.getType() == TaskEventType.STARTED)
                                .count()
                        >= 2;
            });
            TaskEvent givenBack = events.stream()
                    .filter(e -> e.getType() == TaskEventType.PROGRESS && e.getError() != null)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no give-back event among " + events));
            assertThat(givenBack.getError().getCode()).isEqualTo("GIVEN_BACK");
            assertThat(givenBack.getError().getMessage()).contains("no longer knows");
            assertThat(givenBack.getProgress().getStatus()).isEqualTo("queued");
            List<Integer> starts = events.stream()
                    .filter(e -> e.getType() == TaskEventType.STARTED)
                    .map(TaskEvent::getDeliveryCount)
                    .toList();
            // written by the attempt it closes, before the next one started
            assertThat(givenBack.getDeliveryCount()).isEqualTo(starts.get(0));
            assertThat(starts.get(1)).isGreaterThan(starts.get(0));
            assertThat(events.indexOf(givenBack))
                    .isLessThan(events.lastIndexOf(events.stream()
                            .filter(e -> e.getType() == TaskEventType.STARTED)
                            .reduce((a, b) -> b)
                            .orElseThrow()));
        }
    }

    private static TaskEvent ended(String requestId) {
        List<TaskEvent> ends = KafkaProbe.values(
                Topics.TASK_EVENTS,
                1,
                Duration.ofSeconds(60),
                e -> e.getRequestId().equals(requestId) && ended(e));
        assertThat(ends).as("an end of " + requestId).hasSize(1);
        return ends.get(0);
    }

    private static boolean ended(TaskEvent e) {
        return switch (e.getType()) {
            case SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED -> true;
            default -> false;
        };
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
