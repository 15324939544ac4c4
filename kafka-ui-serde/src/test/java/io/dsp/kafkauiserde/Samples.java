package io.dsp.kafkauiserde;

import io.dsp.schemas.avro.AssetRecord;
import io.dsp.schemas.avro.AssetType;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import io.dsp.schemas.avro.DeleteAssetPayload;
import io.dsp.schemas.avro.DeviceBinding;
import io.dsp.schemas.avro.HeyGemSubmitPayload;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.QueueFacts;
import io.dsp.schemas.avro.RelayFrame;
import io.dsp.schemas.avro.RelayTarget;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskError;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One record per topic, built the way the services build them (generated builders, {@link TaskEvents}), with what the
 * plug-in must show for it: the key as text and a few JSON fields ({@code a.b} paths) with their text.
 */
final class Samples {

    static final Instant AT = Instant.parse("2026-11-29T07:30:00.123Z");
    static final String AT_TEXT = "2026-11-29T07:30:00.123Z";

    /** A record for a topic: its spec (name and serdes), key and value, and what the JSON must show. */
    record Sample<K, V>(TopicSpec<K, V> topic, K key, V value, String keyText, Map<String, String> expected) {}

    private Samples() {}

    /** A license key unique to this run, so records of one run are told apart on a shared broker. */
    static String licenseKey() {
        return "lic-" + UUID.randomUUID();
    }

    static TaskRequested task(String licenseKey, Priority priority) {
        return TaskRequested.newBuilder()
                .setRequestId("del_asset_" + UUID.randomUUID())
                .setLicenseKey(licenseKey)
                .setTaskType("delete_asset")
                .setPayload(DeleteAssetPayload.newBuilder()
                        .setAssetId(123L)
                        .setFileHash("abc123")
                        .setFileExt(".wav")
                        .build())
                .setPriority(priority)
                .setRequestedAt(AT)
                .setOrigin(TaskOrigin.newBuilder()
                        .setChannel(TaskChannel.HTTP)
                        .setNodeId("asset-api")
                        .setDeviceType("pc")
                        .build())
                .build();
    }

    /** Every shared topic and both tenant topics of one license, in catalogue order. */
    static List<Sample<?, ?>> all(String licenseKey) {
        TaskRequested task = task(licenseKey, Priority.NORMAL);
        TaskRequested urgent = task(licenseKey, Priority.HIGH);
        urgent.setTaskType("heygem_submit");
        urgent.setPayload(HeyGemSubmitPayload.newBuilder()
                .setAudioHash("a1")
                .setVideoHash("v1")
                .build());
        TaskRequested transcription = task(licenseKey, Priority.NORMAL);
        transcription.setTaskType("url");
        transcription.setPayload(io.dsp.schemas.avro.GenericPayload.newBuilder()
                .setJson("{\"url\":\"https://v.example/1\"}")
                .build());
        String request = task.getRequestId();
        String worker = "gpu-host-1-" + UUID.randomUUID();
        long assetId = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);

