package io.dsp.gateway.worker;

import io.dsp.core.kafka.ClientSecurity;
import io.dsp.core.ledger.TaskLedger;
import io.dsp.core.legacy.LegacyLog;
import io.dsp.core.legacy.LegacyTaskPayloads;
import io.dsp.core.slot.HandOverSteps;
import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.Timers;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.fleet.FleetWatch;
import io.dsp.gateway.fleet.RedisWorkerSet;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.gateway.routing.Origins;
import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.avro.WorkerAction;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerKind;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.metric.MetricNames;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.Topics;
import io.dsp.schemas.trace.TraceContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bridge for legacy workers: each registered worker gets its slots (share consumers of the GPU fleet's group on
 * {@code dsp.dispatch}, driven by this gateway on its behalf) and a {@code LEGACY} presence in {@code dsp.workers},
 * beaten while it is connected and withdrawn (tombstone) when it leaves. Results and progress from the worker are
 * matched to the task its slot holds.
 */
@Component
public class WorkerBridge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerBridge.class);
    /** How long a slot stopped at shutdown is given to keep its outcome on disk and close. */
    private static final Duration STOPPED_SLOT_WAIT = Duration.ofSeconds(5);
    /** How often a stopping gateway looks whether its slots still hold tasks. */
    private static final Duration STOP_LOOK_INTERVAL = Duration.ofMillis(50);

    private final Map<String, Object> consumerConfig = new HashMap<>();
    private final GatewaySettings settings;
    private final GatewayNode node;
    private final TaskReporter reporter;
    private final LegacyTaskPayloads payloads;
    private final Origins origins;
    private final FleetWatch fleet;
    private final TaskLedger ledger;
    private final RedisWorkerSet workerSet;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final Clock clock;
    private final Map<Long, LegacyWorker> workers = new ConcurrentHashMap<>();
    private final Cancellations cancellations = new Cancellations();
    private final Map<String, Boolean> drained = new ConcurrentHashMap<>();
    private final String ownPrefix;
    private final Timers timers;
    private final LegacyGpus gpus;
    private final WorkerKinds kinds;
    private final LegacyOutcomes outcomes;
    private final HandOverSteps handOver;
    /** Every slot thread still running, a departed worker's included: a stop waits for them to record. */
    private final Set<Thread> slotThreads = ConcurrentHashMap.newKeySet();

    private volatile boolean running;

    WorkerBridge(
            KafkaProperties kafkaProperties,
            GatewaySettings settings,
            GatewayNode node,
            TaskReporter reporter,
            JsonMapper json,
            Origins origins,
            FleetWatch fleet,
            TaskLedger ledger,
            RedisWorkerSet workerSet,
            KafkaTemplate<byte[], byte[]> kafka,
            Clock clock,
            MeterRegistry meters,
            LegacyGpus gpus,
            WorkerKinds kinds,
            LegacyOutcomes outcomes,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.gpus = gpus;
        this.outcomes = outcomes;
        this.kinds = kinds;
        this.timers = new Timers(scheduler);
        this.handOver = new HandOverSteps(meters, TaskReporter.SOURCE, HandOverSteps.LEGACY);
        // slots reach Kafka as the gateway's other clients do: bootstrap servers and security (SASL, TLS)
        consumerConfig.putAll(ClientSecurity.of(kafka.getProducerFactory().getConfigurationProperties()));
        consumerConfig.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafkaProperties.getBootstrapServers()));

        this.settings = settings;
        this.node = node;
        this.reporter = reporter;
        this.payloads = new LegacyTaskPayloads(json);
        this.origins = origins;
        this.fleet = fleet;
        this.ledger = ledger;
        this.workerSet = workerSet;
        this.kafka = kafka;
        this.clock = clock;
        this.ownPrefix = FleetWatch.workerIdPrefix(node);
        Gauge.builder(MetricNames.WORKERS_ONLINE, workers, Map::size)
                .description("legacy workers connected to this gateway")
                .tag("kind", "legacy")
                .register(meters);
    }

    /**
     * Starts a registered worker's slots and announces it. A GPU worker's slots join the GPU fleet's share group on
     * {@code dsp.dispatch}; an automation worker's join the automation lane's group on {@code dsp.dispatch.automation},
     * one slot per task it may run at once (its per-type capacity summed), so it never acquires a GPU task.
     */
    public void attach(Connection connection, LegacyWorkerKind kind, int slots, Set<String> taskTypes) {
        String id = FleetWatch.workerIdPrefix(node) + connection.fd();
        Lane lane = kind == LegacyWorkerKind.GPU ? Lane.GPU : Lane.AUTOMATION;
        int slotCount = lane == Lane.GPU ? slots : kinds.automationSlots(taskTypes);
        LegacyWorker worker =
                new LegacyWorker(id, kind, connection, taskTypes, clock.instant(), gpus.of(connection), slotCount);
        worker.draining(drained.containsKey(id));
        if (workers.putIfAbsent(connection.fd(), worker) != null) {
            return; // a repeated register changes nothing
        }
        WorkerSlot.SlotTiming timing = new WorkerSlot.SlotTiming(
                settings.pollTimeout(),
                settings.lockRenewInterval(),
                settings.taskDeadlines(),
                settings.deliveryCountLimit(),
                gpus.pollInterval(),
                settings.openAttemptWait(),
                settings.quarantineAfter());
        for (int i = 0; i < slotCount; i++) {
            String clientId = id + "-slot-" + i;
            WorkerSlot slot = new WorkerSlot(
                    clientId,
                    worker,
                    lane,
                    kinds::capacityOf,
                    () -> new KafkaShareConsumer<>(withClientId(lane, clientId)),
                    reporter,
                    payloads,
                    origins,
                    timing,
                    cancellations,
                    ledger,
                    outcomes,
                    handOver,
                    () -> changed(worker));
            worker.slots().add(slot);
            Thread thread = new Thread(
                    () -> {
                        try {
                            slot.run();
                        } finally {
                            slotThreads.remove(Thread.currentThread());
                        }
                    },
                    clientId);
            thread.setDaemon(true);
            slotThreads.add(thread);
            thread.start();
        }
        beat(worker);
        workerSet.added(id);
        changed(worker);
        LegacyLog.workerRegistered(
                connection.fd(), workers.keySet().stream().sorted().toList());
        if (lane == Lane.GPU) {
            reportFlush(worker);
        }
        MDC.put("worker_id", id);
        try {
            log.info(
                    "legacy {} worker {} connected with {} slots for {}",
                    kind.wireName(),
                    id,
                    worker.slots().size(),
                    taskTypes);
        } finally {
            MDC.remove("worker_id");
        }
    }

    /** The worker's connection closed: its slots close their consumers (tasks go back at once) and it is withdrawn. */
    public void detach(Connection connection) {
        LegacyWorker worker = workers.remove(connection.fd());
        if (worker == null) {
            return;
        }
        worker.disconnected();
        worker.slots().forEach(WorkerSlot::workerGone);
        kafka.send(Topics.WORKERS.record(worker.id(), null));
        workerSet.removed(worker.id());
        fleet.local(gpuWorkersTakingWork(), inFlight(), 0);
        fleet.localAutomation(automationWorkersTakingWork());
        MDC.put("worker_id", worker.id());
        try {
            log.info("legacy worker {} disconnected", worker.id());
        } finally {
            MDC.remove("worker_id");
        }
    }

    public boolean isWorker(Connection connection) {
        return workers.containsKey(connection.fd());
    }

    /**
     * A {@code gpu.job.result} from the worker: handed to the slot holding that task.
     *
     * @return the error to answer with, if the worker holds no such task
     */
    public Optional<String> result(Connection connection, JsonNode frame) {
        LegacyWorker worker = workers.get(connection.fd());
        String requestId =
                frame.path("request_id").isString() ? frame.path("request_id").asString() : null;
        if (worker == null || requestId == null) {
            return Optional.of("结果缺少 request_id");
        }
        worker.answered(requestId);
        Optional<WorkerSlot> slot = worker.slotRunning(requestId);
        if (slot.isEmpty()) {
            Optional<TaskRequested> cancelled = worker.cancelledTask(requestId);
            if (cancelled.isPresent()) {
                JsonNode result = frame.get("result");
                try {
                    reporter.lateResult(
                            cancelled.get(),
                            worker.id(),
                            result == null || result.isNull() ? null : result.toString(),
                            frame.path("error").asBoolean(false),
                            frameTrace(frame));
                } catch (Exception e) {
                    log.warn("could not record the late result of requestId={}: {}", requestId, e.toString());
                }
                return Optional.empty();
            }
            return Optional.of("没有分配给本连接的任务: " + requestId);
        }
        slot.get().offer(new WorkerSlot.Result(frame));
        return Optional.empty();
    }

    /**
     * A {@code gpu.task.progress} from the worker, recorded as a PROGRESS step of the task it names.
     *
     * @return empty when recorded; otherwise the frame is not about a task the fleet knows (a task the GPU got over
     *     HTTP directly) and the caller relays it by key as the legacy gateway did
     */
    public Optional<TaskRequested> progress(Connection connection, JsonNode frame) throws Exception {
        LegacyWorker worker = workers.get(connection.fd());
        String taskId = frame.path("task_id").isString() ? frame.path("task_id").asString() : null;
        if (worker == null || taskId == null) {
            return Optional.empty();
        }
        String status = frame.path("status").asString("");
        if ("done".equals(status) || "error".equals(status)) {
            worker.answered(taskId); // a synthesis its slot let go of has ended on the GPU
        }
        Optional<WorkerSlot> following = worker.slotOfGpuTask(taskId)
                .filter(slot -> slot.task() != null
                        && LegacyGpu.HEYGEM_SUBMIT.equals(slot.task().getTaskType()));
        if (following.isPresent()) {
            // a synthesis its slot follows: the slot records it, and handles its end (download, then SUCCEEDED)
            TaskRequested held = following.get().task();
            following.get().offer(new WorkerSlot.Progress(frame));
            return Optional.ofNullable(held);
        }
        Optional<TaskRequested> task = worker.task(taskId).or(() -> origins.find(taskId));
        if (task.isEmpty()) {
            return Optional.empty();
        }
        String message = frame.path("message").isString()
                ? frame.path("message").asString()
                : frame.path("error").isString() ? frame.path("error").asString() : null;
        TraceContext trace = worker.slotRunning(taskId).map(WorkerSlot::trace).orElseGet(() -> frameTrace(frame));
        reporter.progress(
                task.get(),
                worker.id(),
                TaskProgress.newBuilder()
                        .setStatus(
                                frame.path("status").isString()
                                        ? frame.path("status").asString()
                                        : "processing")
                        .setPercent(
                                Math.max(0, Math.min(100, frame.path("progress").asInt(0))))
                        .setMessage(message)
                        .setTotalFrames(frame.path("total_frames").asInt(0))
                        .setCurrentFrame(frame.path("current_frame").asInt(0))
                        .build(),
                trace);
        return task;
    }

    /**
     * A command of {@code dsp.task-control}: a cancellation stops the task if a slot of this instance runs it for the
     * owning license, and is remembered so that a slot acquiring it later does not run it.
     */
    public void control(TaskControl control) {
        if (control.getAction() != TaskAction.CANCEL) {
            return;
        }
        cancellations.add(control);
        for (LegacyWorker worker : workers.values()) {
            worker.slotRunning(control.getRequestId()).ifPresent(slot -> {
                TaskRequested task = slot.task();
                if (task != null && task.getLicenseKey().equals(control.getLicenseKey())) {
                    slot.offer(new WorkerSlot.Cancel(control.getRequestId(), control.getReason()));
                } else {
                    log.warn(
                            "ignored a cancellation of requestId={} by another license (source {})",
                            control.getRequestId(),
                            control.getSource());
                }
            });
        }
    }

    /**
     * A record of {@code dsp.worker-commands} (read whole at start, then followed): DRAIN makes a legacy worker of this
     * instance take nothing new (its slots leave the share group once their task is done) and report
     * {@code draining=true} with its in-flight count; UNDRAIN or a tombstone brings it back.
     */
    public void command(String workerId, WorkerCommand command) {
        if (workerId == null || !workerId.startsWith(ownPrefix)) {
            return; // another instance's worker, or a native one
        }
        boolean drain;
        if (command == null || command.getAction() == WorkerAction.UNDRAIN) {
            drain = false;
            drained.remove(workerId);
        } else if (command.getAction() == WorkerAction.DRAIN) {
            drain = true;
            drained.put(workerId, Boolean.TRUE);
        } else {
            return;
        }
        workers.values().stream()
                .filter(w -> w.id().equals(workerId))
                .findFirst()
                .filter(w -> w.draining() != drain)
                .ifPresent(w -> {
                    w.draining(drain);
                    log.info("legacy worker {} {}", w.id(), drain ? "draining" : "undrained");
                    beat(w);
                    changed(w);
                });
    }

    /** The trace a frame names in its {@code traceparent} field (an extension), or a new one. */
    private static TraceContext frameTrace(JsonNode frame) {
        JsonNode traceparent = frame.get(TraceContext.HEADER);
        return TraceContext.continueOrStart(
                traceparent != null && traceparent.isString() ? traceparent.asString() : null);
    }

    public int connectedWorkers() {
        return workers.size();
    }

    private int gpuWorkersTakingWork() {
        return (int) workers.values().stream().filter(LegacyWorker::offersGpu).count();
    }

    private int automationWorkersTakingWork() {
        return (int) workers.values().stream()
                .filter(w -> w.kind() == LegacyWorkerKind.AUTOMATION && !w.draining())
                .count();
    }

    /**
     * A {@code result} / {@code chatglm_video_result} from an automation worker of this instance, handed to the slot
     * whose task it answers.
     *
     * @return whether a task of this worker took it; otherwise the caller delivers it by key, as the legacy gateway did
     */
    public boolean automationResult(Connection connection, JsonNode frame) {
        LegacyWorker worker = workers.get(connection.fd());
        if (worker == null || worker.kind() != LegacyWorkerKind.AUTOMATION) {
            return false;
        }
        String type = frame.path("type").asString("");
        String taskType = MessageType.CHATGLM_VIDEO_RESULT.wireName().equals(type) ? "chatglm_video" : "url";
        String requestId =
                frame.path("request_id").isString() ? frame.path("request_id").asString() : null;
        String key = frame.path("key").isString() ? frame.path("key").asString() : null;
        if (requestId != null) {
            worker.answered(requestId);
        }
        Optional<WorkerSlot> slot = worker.answeredBy(requestId, taskType, key);
        slot.ifPresent(s -> s.offer(new WorkerSlot.Result(frame)));
        return slot.isPresent();
    }

    /**
     * The legacy {@code flushPending} line: how many tasks that were waiting when this GPU worker registered it was
     * handed in its first {@value #FLUSH_WINDOW_SECONDS} seconds (the dispatcher releases the backlog as room appears).
     */
    private void reportFlush(LegacyWorker worker) {
        timers.once(java.time.Duration.ofSeconds(FLUSH_WINDOW_SECONDS), "flushPending report", () -> {
            LegacyLog.flushPending(worker.backlogTaken(), worker.connection().fd());
        });
    }

    static final int FLUSH_WINDOW_SECONDS = 5;

    int inFlight() {
        return workers.values().stream().mapToInt(LegacyWorker::inFlight).sum();
    }

    private void changed(LegacyWorker worker) {
        if (worker.draining()) {
            beat(worker); // its in-flight count going to 0 is what an operator waits for
        }
        fleet.localAutomation(automationWorkersTakingWork());
        fleet.local(
                gpuWorkersTakingWork(),
                inFlight(),
                worker.connected() && worker.kind() == LegacyWorkerKind.GPU
                        ? worker.connection().fd()
                        : 0);
    }

    private void beat(LegacyWorker worker) {
        if (!worker.connected()) {
            return;
        }
        WorkerPresence presence = WorkerPresence.newBuilder()
                .setWorkerId(worker.id())
                .setKind(WorkerKind.LEGACY)
                .setLane(worker.kind().lane())
                .setHost(worker.connection().remoteAddress())
                .setSlots(worker.offeredSlots())
                .setInFlight(worker.inFlight())
                .setHeld(worker.held())
                // a gateway that cannot check its ledger hands nothing over: no free slot to count
                .setDraining(worker.draining() || ledger.failure().isPresent())
                .setStartedAt(worker.startedAt())
                .setHeartbeatAt(clock.instant())
                .setHeartbeatIntervalMs(settings.presenceInterval().toMillis())
                .build();
        kafka.send(Topics.WORKERS.record(worker.id(), presence));
    }

    private Map<String, Object> withClientId(Lane lane, String clientId) {
        return slotConsumerConfig(consumerConfig, lane, settings, clientId);
    }

    /** A slot's consumer: the gateway's connection settings, the lane's slot settings, this gateway's fetch wait. */
    static Map<String, Object> slotConsumerConfig(
            Map<String, Object> connection, Lane lane, GatewaySettings settings, String clientId) {
        Map<String, Object> config = new HashMap<>(connection);
        config.putAll(lane.slotConsumer());
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int)
                settings.fetchMaxWait().toMillis());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    @Override
    public void start() {
        running = true;
        outcomes.startReplay();
        timers.every(
                settings.presenceInterval(),
                "legacy worker presence beats",
                () -> workers.values().forEach(w -> {
                    try {
                        beat(w);
                    } catch (RuntimeException e) {
                        log.warn("presence beat of {} failed: {}", w.id(), e.toString());
                    }
                }));
    }

    /**
     * On shutdown every worker stops taking tasks, and those its slots hold may end within the shutdown timeout (a
     * legacy worker's result comes in on a connection that is still open, and is recorded); then every worker is
     * withdrawn and its slots closed, so what they still hold goes back to the fleet. A slot still recording an outcome
     * its worker reached (the broker unreachable) is stopped at the timeout, and keeps the outcome on disk for the next
     * start (ADR 032).
     */
    @Override
    public void stop() {
        running = false;
        timers.cancelAll();
        outcomes.stopReplay();
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        workers.values().forEach(w -> w.draining(true));
        try {
            while (System.nanoTime() - deadline < 0 && workers.values().stream().anyMatch(LegacyWorker::holdsTasks)) {
                TimeUnit.MILLISECONDS.sleep(STOP_LOOK_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.values().forEach(w -> {
            if (w.connected()) {
                w.withdrawnByGateway(); // what its slots let go of now, it may still finish: no death (ADR 038)
            }
            detach(w.connection());
        });
        List<Thread> left = List.copyOf(slotThreads);
        for (Thread thread : left) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Thread> stuck = left.stream().filter(Thread::isAlive).toList();
        if (stuck.isEmpty()) {
            return;
        }
        log.warn("{} legacy slots still busy after the shutdown timeout; stopping them", stuck.size());
        stuck.forEach(Thread::interrupt);
        for (Thread thread : stuck) {
            try {
                thread.join(STOPPED_SLOT_WAIT.toMillis()); // long enough to keep an outcome on disk
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        // not the timers': the shared scheduler cancels them when the context closes, before this is asked to stop
        return running;
    }
}
