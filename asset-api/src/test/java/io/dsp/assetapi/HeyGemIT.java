package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.md5;
import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.Licenses;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@AssetApiIntegrationTest
class HeyGemIT {

    @LocalServerPort
    int port;

    String license;
    ApiClient app;

    @BeforeEach
    void provisionALicense() {
        license = "heygem-" + UUID.randomUUID();
        app = LicensedApp.provision(base(), license);
    }

    @Test
    void aSubmissionWhileTheFleetIsOffIsQueuedAndItsStatusFollowsTheTaskToItsResult() {
        String audio = stage(randomBytes(500), "a.wav");
        String video = stage(randomBytes(700), "v.mp4");

        ApiClient.Answer submitted = app.postJson(
                "/api/heygem/task/submit", "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + video + "\"}");

        assertThat(submitted.code()).as(submitted.body().toString()).isZero();
        assertThat(submitted.msg()).isEqualTo("已排队");
        String taskId = submitted.data().path("task_id").asString();
        assertThat(taskId).startsWith("heygem_");
        assertThat(submitted.data().path("status").asString()).isEqualTo("queued");
        assertThat(submitted.data().path("msg").asString()).isEqualTo("GPU 服务器未上线，任务已排队，服务器启动后自动执行（约2分钟）");
        TaskRequested task = TestKafka.tasksOf(license).get(0);
        assertThat(task.getRequestId()).isEqualTo(taskId);
        assertThat(task.getPayload()).isEqualTo(new HeyGemSubmitPayload(audio, ".wav", video, ".mp4"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status =
                    app.get("/api/heygem/task/status?task_id=" + taskId).data();
            assertThat(status.path("status").asString()).isEqualTo("queued");
            assertThat(status.path("done").asBoolean()).isFalse();
        });

        Instant now = Instant.now();
        TestKafka.publish(
                Topics.TASK_EVENTS,
                taskId,
                TaskEvents.about(task, TaskEventType.STARTED, "gpu-consumer", now)
                        .setWorkerId("w1")
                        .build());
        TestKafka.publish(
                Topics.TASK_EVENTS,
                taskId,
                TaskEvents.about(task, TaskEventType.PROGRESS, "gpu-consumer", now.plusMillis(1))
                        .setProgress(new TaskProgress("synthesizing", 40, "合成中 40/100 帧 (40%)", 100, 40))
                        .build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status =
                    app.get("/api/heygem/task/status?task_id=" + taskId).data();
            assertThat(status.path("status").asString()).isEqualTo("processing");
            assertThat(status.path("progress").asInt()).isEqualTo(40);
            assertThat(status.path("message").asString()).isEqualTo("合成中 40/100 帧 (40%)");
        });