        Map<String, Sample<?, ?>> samples = new LinkedHashMap<>();
        add(
                samples,
                new Sample<>(
                        Topics.DISPATCH,
                        request,
                        task,
                        request,
                        Map.of(
                                "requestId", request,
                                "licenseKey", licenseKey,
                                "payload.assetId", "123",
                                "payload.fileExt", ".wav",
                                "priority", "NORMAL",
                                "requestedAt", AT_TEXT,
                                "origin.channel", "HTTP",
                                "origin.connectionId", "null",
                                "replayOf", "null")));
        add(
                samples,
                new Sample<>(
                        Topics.TASK_EVENTS,
                        request,
                        TaskEvents.about(task, TaskEventType.PROGRESS, "gpu-consumer", AT)
                                .setWorkerId(worker)
                                .setDeliveryCount(2)
                                .setProgress(TaskProgress.newBuilder()
                                        .setStatus("processing")
                                        .setPercent(40)
                                        .setMessage("合成中")
                                        .build())
                                .setError(TaskError.newBuilder()
                                        .setCode("E_NONE")
                                        .setMessage("none")
                                        .build())
                                .build(),
                        request,
                        Map.of(
                                "type", "PROGRESS",
                                "at", AT_TEXT,
                                "workerId", worker,
                                "deliveryCount", "2",
                                "progress.percent", "40",
                                "progress.message", "合成中",
                                "progress.totalFrames", "0",
                                "error.code", "E_NONE",
                                "resultJson", "null")));
        add(
                samples,
                new Sample<>(
                        Topics.ASSETS,
                        assetId,
                        AssetRecord.newBuilder()
                                .setAssetId(assetId)
                                .setLicenseKey(licenseKey)
                                .setAssetType(AssetType.voice)
                                .setName("我的音色")
                                .setFileHash("abc123")
                                .setFileExt(".wav")
                                .setFileSize(1_024_000L)
                                .setCreatedAt(AT)
                                .setExpiresAt(AT.plusSeconds(86_400))
                                .build(),
                        Long.toString(assetId),
                        Map.of(
                                "assetId", Long.toString(assetId),
                                "assetType", "voice",
                                "name", "我的音色",
                                "fileSize", "1024000",
                                "expiresAt", "2026-11-30T07:30:00.123Z")));
        add(
                samples,
                new Sample<>(
                        Topics.WORKERS,
                        worker,
                        WorkerPresence.newBuilder()
                                .setWorkerId(worker)
                                .setKind(WorkerKind.NATIVE)
                                .setHost("gpu-host-1")
                                .setSlots(3)
                                .setInFlight(1)
                                .setDraining(true)
                                .setStartedAt(AT)
                                .setHeartbeatAt(AT)
                                .setHeartbeatIntervalMs(5000L)
                                .build(),
                        worker,
                        Map.of("kind", "NATIVE", "lane", "gpu", "slots", "3", "inFlight", "1", "draining", "true")));
        add(
                samples,
                new Sample<>(
                        Topics.DEAD_LETTERS,
                        request,
                        DeadLetter.newBuilder()
                                .setTask(task)
                                .setReason(DeadLetterReason.KILLS_WORKERS)
                                .setDeliveryCount(5)
                                .setLastError("worker died")
                                .setWorkerId(worker)
                                .setSourceTopic(Topics.DISPATCH.name())
                                .setDeadLetteredAt(AT)
                                .build(),
                        request,
                        Map.of(
                                "task.requestId", request,
                                "task.payload.assetId", "123",
                                "reason", "KILLS_WORKERS",
                                "deliveryCount", "5",
                                "sourceTopic", "dsp.dispatch")));
        add(
                samples,
                new Sample<>(
                        Topics.LICENSES,
                        licenseKey,
                        License.newBuilder()
                                .setLicenseKey(licenseKey)
                                .setStatus(LicenseStatus.ACTIVE)
                                .setValidUntil(AT)
                                .setLabel("demo")
                                .setUpdatedAt(AT)
                                .build(),
                        licenseKey,
                        Map.of("status", "ACTIVE", "validFrom", "null", "validUntil", AT_TEXT, "label", "demo")));
        add(
                samples,
                new Sample<>(
                        Topics.QUEUE_FACTS,
                        licenseKey,
                        QueueFacts.newBuilder()
                                .setLicenseKey(licenseKey)
                                .setWaiting(7L)
                                .setInFlight(2)
                                .setOldestWaitingSince(AT)
                                .setNextRequestIds(List.of(request, "r-2"))
                                .setAt(AT)
                                .build(),
                        licenseKey,
                        Map.of(
                                "waiting",
                                "7",
                                "inFlight",
                                "2",
                                "nextRequestIds[0]",
                                request,
                                "nextRequestIds[1]",
                                "r-2")));
        String bindingKey = licenseKey + "|pc";
        add(
                samples,
                new Sample<>(
                        Topics.DEVICE_BINDINGS,
                        bindingKey,
                        DeviceBinding.newBuilder()
                                .setLicenseKey(licenseKey)
                                .setDeviceType("pc")
                                .setMachineCode("machine-1")
                                .setBoundAt(AT)
                                .build(),
                        bindingKey,
                        Map.of("deviceType", "pc", "machineCode", "machine-1", "boundBy", "null")));
        add(samples, new Sample<>(Topics.ASSET_IDS, licenseKey, "asset-api-1", licenseKey, Map.of()));
        long fingerprint =
                io.dsp.schemas.serde.WriterSchemas.fingerprint(io.dsp.schemas.avro.TaskEvent.getClassSchema());
        add(
                samples,
                new Sample<>(
                        Topics.SCHEMAS,
                        fingerprint,
                        io.dsp.schemas.avro.TaskEvent.getClassSchema().toString(),
                        Long.toString(fingerprint),
                        Map.of()));
        add(
                samples,
                new Sample<>(
                        Topics.TASK_CONTROL,
                        request,
                        TaskControl.newBuilder()
                                .setCommandId("cmd-1")
                                .setRequestId(request)
                                .setLicenseKey(licenseKey)
                                .setAction(TaskAction.CANCEL)
                                .setAt(AT)
                                .setSource("ops")
                                .setReason("operator")
                                .build(),
                        request,
                        Map.of("action", "CANCEL", "reason", "operator", "at", AT_TEXT)));
        add(
                samples,
                new Sample<>(
                        Topics.WORKER_COMMANDS,
                        worker,
                        WorkerCommand.newBuilder()
                                .setWorkerId(worker)
                                .setAction(WorkerAction.DRAIN)
                                .setAt(AT)
                                .setSource("ops")
                                .build(),
                        worker,
                        Map.of("action", "DRAIN", "workerId", worker)));
        String address = "conn-" + UUID.randomUUID();
        add(
                samples,
                new Sample<>(
                        Topics.GATEWAY_RELAY,
                        address,
                        RelayFrame.newBuilder()
                                .setRelayId("relay-1")
                                .setTarget(RelayTarget.CONNECTION)
                                .setAddress(address)
                                .setFrameJson("{\"type\":\"gpu.job.result\"}")
                                .setOrigin("gateway-1")
                                .setAt(AT)
                                .build(),
                        address,
                        Map.of(
                                "target",
                                "CONNECTION",
                                "address",
                                address,
                                "frameJson",
                                "{\"type\":\"gpu.job.result\"}")));
        add(
                samples,
                new Sample<>(
                        TenantTopics.forTask(task),
                        request,
                        task,
                        request,
                        Map.of("requestId", request, "priority", "NORMAL", "payload.fileHash", "abc123")));
        add(
                samples,
                new Sample<>(
                        TenantTopics.forTask(urgent),
                        urgent.getRequestId(),
                        urgent,
                        urgent.getRequestId(),
                        Map.of(
                                "priority", "HIGH",
                                "taskType", "heygem_submit",
                                "payload.audioHash", "a1",
                                "payload.videoExt", ".mp4")));
        // the automation lane (ADR 014): its dispatch topic and the license's automation tenant topic
        add(
                samples,
                new Sample<>(
                        Topics.AUTOMATION_DISPATCH,
                        transcription.getRequestId(),
                        transcription,
                        transcription.getRequestId(),
                        Map.of("taskType", "url", "requestId", transcription.getRequestId())));
        add(
                samples,
                new Sample<>(
                        TenantTopics.forTask(transcription),
                        transcription.getRequestId(),
                        transcription,
                        transcription.getRequestId(),
                        Map.of("taskType", "url", "priority", "NORMAL")));
        return List.copyOf(samples.values());
    }

    private static void add(Map<String, Sample<?, ?>> samples, Sample<?, ?> sample) {
        samples.put(sample.topic().name(), sample);
    }
}