        TestKafka.publish(
                Topics.TASK_EVENTS,
                taskId,
                TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", now.plusMillis(2))
                        .setResultJson("{\"task_id\":\"" + taskId + "\",\"video_url\":\"/api/v1/results/x.mp4\"}")
                        .build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status =
                    app.get("/api/heygem/task/status?task_id=" + taskId).data();
            assertThat(status.path("status").asString()).isEqualTo("done");
            assertThat(status.path("done").asBoolean()).isTrue();
            assertThat(status.path("progress").asInt()).isEqualTo(100);
            assertThat(status.path("result_url").asString()).isEqualTo("/api/v1/results/x.mp4");
            assertThat(status.path("request_id").asString()).isEqualTo(taskId);
            assertThat(status.path("created_at").asLong()).isPositive();
        });
    }

    @Test
    void aFailedTaskReportsItsErrorAndAnotherLicenseCannotSeeIt() {
        String audio = stage(randomBytes(300), "a.wav");
        String video = stage(randomBytes(300), "v.mp4");
        String taskId = app.postJson(
                        "/api/heygem/task/submit",
                        "{\"audio_hash\":\"" + audio + "\",\"audio_ext\":\".mp3\",\"video_hash\":\"" + video + "\"}")
                .data()
                .path("task_id")
                .asString();
        TaskRequested task = TestKafka.tasksOf(license).get(0);
        assertThat(((HeyGemSubmitPayload) task.getPayload()).getAudioExt()).isEqualTo(".mp3");
        TestKafka.publish(
                Topics.TASK_EVENTS,
                taskId,
                TaskEvents.about(task, TaskEventType.FAILED, "gpu-consumer", Instant.now())
                        .setError(new TaskError("ENGINE", "合成失败: format video error"))
                        .build());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status =
                    app.get("/api/heygem/task/status?task_id=" + taskId).data();
            assertThat(status.path("status").asString()).isEqualTo("error");
            assertThat(status.path("done").asBoolean()).isTrue();
            assertThat(status.path("error_msg").asString()).isEqualTo("合成失败: format video error");
        });
        String other = "heygem-other-" + UUID.randomUUID();
        Licenses.provisionActive(other);
        ApiClient intruder = ApiClient.forLicense(base(), other, "m9");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(intruder.get("/api/heygem/task/status?task_id=" + taskId)
                                .msg())
                        .isEqualTo("任务不存在或已过期"));
        assertThat(intruder.get("/api/v1/tasks/" + taskId).status()).isEqualTo(404);
    }

    @Test
    void theOlderAppsProxiedSubmitIsAnsweredFlatAndQueuesNothingWhenRefused() {
        ApiClient.Answer bad = app.postJson("/api/heygem/task/proxy", "{\"audio_hash\":\"\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("code").asInt()).isEqualTo(-1);
        assertThat(bad.body().path("msg").asString()).isEqualTo("参数错误");

        String audio = stage(randomBytes(300), "a.wav");
        String video = stage(randomBytes(300), "v.mp4");
        String body = "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + video + "\"}";
        ApiClient.Answer queued = app.postJson("/api/heygem/task/proxy", body);

        assertThat(queued.status()).isEqualTo(200);
        JsonNode flat = queued.body();
        assertThat(flat.path("code").asInt()).isZero();
        assertThat(flat.path("msg").asString()).isEqualTo("GPU 服务器离线，任务已排队");
        assertThat(flat.path("status").asString()).isEqualTo("queued");
        assertThat(flat.has("data")).as("flat, not enveloped").isFalse();
        String taskId = flat.path("task_id").asString();
        assertThat(taskId)
                .startsWith("heygem_")
                .isEqualTo(flat.path("request_id").asString());
        assertThat(TestKafka.tasksOf(license))
                .singleElement()
                .extracting(TaskRequested::getRequestId)
                .isEqualTo(taskId);

        ApiClient.Answer again = app.postJson("/api/heygem/task/proxy", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("msg").asString()).matches("任务处理中，请等待完成（已用时 \\d+秒）");
        assertThat(TestKafka.tasksOf(license)).hasSize(1);
    }

    @Test
    void oneSynthesisAtATimePerLicenseAsTheLegacyGatewayRuled() {
        String audio = stage(randomBytes(400), "a.wav");
        String body = "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + audio + "\"}";
        String first = app.postJson("/api/heygem/task/submit", body)
                .data()
                .path("task_id")
                .asString();

        ApiClient.Answer second = app.postJson("/api/heygem/task/submit", body);
        assertThat(second.code()).as(second.body().toString()).isEqualTo(1);
        assertThat(second.msg()).matches("任务处理中，请等待完成（已用时 \\d+秒）");
        ApiClient.Answer v1 =
                app.postJson("/api/v1/tasks", "{\"task_type\":\"heygem_submit\",\"payload\":" + body + "}");
        assertThat(v1.status()).isEqualTo(409);
        assertThat(TestKafka.tasksOf(license)).hasSize(1);

        TaskRequested task = TestKafka.tasksOf(license).get(0);
        TestKafka.publish(
                Topics.TASK_EVENTS,
                first,
                TaskEvents.about(task, TaskEventType.SUCCEEDED, "gpu-consumer", Instant.now())
                        .setResultJson("{}")
                        .build());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                app.postJson("/api/heygem/task/submit", body).msg())
                        .isEqualTo("已排队"));
        assertThat(TestKafka.tasksOf(license)).hasSize(2);
    }

    @Test
    void badSubmissionsGetTheLegacyMessagesAndQueueNothing() {
        String audio = stage(randomBytes(200), "a.wav");
        String unknown = md5(randomBytes(20));

        assertRefused(
                app.postJson("/api/heygem/task/submit", "{\"audio_hash\":\"" + audio + "\"}"),
                "audio_hash 和 video_hash 不能为空");
        assertRefused(
                app.postJson(
                        "/api/heygem/task/submit",
                        "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + unknown + "\"}"),
                "视频文件不存在: " + unknown + ".mp4，请先上传");
        assertRefused(
                app.postJson(
                        "/api/heygem/task/submit",
                        "{\"audio_hash\":\"" + unknown + "\",\"video_hash\":\"" + audio + "\",\"audio_ext\":\".wav\"}"),
                "音频文件不存在: " + unknown + ".wav，请先上传");
        assertRefused(
                app.postJson(
                        "/api/heygem/task/submit",
                        "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + audio + "\",\"video_ext\":\"../x\"}"),
                "文件扩展名格式错误");
        assertRefused(app.postJson("/api/heygem/task/submit", "nope"), "请求格式错误: 需要 JSON 对象");
        assertRefused(app.get("/api/heygem/task/status"), "缺少 task_id");
        assertRefused(app.get("/api/heygem/task/status?task_id=heygem_none"), "任务不存在或已过期");

        assertThat(TestKafka.tasksOf(license)).isEmpty();
    }

    @Test
    void healthAndSubmitAnswerOnlineWhileAWorkerIsPresent() {
        ApiClient.Answer offline = app.postJson("/api/heygem/health/proxy", "{}");
        assertThat(offline.body().path("code").asInt()).isEqualTo(-1);
        assertThat(offline.body().path("gpu_status").asString()).isEqualTo("offline");
        assertThat(offline.body().path("initialized").asBoolean()).isFalse();
        assertThat(offline.msg()).isEqualTo("GPU 服务器离线，正在启动...");
        String audio = stage(randomBytes(200), "a.wav");
        String worker = "heygem-it-worker-" + UUID.randomUUID();

        TestKafka.workerOnline(worker);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(app.postJson("/api/heygem/health/proxy", "{}")
                                    .body()
                                    .path("gpu_status")
                                    .asString())
                            .isEqualTo("online"));
            ApiClient.Answer online = app.postJson("/api/heygem/health/proxy", "{}");
            assertThat(online.code()).isZero();
            assertThat(online.msg()).isEqualTo("GPU 服务器在线");
            assertThat(online.body().path("initialized").asBoolean()).isTrue();
            assertThat(online.body().has("data")).isFalse();

            ApiClient.Answer submitted = app.postJson(
                    "/api/heygem/task/submit", "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + audio + "\"}");
            assertThat(submitted.msg()).isEqualTo("已提交");
            assertThat(submitted.data().path("status").asString()).isEqualTo("submitted");
            assertThat(submitted.data().path("msg").asString()).isEqualTo("任务已提交到 GPU 服务器");
        } finally {
            TestKafka.workerLeaves(worker);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(app.postJson("/api/heygem/health/proxy", "{}")
                                    .body()
                                    .path("gpu_status")
                                    .asString())
                            .isEqualTo("offline"));
        }
    }

    @Test
    void theGpuServersOwnSubmitAndHealthPathsAnswerInItsShapes() {
        ApiClient.Answer health = ApiClient.anonymous(base()).get("/api/heygem/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().has("initialized")).isTrue();
        String audio = stage(randomBytes(350), "a.wav");
        String video = stage(randomBytes(360), "v.mp4");

        ApiClient.Answer submitted = app.postJson(
                "/api/heygem/submit", "{\"audio_hash\":\"" + audio + "\",\"video_hash\":\"" + video + "\"}");

        assertThat(submitted.status()).isEqualTo(200);
        assertThat(submitted.code()).as(submitted.body().toString()).isZero();
        assertThat(submitted.msg()).isEqualTo("任务已提交");
        assertThat(submitted.data().path("task_id").asString()).startsWith("heygem_");
        assertThat(submitted.data().path("queue").has("max_concurrent")).isTrue();
        assertThat(TestKafka.tasksOf(license)).hasSize(1);
        String missing = "0".repeat(32);
        ApiClient.Answer refused = app.postJson(
                "/api/heygem/submit", "{\"audio_hash\":\"" + missing + "\",\"video_hash\":\"" + video + "\"}");
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.code()).isEqualTo(404);
        assertThat(refused.msg()).isEqualTo("音频文件不存在: " + missing + ".wav，请先上传");
        assertThat(TestKafka.tasksOf(license)).hasSize(1);
    }

    private String stage(byte[] content, String filename) {
        ApiClient.Answer answer = Http.multipart(
                base() + "/api/heygem/upload_file",
                Http.licenseHeaders(license, "m1"),
                Part.file("file", filename, content),
                Part.field("hash", md5(content)));
        assertThat(answer.code()).as(answer.body().toString()).isZero();
        return answer.data().path("hash").asString();
    }

    private static void assertRefused(ApiClient.Answer answer, String message) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.code()).as(answer.body().toString()).isEqualTo(1);
        assertThat(answer.msg()).isEqualTo(message);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
