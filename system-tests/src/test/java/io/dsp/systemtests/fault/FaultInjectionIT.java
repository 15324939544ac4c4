package io.dsp.systemtests.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.AssetApiApplication;
import io.dsp.core.slot.OutcomeJournal;
import io.dsp.dispatcher.DispatcherApplication;
import io.dsp.gateway.GatewayApplication;
import io.dsp.schemas.avro.License;
import io.dsp.schemas.avro.LicenseStatus;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.event.TaskEvents;
import io.dsp.schemas.topic.Topics;
import io.dsp.testkit.RedisOnPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Faults while tasks flow: a steady submitter through asset-api ({@code POST /api/v1/tasks}) and two legacy app
 * connections ({@code gpu.job.submit}) feed gpu-consumer worker processes and one legacy worker over the gateway, all
 * against a standalone broker process. The workers and the gateway each reach the broker through a TCP fault proxy of
 * their own ({@link FaultProxy}, on a broker listener of their own). In turn: a worker process is killed with -9
 * mid-task, another is frozen (SIGSTOP) past its lock, the workers are cut off from the broker by a network partition,
 * a worker is stopped while cut off with its tasks done (their outcomes kept on disk, recorded when it starts again),
 * the gateway restarts, the gateway is stopped while cut off from the broker with a legacy result in hand (kept on
 * disk, recorded at its next start), the gateway is killed with -9 and started again 20 s later, the gateway's broker connections are
 * reset and slowed, Redis stops for 30 s, the broker is
 * killed with -9 and restarted on the same data dir and port, the broker's log dir fills to its last byte (a tmpfs of
 * its own) until the space is freed and the broker started again, the dispatcher is killed with -9 while it releases and
 * started again, the legacy worker's WebSocket is cut mid-task, and a
 * poison task kills the workers that run it until it is quarantined. Then every accepted task
 * must have exactly one terminal event in {@code dsp.task-events} and no effect may have run twice (the workers'
 * effect log, the legacy worker's effect count). Recovery times are measured and printed, never asserted; the summary
 * goes to {@code target/fault-summary.md}. The soak draws the same faults at random for as long as it is told.
 */
class FaultInjectionIT {

    private static final Duration LEGACY_WORK = Duration.ofMillis(600);
    /** Tasks the newer asset-api release of the rolling-upgrade fault accepts. */
    private static final int NEWER_RELEASE_TASKS = 6;

    /**
     * How long a worker is frozen: past its lock (15 s), the other workers' wait for its open attempt (10 s) and a task
     * (1.5 s), so that another worker has run the task by the time it wakes mid-task.
     */
    /** How long a killed node of the cluster stays down. */
    private static final Duration NODE_DOWN = Duration.ofSeconds(30);

    /** The broker's own filesystem for the full-disk fault: room for the suite's data, small enough to fill at once. */
    private static final String BROKER_DISK = "256m";

    /** How long the broker may run on a full disk before the suite frees it (it stops by itself within seconds). */
    private static final Duration DISK_FULL = Duration.ofSeconds(30);

    private static final Duration PAUSE = BrokerProcess.FLEET_LOCK.plusSeconds(17);

    /** The broker route of the native workers and the gateway's: each a listener with a fault proxy in front. */
    private static final String WORKERS = "WORKERS";

    private static final String GATEWAY = "GATEWAY";

    /** How long a network fault lasts: shorter than the lock, so no task is handed on while its effect runs. */
    private static final Duration PARTITION = Duration.ofSeconds(10);

    private static final Duration LATENCY = Duration.ofMillis(300);

    /** How long Redis is down: intake must go on meanwhile (rate limits fall back to each instance). */
    private static final Duration REDIS_OUTAGE = Duration.ofSeconds(30);

    /** How long the gateway stays down after its kill: past its replay margin at start (15 s). */
    private static final Duration GATEWAY_DOWN = Duration.ofSeconds(20);
    /** How long a stopping gateway waits for its legacy slots to record outcomes before it keeps them on disk. */
    private static final Duration GATEWAY_SHUTDOWN = Duration.ofSeconds(5);

    /** How long each task of the worker that is killed takes. */
    private static final Duration VICTIM_WORK_TIME = Duration.ofSeconds(4);

    private final Path dir =
            TestClasspath.TARGET.resolve("fault-" + UUID.randomUUID().toString().substring(0, 8));
    private final Path effectLog = dir.resolve("effects.log");
    private final String license = "fault-" + UUID.randomUUID();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> acceptedHttp = ConcurrentHashMap.newKeySet();
    /** The poison tasks fed: the only accepted tasks that may end other than SUCCEEDED. */
    private final Set<String> poisons = ConcurrentHashMap.newKeySet();

    private final AtomicInteger refusedHttp = new AtomicInteger();
    /** HTTP tasks answered "sent, not confirmed" (202 without the task, ADR 019): each may run, at most once. */
    private final Set<String> unconfirmedHttp = ConcurrentHashMap.newKeySet();

    private final List<String[]> faults = new ArrayList<>();
    /** When the gateway was killed -9, each time. */
    private final List<Instant> gatewayKills = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Tasks whose outcome a service stopped cut off from the broker kept on disk (ADR 032), by request id. */
    private final Map<String, KeptBy> keptByAServiceStoppedCutOff = new ConcurrentHashMap<>();

    private final Instant suiteStart = Instant.now();
    /** Each native effect of a task: the worker that ran it and when, from the effect log. */
    private final Map<String, List<String>> effectsAt = new HashMap<>();

    private final List<FaultClient> clients = new ArrayList<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    /** The services' Redis, on a port of its own so that the suite can stop it and start it again. */
    private final RedisOnPort redis = new RedisOnPort();

    private WorkerProcess victim;
    private final AtomicInteger replacements = new AtomicInteger();
    private FaultLegacyWorker legacy;
    private BrokerProcess broker;
    /** Whether the broker is a three-node cluster (its own test) rather than the suite's single broker. */
    private boolean cluster;
    /** The broker's log dir on a filesystem of its own, for the full-disk fault; null when it could not be mounted. */
    private SmallDisk brokerDisk;
    /** Why the broker's own filesystem could not be mounted (the full-disk fault is then reported as not run). */
    private String brokerDiskRefused;
    /** Whether the broker's log dir is a small filesystem of its own (the full-disk test). */
    private boolean smallDisk;

    private ConfigurableApplicationContext assetApi;
    /** The dispatcher in a JVM of its own, so that it can be killed with -9 mid-transaction. */
    private ChildJvm dispatcher;

    private int dispatcherStarts;
    /** The gateway in a JVM of its own, so that it can be killed with -9 while it bridges tasks. */
    private ChildJvm gateway;

    private int gatewayStarts;
    private int gatewayPort;
    private String baseUrl;

    @Test
    void everyAcceptedTaskEndsExactlyOnceAndNoEffectRunsTwiceThroughWorkerGatewayBrokerAndNetworkFaults()
            throws Exception {
        run("fault-summary.md", "Fault injection summary", events -> {
            for (Fault fault : catalogue()) {
                fault.inject(events);
            }
        });
    }

    /**
     * The soak: tasks at the suite's steady rate for {@code dsp.soak.duration} (ISO-8601, {@code PT30M}), with a fault
     * drawn at random from the suite's catalogue every 5 to 30 s ({@code dsp.soak.seed} repeats a draw); then the same
     * accounting, into {@code target/soak-summary.md}. Not part of CI: run it as the system-tests README says.
     */
    @Test
    @EnabledIfSystemProperty(named = "dsp.soak.duration", matches = ".+")
    void soakWithRandomFaultsEndsEveryAcceptedTaskExactlyOnce() throws Exception {
        Duration length = Duration.parse(System.getProperty("dsp.soak.duration"));
        long seed = Long.getLong("dsp.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        run("soak-summary.md", "Soak summary (" + length + ", seed " + seed + ")", events -> {
            Instant end = Instant.now().plus(length);
            List<Fault> catalogue = catalogue();
            while (Instant.now().isBefore(end)) {
                TimeUnit.SECONDS.sleep(5 + random.nextInt(26)); // tasks flow undisturbed between faults
                catalogue.get(random.nextInt(catalogue.size())).inject(events);
            }
        });
    }

    /**
     * The same stack on a three-broker cluster (every topic on three replicas, min ISR 2): the node leading the dispatch
     * topic is killed with -9 while tasks flow and kept down for 30 s, then the one leading the task events. The
     * accounting is the suite's. Not part of CI (three more broker JVMs): run with {@code -Ddsp.fault.cluster=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "dsp.fault.cluster", matches = "true")
    void aThreeBrokerClusterLosesALeaderAndEveryAcceptedTaskStillEndsExactlyOnce() throws Exception {
        cluster = true;
        run("cluster-fault-summary.md", "Fault injection summary, three-broker cluster (min ISR 2)", events -> {
            killTheLeaderOf(Topics.DISPATCH.name(), events);
            killTheLeaderOf(Topics.TASK_EVENTS.name(), events);
        });
    }

    /**
     * The broker killed -9 and restarted {@code dsp.fault.broker-kills} times, 20 s apart, while tasks flow: the fault
     * that most often catches a task between its effect and its recorded outcome, repeated to find such a window. Not
     * part of CI: run with {@code -Ddsp.fault.broker-kills=5}.
     */
    @Test
    @EnabledIfSystemProperty(named = "dsp.fault.broker-kills", matches = "[1-9][0-9]*")
    void aBrokerKilledAgainAndAgainLosesNoAcceptedTaskAndRunsNoneTwice() throws Exception {
        int kills = Integer.getInteger("dsp.fault.broker-kills");
        run("broker-kills-summary.md", "Fault injection summary, the broker killed " + kills + " times", events -> {
            for (int i = 0; i < kills; i++) {
                TimeUnit.SECONDS.sleep(20);
                killAndRestartTheBroker(events);
            }
        });
    }

    /**
     * The same stack with the broker's log dir on a small filesystem of its own (a tmpfs the suite mounts, as root),
     * filled to its last byte while tasks flow. Not part of CI: run with {@code -Ddsp.fault.disk=true}; where no tmpfs
     * can be mounted the summary says the fault did not run.
     */
    @Test
    @EnabledIfSystemProperty(named = "dsp.fault.disk", matches = "true")
    void aFullBrokerDiskLosesNoAcceptedTaskAndRunsNoneTwice() throws Exception {
        smallDisk = true;
        run("disk-fault-summary.md", "Fault injection summary, the broker's log dir full", this::fillTheBrokersDisk);
    }

    /**
     * On the cluster: the node leading partition 0 of {@code topic} dies (-9) while tasks flow. The other two hold every
     * acknowledged write (min ISR 2), one of them leads within seconds and tasks go on; the dead node stays down for
     * {@link #NODE_DOWN}, then starts again on its data and catches up.
     */
    private void killTheLeaderOf(String topic, EventLog events) throws Exception {
        int leader = broker.leaderOf(topic);
        Instant at = Instant.now();
        broker.kill9(leader);
        recovered(events, "node " + leader + " of 3, leader of " + topic + ", killed -9", at, List.of());
        TimeUnit.MILLISECONDS.sleep(
                Math.max(0, Duration.between(Instant.now(), at.plus(NODE_DOWN)).toMillis()));
        Instant back = Instant.now();
        broker.start();
        recovered(
                events,
                "node " + leader + " started again after " + NODE_DOWN.toSeconds() + " s (now led by node "
                        + broker.leaderOf(topic) + ")",
                back,
                List.of());
    }

    /** One fault of the catalogue: injects itself while tasks flow and waits for the recovery it notes. */
    @FunctionalInterface
    private interface Fault {
        void inject(EventLog events) throws Exception;
    }

    /** Every fault the suite injects, in the order the suite injects them. */
    private List<Fault> catalogue() {
        return List.of(
                this::killAWorkerMidTask,
                this::pauseAWorkerPastItsLock,
                this::partitionTheWorkersFromTheBroker,
                this::stopAWorkerCutOffFromTheBroker,
                this::restartTheGateway,
                this::stopTheGatewayCutOffFromTheBroker,
                this::killTheGatewayAndStartItLate,
                this::cutAndSlowTheGatewaysBrokerLinks,
                this::stopRedisForAWhile,
                this::killAndRestartTheBroker,
                this::killAndRestartTheDispatcher,
                this::cutTheLegacyWorkersSocket,
                this::acceptTasksFromANewerRelease,
                this::feedAPoisonTask);
    }

    /** Starts the stack, lets tasks flow, injects {@code faults}, stops the flow and accounts for every task. */
    private void run(String summaryFile, String title, Fault faults) throws Exception {
        Files.createDirectories(dir);
        ScheduledExecutorService submitter = Executors.newScheduledThreadPool(1);
        try {
            redis.start();
            if (smallDisk) {
                try {
                    brokerDisk = SmallDisk.mount(BrokerProcess.kafkaDir(dir.resolve("broker")), BROKER_DISK);
                } catch (IOException e) {
                    brokerDiskRefused = e.getMessage();
                }
            }
            broker = cluster
                    ? BrokerProcess.cluster(dir.resolve("broker"))
                    : new BrokerProcess(dir.resolve("broker"), WORKERS, GATEWAY);
            provisionLicense();
            // the victim of a kill: its tasks take long enough that the kill lands mid-task even when the event
            // log reads STARTED late on a loaded machine (an effect recorded just before the kill would run twice:
            // the test would measure its own timing, not the system)
            victim = new WorkerProcess(
                    "gpu-fault-a", broker.bootstrapVia(WORKERS), dir, effectLog, VICTIM_WORK_TIME, Map.of());
            workers.add(victim);
            workers.add(new WorkerProcess("gpu-fault-b", broker.bootstrapVia(WORKERS), dir, effectLog));
            assetApi = io.dsp.systemtests.fault.Services.start(
                    AssetApiApplication.builder(),
                    broker.bootstrapServers(),
                    Map.of(
                            "dsp.asset-api.tasks.generic-types",
                            EffectWorkerMain.TASK_TYPE + "," + EffectWorkerMain.POISON_TYPE,
                            "dsp.asset-api.limits.requests-per-window",
                            1_000_000,
                            "spring.data.redis.port",
                            redis.port()));
            baseUrl = "http://127.0.0.1:" + port(assetApi);
            dispatcher = startDispatcher();
            gatewayPort = BrokerProcess.freePort();
            startGateway();
            String wsUrl = "ws://127.0.0.1:" + gatewayPort + "/dsp";
            try (EventLog events = new EventLog(broker.bootstrapServers())) {
                legacy = new FaultLegacyWorker(wsUrl, LEGACY_WORK);
                clients.add(new FaultClient(wsUrl, license, "c1"));
                clients.add(new FaultClient(wsUrl, license, "c2"));
                List<FaultClient> apps = clients;
                Semaphore inFlight = new Semaphore(8);
                AtomicInteger tick = new AtomicInteger();
                submitter.scheduleAtFixedRate(
                        () -> {
                            submitHttp(inFlight);
                            if (tick.incrementAndGet() % 2 == 0) {
                                apps.get(tick.get() / 2 % apps.size()).submit();
                            }
                        },
                        0,
                        500,
                        TimeUnit.MILLISECONDS);

                // warm: tasks flow through both kinds of worker
                await("first tasks succeed on native and legacy workers")
                        .atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> Files.exists(effectLog) && !legacy.effects.isEmpty());

                faults.inject(events);

                submitter.shutdownNow();
                submitter.awaitTermination(30, TimeUnit.SECONDS);
                inFlight.acquire(8);
                Set<String> accepted = new HashSet<>(acceptedHttp);
                clients.forEach(c -> accepted.addAll(c.accepted));
                try {
                    await("every accepted task has a terminal event")
                            .atMost(Duration.ofMinutes(3))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> accepted.stream().allMatch(events::isFinished));
                } catch (ConditionTimeoutException e) {
                    System.out.println(unfinished(events, accepted));
                    throw e;
                }
                account(events, accepted, summaryFile, title);
            }
        } finally {
            submitter.shutdownNow();
            clients.forEach(FaultClient::close);
            if (legacy != null) {
                legacy.close();
            }
            workers.forEach(WorkerProcess::close);
            if (dispatcher != null) {
                dispatcher.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            if (assetApi != null) {
                assetApi.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (brokerDisk != null) {
                brokerDisk.close();
            }
            redis.close();
        }
    }

    private void killAWorkerMidTask(EventLog events) throws Exception {
        WorkerProcess killed = victim;
        // a task that started on the victim recently enough that its effect is still seconds away
        Duration killBefore = VICTIM_WORK_TIME.minusMillis(1500);
        await("a task starts on " + killed.workerId)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        !events.startedOnWithin(killed.workerId, killBefore).isEmpty());
        List<String> interrupted = events.runningOn(killed.workerId);
        Instant at = Instant.now();
        killed.kill9();
        workers.remove(killed);
        // capacity back: a fresh worker process takes the victim's place, and is the next kill's victim
        victim = new WorkerProcess(
                "gpu-fault-v" + workers.size() + "-" + faults.size(),
                broker.bootstrapVia(WORKERS),
                dir,
                effectLog,
                VICTIM_WORK_TIME,
                Map.of());
        workers.add(victim);
        recovered(
                events,
                "gpu-consumer worker killed -9 mid-task (" + interrupted.size() + " task(s) running)",
                at,
                interrupted);
    }

    /**
     * Every native worker loses the broker for {@link #PARTITION} mid-task (nothing passes, nothing is lost, as a
     * link that drops packets), shorter than the lock: their tasks must end once, with their effects once.
     */
    private void partitionTheWorkersFromTheBroker(EventLog events) throws Exception {
        await("a task runs on a native worker")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> workers.stream()
                        .anyMatch(w -> !events.startedOnWithin(w.workerId, Duration.ofSeconds(1))
                                .isEmpty()));
        List<String> interrupted = workers.stream()
                .flatMap(w -> events.runningOn(w.workerId).stream())
                .toList();
        Instant at = Instant.now();
        FaultProxy link = broker.proxy(WORKERS);
        link.partition();
        try {
            TimeUnit.MILLISECONDS.sleep(PARTITION.toMillis());
        } finally {
            link.heal();
        }
        recovered(
                events,
                "network partition between the gpu-consumer workers and the broker for " + PARTITION.toSeconds()
                        + " s mid-task, then healed (" + interrupted.size() + " task(s) running)",
                at,
                interrupted);
    }

    /**
     * A native worker loses the broker while it runs tasks, finishes them (their effects done, their outcomes not
     * recordable) and is told to stop: past its shutdown timeout it keeps the outcomes on disk, and is then killed (its
     * stop would wait on the broker for long after); what it had sent into the partition is lost, the link heals, and
     * a worker starts again under the same id on the same data dir. It must record the kept outcomes before it takes a
     * task, so that no task runs a second time (ADR 032).
     */
    private void stopAWorkerCutOffFromTheBroker(EventLog events) throws Exception {
        WorkerProcess stopped = workers.stream()
                .filter(w -> w != victim && w.isAlive())
                .findFirst()
                .orElseThrow();
        // mid-work: begun (past the confirmation, which needs the broker), its effect still ahead
        await("a task begins its work on " + stopped.workerId)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    List<String> fresh = events.startedOnWithin(stopped.workerId, Duration.ofSeconds(1));
                    return !fresh.isEmpty() && begun().containsAll(fresh);
                });
        Set<String> begun = begun();
        List<String> interrupted = events.runningOn(stopped.workerId).stream()
                .filter(begun::contains)
                .toList();
        Instant at = Instant.now();
        List<OutcomeJournal.Entry> kept = stopWhileCutOff(
                broker.proxy(WORKERS),
                () -> effectsLogged().containsAll(interrupted),
                stopped.jvm(),
                WorkerProcess.dataDir(dir, stopped.workerId),
                interrupted.size(),
                WorkerProcess.SHUTDOWN_TIMEOUT);
        kept.forEach(
                entry -> keptByAServiceStoppedCutOff.put(entry.requestId(), KeptBy.worker(stopped.workerId, entry)));
        workers.remove(stopped);
        workers.add(new WorkerProcess(stopped.workerId, broker.bootstrapVia(WORKERS), dir, effectLog));
        recovered(
                events,
                "gpu-consumer worker stopped while cut off from the broker, its tasks done (" + kept.size() + " of "
                        + interrupted.size() + " outcome(s) kept on disk), then killed -9 and started again under the"
                        + " same id",
                at,
                interrupted);
    }

    /** The request ids of the native tasks whose work began so far. */
    private Set<String> begun() throws IOException {
        Path log = effectLog.resolveSibling(EffectWorkerMain.BEGUN_LOG);
        if (!Files.exists(log)) {
            return Set.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(line -> line.split(" ", 2)[0])
                .collect(Collectors.toSet());
    }

    /** The request ids of the native effects logged so far. */
    private Set<String> effectsLogged() throws IOException {
        if (!Files.exists(effectLog)) {
            return Set.of();
        }
        return Files.readAllLines(effectLog, StandardCharsets.UTF_8).stream()
                .map(line -> line.split(" ", 2)[0])
                .collect(Collectors.toSet());
    }

    /**
     * Every connection between the gateway and the broker is reset while a legacy worker runs a task, and for
     * {@link #PARTITION} afterwards each byte takes {@link #LATENCY} more each way.
     */
    private void cutAndSlowTheGatewaysBrokerLinks(EventLog events) throws Exception {
        await("the legacy worker runs a task")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !legacy.running.isEmpty());
        List<String> interrupted = List.copyOf(legacy.running);
        Instant at = Instant.now();
        FaultProxy link = broker.proxy(GATEWAY);
        link.latency(LATENCY);
        int cut = link.cut();
        try {
            TimeUnit.MILLISECONDS.sleep(PARTITION.toMillis());
        } finally {
            link.heal();
        }
        recovered(
                events,
                "gateway's " + cut + " broker connections reset mid-task, then " + LATENCY.toMillis() + " ms latency"
                        + " each way for " + PARTITION.toSeconds() + " s (" + interrupted.size() + " task(s) running)",
                at,
                interrupted);
    }

    /**
     * SIGSTOP on a worker mid-task for longer than its lock, then SIGCONT: the broker hands its task on while it is
     * frozen, and on waking it must neither repeat the effect nor record an outcome over the new holder's.
     */
    private void pauseAWorkerPastItsLock(EventLog events) throws Exception {
        WorkerProcess worker =
                workers.stream().filter(w -> w != victim).findFirst().orElseThrow();
        // mid-task: started within the last second of a 1.5 s task, so its effect is still ahead when it freezes
        await("a task starts on " + worker.workerId)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !events.startedOnWithin(worker.workerId, Duration.ofSeconds(1))
                        .isEmpty());
        List<String> interrupted = events.runningOn(worker.workerId);
        Instant at = Instant.now();
        worker.pause();
        try {
            TimeUnit.MILLISECONDS.sleep(PAUSE.toMillis());
        } finally {
            worker.resume();
        }
        recovered(
                events,
                "gpu-consumer worker paused (SIGSTOP) for "
                        + PAUSE.toSeconds()
                        + " s mid-task, past its lock, then resumed (" + interrupted.size() + " task(s) running)",
                at,
                interrupted);
    }

    private void restartTheGateway(EventLog events) throws Exception {
        Instant at = Instant.now();
        gateway.close();
        startGateway();
        await("the legacy worker is back").atMost(Duration.ofMinutes(1)).until(legacy::isRegistered);
        recovered(events, "gateway restarted (stop, start on the same port)", at, List.of());
    }

    /**
     * The gateway loses the broker while its legacy worker runs a task, gets the worker's result it cannot record, and
     * is told to stop: past its shutdown timeout ({@link #GATEWAY_SHUTDOWN}) it keeps the outcome on disk, and is then
     * killed (its stop would wait on the broker for long after); the link heals and it starts again on the same data
     * dir. The outcome it kept on disk must be recorded before its slots take a task, so that the task's next
     * delivery is not handed to the legacy worker a second time (ADR 032).
     */
    private void stopTheGatewayCutOffFromTheBroker(EventLog events) throws Exception {
        await("the legacy worker runs a task")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !legacy.running.isEmpty());
        List<String> interrupted = List.copyOf(legacy.running);
        Instant at = Instant.now();
        List<OutcomeJournal.Entry> kept = stopWhileCutOff(
                broker.proxy(GATEWAY),
                () -> interrupted.stream().allMatch(legacy.effects::containsKey),
                gateway,
                dir.resolve("gateway-data"),
                interrupted.size(),
                GATEWAY_SHUTDOWN);
        kept.forEach(entry -> keptByAServiceStoppedCutOff.put(entry.requestId(), KeptBy.gateway(entry)));
        startGateway();
        await("the legacy worker is back").atMost(Duration.ofMinutes(1)).until(legacy::isRegistered);
        recovered(
                events,
                "gateway stopped while cut off from the broker, after its legacy worker's results came in ("
                        + kept.size() + " of " + interrupted.size() + " kept on disk for the next start), then killed"
                        + " -9 and"
                        + " started again",
                at,
                interrupted);
    }

    /**
     * Cuts a service off from the broker ({@code link}), waits until its results are in ({@code resultsIn}: effects
     * done, outcomes not recordable), tells it to stop, and once its shutdown timeout has passed and it has kept those
     * outcomes on disk (in {@code dataDir}), kills it with -9, as an orchestrator whose patience ran out would (its
     * stop would wait on the unreachable broker for long after). What it had sent into the partition is lost with it,
     * as dropped packets are; then the link heals. Returns the outcomes it kept.
     */
    private static List<OutcomeJournal.Entry> stopWhileCutOff(
            FaultProxy link,
            Callable<Boolean> resultsIn,
            ChildJvm service,
            Path dataDir,
            int expected,
            Duration shutdownTimeout)
            throws Exception {
        OutcomeJournal journal = new OutcomeJournal(dataDir);
        link.partition();
        try {
            await("the results came in")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(resultsIn);
            TimeUnit.MILLISECONDS.sleep(500); // the results reach the slots, which cannot record them
            service.terminate();
            await("the stopping service keeps the outcomes it could not record")
                    .atMost(shutdownTimeout.plusSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !service.isAlive() || journal.entries().size() >= expected);
            service.kill9();
            link.cut();
            return journal.entries(); // read after the kill: an entry written at the last moment counts too
        } finally {
            link.heal();
        }
    }

    /**
     * The gateway is killed with -9 while a WebSocket client's task is under way and stays down for
     * {@link #GATEWAY_DOWN}, longer than its replay margin at start (15 s): its clients and the legacy worker lose
     * their connections (the legacy worker drops the task it ran), the tasks its legacy slots held go back to the fleet
     * when their lock runs out, and the results that end while no gateway runs must reach their clients once they
     * reconnect to the new process (it routes again the events since a gateway was last heard, ADR 029).
     *
     * <p>The kill lands while the legacy worker runs nothing and every result it sent is recorded. A legacy worker
     * that finishes a task just as its gateway dies has run it with no way to say so (the legacy protocol has no result
     * to send again after a reconnect): the task goes back to the fleet when its lock runs out and runs a second time.
     * That at-least-once limit of unchanged legacy workers is documented (ADR 029); this fault measures the result
     * replay, which a task the legacy worker starts after the check cannot disturb (it takes {@code LEGACY_WORK}, and
     * the worker drops it once it sees the connection gone). "Runs nothing" alone was not enough: a result sent a
     * moment before the look was still on its way into the gateway's ledger when the kill landed.
     */
    private void killTheGatewayAndStartItLate(EventLog events) throws Exception {
        await("a WebSocket client's task is under way while the legacy worker runs nothing and its results are in")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> legacy.running.isEmpty()
                        && legacy.effects.keySet().stream().allMatch(events::isFinished)
                        && clients.stream().flatMap(c -> c.accepted.stream()).anyMatch(id -> !events.isFinished(id)));
        Instant at = Instant.now();
        gatewayKills.add(at);
        gateway.kill9();
        TimeUnit.MILLISECONDS.sleep(GATEWAY_DOWN.toMillis());
        Instant back = Instant.now();
        long endedMeanwhile = clients.stream()
                .flatMap(c -> c.accepted.stream())
                .distinct()
                .filter(id -> events.terminals().getOrDefault(id, List.of()).stream()
                        .anyMatch(t -> !t.getAt().isBefore(at) && t.getAt().isBefore(back)))
                .count();
        startGateway();
        await("the legacy worker is back").atMost(Duration.ofMinutes(2)).until(legacy::isRegistered);
        recovered(
                events,
                "gateway killed -9, started again " + GATEWAY_DOWN.toSeconds() + " s later (" + endedMeanwhile
                        + " WebSocket task(s) ended while no gateway ran)",
                at,
                List.of());
    }

    /**
     * Redis stops for {@link #REDIS_OUTAGE} and comes back empty, as after a crash without persistence: intake goes on
     * meanwhile (ADR 022), and what the services keep there (presence set, quotas) is rebuilt.
     */
    private void stopRedisForAWhile(EventLog events) throws Exception {
        Instant at = Instant.now();
        int acceptedBefore = acceptedHttp.size();
        redis.stop();
        try {
            TimeUnit.MILLISECONDS.sleep(REDIS_OUTAGE.toMillis());
        } finally {
            redis.start();
        }
        int acceptedDuring = acceptedHttp.size() - acceptedBefore;
        assertThat(acceptedDuring)
                .as("HTTP tasks accepted while Redis was down (intake must not stop)")
                .isPositive();
        recovered(
                events,
                "Redis stopped for " + REDIS_OUTAGE.toSeconds() + " s, then started empty (" + acceptedDuring
                        + " HTTP tasks accepted meanwhile)",
                at,
                List.of());
    }

    private void killAndRestartTheBroker(EventLog events) throws Exception {
        Instant at = Instant.now();
        broker.kill9();
        // the broker stays down for a moment, as a crashed host would; submissions meanwhile are refused or wait
        TimeUnit.SECONDS.sleep(3);
        broker.start();
        recovered(events, "broker killed -9, restarted on the same data dir and port", at, List.of());
    }

    /**
     * The broker's log dir fills to its last byte while tasks flow (a filler file on the broker's own tmpfs). Kafka
     * cannot append, takes its only log dir offline and stops; submissions meanwhile are refused (and must never run)
     * or wait. Then the space comes back and the broker is started again on the same data, as an operator does once
     * the disk is freed. Where the tmpfs could not be mounted (not root), the summary says so.
     */
    private void fillTheBrokersDisk(EventLog events) throws Exception {
        if (brokerDisk == null) {
            String[] row = {
                "broker's log dir full: not run (" + brokerDiskRefused + ")",
                seconds(suiteStart, Instant.now()),
                "–",
                "–"
            };
            faults.add(row);
            System.out.println("[fault] " + String.join(" | ", row));
            return;
        }
        Instant at = Instant.now();
        long filled = brokerDisk.fill();
        boolean stopped = broker.awaitExit(DISK_FULL);
        brokerDisk.free();
        broker.restart();
        recovered(
                events,
                "broker's log dir full (" + (filled >> 20) + " MB filler), the broker "
                        + (stopped ? "stopped by itself" : "still up after " + DISK_FULL.toSeconds() + " s, killed")
                        + "; space freed, broker started again",
                at,
                List.of());
    }

    /**
     * The dispatcher is killed with -9 while tasks flow (its release transactions run every few milliseconds, so one is
     * likely open) and started again as a new process, with a new transactional id: what the dead one left open stays
     * open until the broker's transaction timeout (10 s) aborts it, and nothing it released may be released twice.
     */
    private void killAndRestartTheDispatcher(EventLog events) throws Exception {
        await("a task is dispatched")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> events.dispatchedWithin(Duration.ofMillis(500)));
        Instant at = Instant.now();
        dispatcher.kill9();
        dispatcher = startDispatcher();
        recovered(events, "dispatcher killed -9 while releasing, started again as a new process", at, List.of());
    }

    private ChildJvm startDispatcher() throws IOException {
        dispatcherStarts++;
        Map<String, String> settings = serviceSettings("dispatcher", dispatcherStarts, broker.bootstrapServers(), 0);
        settings.put("spring.config.name", "dispatcher");
        return new ChildJvm(
                DispatcherApplication.class,
                settings,
                Map.of(),
                dir.resolve("dispatcher-" + dispatcherStarts + ".log"));
    }

    /**
     * What every service process of the suite is started with: its broker address, Redis with waits longer than the
     * suite's Redis outage, a data dir of its own for each start, a port (0: any), logs at INFO for the project.
     */
    private Map<String, String> serviceSettings(String service, int start, String bootstrapServers, int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.kafka.bootstrap-servers", bootstrapServers);
        settings.put("spring.data.redis.host", "127.0.0.1");
        settings.put("spring.data.redis.port", String.valueOf(redis.port()));
        settings.put("spring.data.redis.timeout", "10s");
        settings.put("spring.data.redis.connect-timeout", "10s");
        settings.put("dsp.data-dir", dir.resolve(service + "-data-" + start).toString());
        settings.put("server.port", String.valueOf(port));
        settings.put("logging.level.root", "WARN");
        settings.put("logging.level.io.dsp", "INFO");
        return settings;
    }

    private void cutTheLegacyWorkersSocket(EventLog events) throws Exception {
        await("the legacy worker runs a task")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !legacy.running.isEmpty());
        List<String> interrupted = List.copyOf(legacy.running);
        Instant at = Instant.now();
        legacy.cut(Duration.ofSeconds(2));
        recovered(
                events,
                "legacy worker's WebSocket cut mid-task (" + interrupted.size() + " task(s) running)",
                at,
                interrupted);
    }

    /**
     * A rolling upgrade under way: a newer asset-api release (played by {@link NewerAssetApiRelease}) has published its
     * writer schemas and accepts tasks written with them, a field more in {@code TaskRequested} and {@code TaskEvent},
     * while every other service still runs this release. The dispatcher, the gateway, the workers' ledgers and
     * asset-api's read models decode them by fingerprint (ADR 027): each must run and end exactly once, as any other
     * task, and none may be skipped.
     */
    private void acceptTasksFromANewerRelease(EventLog events) throws Exception {
        Instant at = Instant.now();
        List<String> ids;
        try (NewerAssetApiRelease next = new NewerAssetApiRelease(broker.bootstrapServers())) {
            ids = next.accept(license, EffectWorkerMain.TASK_TYPE, NEWER_RELEASE_TASKS);
        }
        // accepted at the HTTP edge, by the newer release's asset-api
        acceptedHttp.addAll(ids);
        await("the tasks the newer release accepted end")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ids.stream().allMatch(events::isFinished));
        assertThat(ids)
                .as("tasks a newer release accepted that did not succeed: %s", lives(events, ids))
                .allMatch(id ->
                        events.terminals().get(id).stream().allMatch(t -> t.getType() == TaskEventType.SUCCEEDED));
        recovered(
                events,
                "rolling upgrade: a newer asset-api release accepted " + ids.size()
                        + " task(s) written with its schemas" + " (a field more in TaskRequested and TaskEvent)",
                at,
                ids);
    }

    /**
     * A task that kills every worker that runs it (its handler halts the JVM, as a poison input crashes a GPU server).
     * After {@code quarantine-after} (2) attempts ended with their worker dying, the last of them running alone there,
     * the next delivery dead-letters it (KILLS_WORKERS) instead of running it; when the deaths had other tasks beside
     * them, it runs once more, alone, first (ADR 038). It must end dead-lettered, once, having killed at most three
     * workers; the tasks that died beside it run again and succeed. The suite starts a fresh worker in the place of each
     * one that died, as an operator's supervisor would.
     */
    private void feedAPoisonTask(EventLog events) throws Exception {
        Instant at = Instant.now();
        HttpResponse<String> answer =
                http.send(taskPost(EffectWorkerMain.POISON_TYPE), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String poison = requestIdOf(answer.body());
        acceptedHttp.add(poison);
        poisons.add(poison);
        AtomicInteger died = new AtomicInteger();
        await("the poison task is dead-lettered")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    died.addAndGet(replaceDeadWorkers());
                    return events.isFinished(poison);
                });
        died.addAndGet(replaceDeadWorkers());
        TaskEvent end = events.terminals().get(poison).get(0);
        String reason = end.getError() == null ? "no reason" : end.getError().getCode();
        assertThat(end.getType())
                .as("the poison task's end: %s", life(events, poison))
                .isEqualTo(TaskEventType.DEAD_LETTERED);
        assertThat(died.get())
                .as("workers the poison task killed before it was quarantined: %s", life(events, poison))
                .isLessThanOrEqualTo(3);
        recovered(
                events,
                "poison task (kills the worker that runs it) dead-lettered " + reason + " (" + died.get()
                        + " worker(s) killed)",
                at,
                List.of(poison));
    }

    /** Starts a fresh worker in the place of each one whose process has ended; returns how many. */
    private int replaceDeadWorkers() throws IOException {
        int replaced = 0;
        for (WorkerProcess worker : List.copyOf(workers)) {
            if (worker.isAlive()) {
                continue;
            }
            workers.remove(worker);
            boolean wasVictim = worker == victim;
            WorkerProcess fresh = new WorkerProcess(
                    "gpu-fault-r" + replacements.incrementAndGet(),
                    broker.bootstrapVia(WORKERS),
                    dir,
                    effectLog,
                    wasVictim ? VICTIM_WORK_TIME : WorkerProcess.WORK_TIME,
                    Map.of());
            workers.add(fresh);
            if (wasVictim) {
                victim = fresh;
            }
            replaced++;
        }
        return replaced;
    }

    /** Waits for the first new task to succeed after the fault, and for the interrupted ones to end; notes both. */
    private void recovered(EventLog events, String fault, Instant at, List<String> interrupted) {
        try {
            await(fault + ": a task accepted after it succeeds")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> events.firstNewSuccessAfter(at) != null);
        } catch (ConditionTimeoutException e) {
            System.out.println(diagnosis(events, at));
            throw e;
        }
        Instant firstSuccess = events.firstNewSuccessAfter(at);
        String interruptedDone = "–";
        if (!interrupted.isEmpty()) {
            await(fault + ": the interrupted tasks end")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> interrupted.stream().allMatch(events::isFinished));
            Instant last = interrupted.stream()
                    .flatMap(id -> events.terminals().getOrDefault(id, List.of()).stream())
                    .map(TaskEvent::getAt)
                    .max(Comparator.naturalOrder())
                    .orElse(at);
            interruptedDone = seconds(at, last);
        }
        String[] row = {fault, seconds(suiteStart, at), seconds(at, firstSuccess), interruptedDone};
        faults.add(row);
        System.out.println("[fault] " + String.join(" | ", row));
    }

    /**
     * The accepted tasks still without a terminal event at the end, each with every event it has and every line of the
     * children's logs that names it: what an operator would look at to find where it stopped.
     */
    private String unfinished(EventLog events, Set<String> accepted) {
        List<String> stuck =
                accepted.stream().filter(id -> !events.isFinished(id)).sorted().toList();
        StringBuilder out = new StringBuilder("[fault] accepted tasks without a terminal event: ")
                .append(stuck.size())
                .append('\n');
        Map<String, List<String>> logLines = new HashMap<>();
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    for (String id : stuck) {
                        if (line.contains(id)) {
                            logLines.computeIfAbsent(id, k -> new ArrayList<>())
                                    .add(log.getFileName() + ": " + line.substring(0, Math.min(400, line.length())));
                        }
                    }
                }
            }
        } catch (Exception e) {
            out.append("  (logs not read: ").append(e).append(")\n");
        }
        for (String id : stuck.subList(0, Math.min(10, stuck.size()))) {
            out.append("  ")
                    .append(id)
                    .append(acceptedHttp.contains(id) ? " (http)" : " (ws)")
                    .append('\n');
            events.events().stream()
                    .filter(e -> e.getRequestId().equals(id))
                    .forEach(e -> out.append("    ")
                            .append(seconds(suiteStart, e.getAt()))
                            .append(' ')
                            .append(e.getType())
                            .append(" by ")
                            .append(e.getWorkerId())
                            .append(" delivery ")
                            .append(e.getDeliveryCount())
                            .append('\n'));
            List<String> lines = logLines.getOrDefault(id, List.of());
            lines.subList(Math.max(0, lines.size() - 20), lines.size())
                    .forEach(l -> out.append("    | ").append(l).append('\n'));
        }
        out.append("  faults: ")
                .append(faults.stream().map(r -> r[0] + " at " + r[1]).toList());
        return out.toString();
    }

    /** What the pipeline looked like when it did not recover: where the tasks accepted since the fault stand. */
    private String diagnosis(EventLog events, Instant at) {
        StringBuilder out = new StringBuilder("[fault] no recovery; state since ")
                .append(at)
                .append('\n');
        Map<String, TaskEvent> last = new HashMap<>();
        Set<String> acceptedSince = new HashSet<>();
        for (TaskEvent e : events.events()) {
            last.put(e.getRequestId(), e);
            if (e.getType() == TaskEventType.ACCEPTED && e.getAt().isAfter(at)) {
                acceptedSince.add(e.getRequestId());
            }
        }
        out.append("  accepted since: ").append(acceptedSince.size()).append(", by last step: ");
        out.append(acceptedSince.stream()
                .collect(Collectors.groupingBy(id -> last.get(id).getType(), Collectors.counting())));
        out.append("\n  unfinished (any time), last step and worker: ");
        last.values().stream()
                .filter(e -> !TaskEvents.isTerminal(e.getType()))
                .forEach(e -> out.append(e.getRequestId())
                        .append('=')
                        .append(e.getType())
                        .append('@')
                        .append(e.getWorkerId())
                        .append(' '));
        out.append("\n  http accepted=")
                .append(acceptedHttp.size())
                .append(" refused=")
                .append(refusedHttp.get());
        clients.forEach(c -> out.append("\n  ws client accepted=").append(c.accepted.size()));
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n  --- ").append(log.getFileName()).append(" (last 15 lines)\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                        .forEach(l -> out.append("  ")
                                .append(l, 0, Math.min(400, l.length()))
                                .append('\n'));
            }
        } catch (Exception e) {
            out.append("\n  (logs not read: ").append(e).append(')');
        }
        return out.toString();
    }

    private void account(EventLog events, Set<String> accepted, String summaryFile, String title) throws Exception {
        Map<String, List<TaskEvent>> terminals = events.terminals();
        Map<String, Integer> nativeEffects = new HashMap<>();
        for (String line : Files.readAllLines(effectLog, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                String[] effect = line.strip().split(" ");
                nativeEffects.merge(effect[0], 1, Integer::sum);
                if (effect.length == 3) {
                    effectsAt
                            .computeIfAbsent(effect[0], id -> new ArrayList<>())
                            .add("EFFECT(" + effect[1] + ") "
                                    + seconds(suiteStart, Instant.ofEpochMilli(Long.parseLong(effect[2]))));
                }
            }
        }
        Map<String, Integer> effects = new HashMap<>(nativeEffects);
        legacy.effects.forEach((id, n) -> effects.merge(id, n.get(), Integer::sum));

        List<String> lost = accepted.stream()
                .filter(id -> !terminals.containsKey(id))
                .sorted()
                .toList();
        List<String> endedTwice = terminals.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        List<String> duplicated = effects.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        // Duplicates that no legacy worker took part in: the native workers' exactly-once promise (ADR 006).
        List<String> nativeDuplicated = nativeEffects.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        List<String> nativeEndedTwice = endedTwice.stream()
                .filter(id -> terminals.get(id).stream().noneMatch(t -> "gateway".equals(t.getSource())))
                .toList();
        List<String> succeededWithoutEffect = terminals.entrySet().stream()
                .filter(e -> e.getValue().get(0).getType() == io.dsp.schemas.avro.TaskEventType.SUCCEEDED)
                .map(Map.Entry::getKey)
                .filter(id -> !effects.containsKey(id))
                .toList();
        Map<String, Long> byOutcome = new TreeMap<>(terminals.values().stream()
                .map(list -> list.get(0).getType().toString())
                .collect(Collectors.groupingBy(t -> t, Collectors.counting())));
        int wsRefused = clients.stream().mapToInt(c -> c.refused.get()).sum();
        // Every task a WebSocket client submitted: its result reached the license's connections (the submitting one
        // when it is open, else every one), so one of the two clients of the license holds it.
        try {
            await("results reach the WebSocket clients")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> wsWithoutResult().isEmpty());
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        List<String> wsWithoutResult = wsWithoutResult();
        List<String> refusedThatRan = clients.stream()
                .flatMap(c -> c.refusedIds.stream())
                .filter(id -> terminals.containsKey(id) || effects.containsKey(id))
                .sorted()
                .toList();
        Set<String> unconfirmed = new HashSet<>(unconfirmedHttp);
        clients.forEach(c -> unconfirmed.addAll(c.unconfirmedIds));
        long unconfirmedThatRan =
                unconfirmed.stream().filter(terminals::containsKey).count();
        // An outcome of a task no one was told was accepted or may be: an HTTP submission answered "failed" (its id is
        // not in the answer, so only this catches it running) or one never answered at all.
        List<String> ranUnaccepted = terminals.keySet().stream()
                .filter(id -> !accepted.contains(id) && !unconfirmed.contains(id))
                .sorted()
                .toList();

        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Run %s, %.0f s. %s, asset-api in the test"
                        + " JVM, the gateway, the dispatcher and gpu-consumer workers as child JVMs (workers: 2 slots,"
                        + " 1.5 s per task; the worker that is killed 4 s), one legacy worker (2 slots, %d ms per task) and two legacy app"
                        + " connections over the gateway.%s%n%n",
                suiteStart,
                Duration.between(suiteStart, Instant.now()).toMillis() / 1000.0,
                cluster
                        ? "Three broker processes, one KRaft cluster (launcher's KafkaBroker; every topic on 3"
                                + " replicas, min.insync.replicas 2)"
                        : "Standalone broker process (launcher's KafkaBroker)",
                LEGACY_WORK.toMillis(),
                (cluster
                                ? ""
                                : " The workers and the gateway reach the broker through TCP fault proxies of their"
                                        + " own.")
                        + (!smallDisk
                                ? ""
                                : brokerDisk != null
                                        ? " The broker's log dir is a " + BROKER_DISK + " tmpfs of its own."
                                        : " The broker's log dir is on the machine's disk (no tmpfs: "
                                                + brokerDiskRefused + ").")));
        md.append(
                "| # | Fault | At (s into run) | First new task succeeded after (s) | Interrupted tasks ended after (s) |\n");
        md.append("|---|---|---|---|---|\n");
        for (int i = 0; i < faults.size(); i++) {
            String[] f = faults.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", i + 1, f[0], f[1], f[2], f[3]));
        }
        if (faults.size() > catalogue().size()) {
            md.append("\n| Fault | Times | First new task succeeded after, worst (s) |\n|---|---|---|\n");
            Map<String, List<String[]>> byKind =
                    new TreeMap<>(faults.stream().collect(Collectors.groupingBy(f -> kind(f[0]))));
            byKind.forEach((kind, rows) -> md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s |%n",
                    kind,
                    rows.size(),
                    rows.stream()
                            .map(r -> Double.parseDouble(r[2]))
                            .max(Comparator.naturalOrder())
                            .map(v -> String.format(Locale.ROOT, "%.1f", v))
                            .orElse("–"))));
        }
        md.append(
                "\n| Tasks accepted | via HTTP | via WebSocket | submissions refused during faults | outcomes | lost |"
                        + " ended twice (all / native workers only) | duplicated effects (all / native workers only) |"
                        + " succeeded without effect | WebSocket tasks whose result no client of the license heard |"
                        + " refused tasks that ran | sent, not confirmed (of them ran) | outcomes of tasks never accepted |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| %d | %d | %d | %d | %s | **%d** | %d / %d | **%d** / **%d** | %d | %d | %d | %d (%d) | %d |%n",
                accepted.size(),
                acceptedHttp.size(),
                accepted.size() - acceptedHttp.size(),
                refusedHttp.get() + wsRefused,
                byOutcome,
                lost.size(),
                endedTwice.size(),
                nativeEndedTwice.size(),
                duplicated.size(),
                nativeDuplicated.size(),
                succeededWithoutEffect.size(),
                wsWithoutResult.size(),
                refusedThatRan.size(),
                unconfirmed.size(),
                unconfirmedThatRan,
                ranUnaccepted.size()));
        if (!wsWithoutResult.isEmpty()) {
            md.append("\nWebSocket tasks without a result at a client: ")
                    .append(String.join(", ", wsWithoutResult.subList(0, Math.min(20, wsWithoutResult.size()))))
                    .append('\n');
        }
        List<String> notSucceeded = terminals.entrySet().stream()
                .filter(e -> accepted.contains(e.getKey()))
                .flatMap(e -> e.getValue().stream())
                .filter(e -> e.getType() != TaskEventType.SUCCEEDED)
                .map(e -> e.getRequestId() + " " + e.getType()
                        + (e.getError() == null
                                ? ""
                                : " " + e.getError().getCode() + " ("
                                        + e.getError().getMessage() + ")"))
                .sorted()
                .toList();
        if (!notSucceeded.isEmpty()) {
            md.append("\nAccepted tasks that did not succeed, with their reason (the poison task among them):\n");
            notSucceeded.stream()
                    .limit(20)
                    .forEach(line -> md.append("- ").append(line).append('\n'));
        }
        md.append("\nAccounting from `dsp.task-events` (read committed, from the beginning) and the effect records:"
                + " the workers' effect log (one line per completed effect, forced to disk) and the legacy worker's"
                + " count per request id.\n");
        Set<String> explained = new java.util.TreeSet<>(endedTwice);
        explained.addAll(duplicated);
        if (!explained.isEmpty()) {
            md.append(
                    "\n## Tasks that ended twice or ran twice\n\n| Task | Effects (native + legacy) | Life (s into run) |\n"
                            + "|---|---|---|\n");
            for (String id : explained) {
                String life = life(events, id);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d + %d | %s |%n",
                        id,
                        nativeEffects.getOrDefault(id, 0),
                        legacy.effects.containsKey(id) ? legacy.effects.get(id).get() : 0,
                        life));
            }
            md.append("\nA legacy worker cannot be asked whether it already ran a task: when the gateway bridging it"
                    + " stops while it runs one, its result has nowhere to go, the record is released and another"
                    + " member runs the task again (at least once through the legacy bridge). Tasks that ended before"
                    + " are never handed to a legacy worker again: the gateway reads recent outcomes before it opens"
                    + " (dsp.gateway.outcomes.horizon, ADR 024). An outcome a gateway or a native worker stopped cut"
                    + " off from the broker kept on disk prevents the second run only when that service is back before"
                    + " another member takes the task: the record is handed on once the stopped service's"
                    + " connections close, then the open-attempt wait (ADR 032). Kept outcomes"
                    + " back only after another member took the task (recorded late, or dropped as it had ended): "
                    + explained.stream()
                            .filter(id -> keptOutcomeLandedLate(events, effects, id))
                            .count() + ".\n");
        }
        Path summary = TestClasspath.TARGET.resolve(summaryFile);
        Files.writeString(summary, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);

        assertThat(accepted).as("accepted tasks").isNotEmpty();
        assertThat(lost).as("accepted tasks without a terminal event (lost)").isEmpty();
        // A task that died beside the poison is not the poison: it runs again and succeeds (ADR 038).
        List<String> innocentNotSucceeded = notSucceeded.stream()
                .filter(line -> poisons.stream().noneMatch(line::startsWith))
                .toList();
        assertThat(innocentNotSucceeded)
                .as("accepted tasks other than the poison that did not succeed; faults %s", faults())
                .isEmpty();
        // The lives go into the failure messages, so that a failure in CI explains itself without the summary file.
        // A native worker stopped cut off from the broker that is back only after another member took its task's next
        // delivery is ADR 032's limit, told apart from a run the journal should have stopped (keptOutcomeLandedLate).
        List<String> nativeDuplicatedUnexplained = nativeDuplicated.stream()
                .filter(id -> !keptOutcomeLandedLate(events, effects, id))
                .toList();
        assertThat(nativeDuplicatedUnexplained)
                .as(
                        "effects that ran more than once on native workers; faults %s; lives %s",
                        faults(), lives(events, nativeDuplicatedUnexplained))
                .isEmpty();
        // Nor may any task run twice through the legacy bridge: a native worker frozen past its lock that wakes
        // mid-task must not repeat what the legacy worker has run meanwhile, and a gateway restarted, stopped cut off
        // from the broker or losing its broker must not hand a task on while its legacy worker still runs it.
        // Except a task the legacy worker finished as its gateway was killed -9: its result had nowhere to go (the
        // legacy protocol sends none again after a reconnect), so it ran again once its lock ran out (ADR 029). The
        // gateway-kill fault waits until the legacy worker runs nothing and its results are in, so none is expected.
        // Nor a task whose outcome a gateway or a native worker stopped cut off from the broker kept on disk, when
        // another member took the next delivery before the restarted service recorded it: the journal helps only one
        // that is back first (ADR 032); keptOutcomeLandedLate tells that apart from a run the journal should have
        // stopped.
        List<String> duplicatedAnywhere = duplicated.stream()
                .filter(id -> !legacyRunCutByAGatewayKill(events, id) && !keptOutcomeLandedLate(events, effects, id))
                .toList();
        assertThat(duplicatedAnywhere)
                .as(
                        "effects that ran more than once, on native or legacy workers; faults %s; lives %s",
                        faults(), lives(events, duplicatedAnywhere))
                .isEmpty();
        List<String> endedTwiceUnexplained = endedTwice.stream()
                .filter(id -> !keptOutcomeLandedLate(events, effects, id))
                .toList();
        assertThat(endedTwiceUnexplained)
                .as(
                        "tasks that ended more than once, on native or legacy workers; faults %s; lives %s",
                        faults(), lives(events, endedTwiceUnexplained))
                .isEmpty();
        assertThat(succeededWithoutEffect)
                .as("tasks that succeeded without their effect")
                .isEmpty();
        assertThat(refusedThatRan)
                .as("tasks a WebSocket client was refused that ran")
                .isEmpty();
        assertThat(ranUnaccepted)
                .as("tasks that ran though no client was told they were accepted or may be (HTTP \"failed\" answers)")
                .isEmpty();
        assertThat(wsWithoutResult)
                .as("WebSocket tasks whose result reached no client of their license")
                .isEmpty();
    }

    /** Each event of the task, in log order: type, source, worker, delivery count, seconds into the run. */
    private String life(EventLog events, String id) {
        return events.events().stream()
                        .filter(e -> e.getRequestId().equals(id))
                        .map(e -> e.getType() + "@" + e.getSource()
                                + (e.getWorkerId() == null ? "" : "(" + e.getWorkerId() + ")")
                                + (e.getDeliveryCount() == null ? "" : " dc" + e.getDeliveryCount()) + " "
                                + seconds(suiteStart, e.getAt()))
                        .collect(Collectors.joining(", "))
                + effectsAt.getOrDefault(id, List.of()).stream()
                        .map(e -> ", " + e)
                        .collect(Collectors.joining());
    }

    private String lives(EventLog events, List<String> ids) {
        return ids.stream().limit(5).map(id -> id + ": " + life(events, id)).collect(Collectors.joining("; "));
    }

    /**
     * Whether the legacy worker ran this task on a delivery its gateway started at most {@code LEGACY_WORK} plus a
     * second before that gateway was killed -9: the result was under way when the gateway died.
     */
    private boolean legacyRunCutByAGatewayKill(EventLog events, String requestId) {
        if (!legacy.effects.containsKey(requestId)) {
            return false;
        }
        Duration window = LEGACY_WORK.plusSeconds(1);
        return events.events().stream()
                .filter(e -> e.getRequestId().equals(requestId)
                        && e.getType() == TaskEventType.STARTED
                        && "gateway".equals(e.getSource()))
                .anyMatch(e -> gatewayKills.stream()
                        .anyMatch(kill -> !e.getAt().isAfter(kill) && !e.getAt().isBefore(kill.minus(window))));
    }

    /**
     * Whether a service stopped cut off from the broker (a gateway, a native worker) kept this task's outcome on disk,
     * and another member started the task's next delivery before the restarted service recorded that outcome: ADR
     * 032's journal helps only when the service is back before another member takes the task (the broker hands the
     * record on as soon as the killed service's connections close, and the next holder waits the open-attempt wait,
     * 10 s; a restart on a slow CI machine took 18). A task's events share one partition, so their order in the log is
     * the order they were written in.
     */
    private boolean keptOutcomeLandedLate(EventLog events, Map<String, Integer> effects, String requestId) {
        KeptBy keeper = keptByAServiceStoppedCutOff.get(requestId);
        if (keeper == null || effects.getOrDefault(requestId, 0) > 2) {
            return false; // the limit explains one run more, by the member that took the next delivery: not two
        }
        List<TaskEvent> life = events.events().stream()
                .filter(e -> e.getRequestId().equals(requestId))
                .toList();
        Optional<TaskEvent> kept = life.stream()
                .filter(e -> keeper.wrote(e)
                        && TaskEvents.isTerminal(e.getType())
                        && Integer.valueOf(keeper.delivery()).equals(e.getDeliveryCount()))
                .findFirst();
        // Another member's start: the restarted service itself must not take the task before it replays its journal.
        if (kept.isPresent()) {
            return life.subList(0, life.indexOf(kept.get())).stream()
                    .anyMatch(e -> e.getType() == TaskEventType.STARTED
                            && !keeper.wrote(e)
                            && e.getDeliveryCount() != null
                            && e.getDeliveryCount() > kept.get().getDeliveryCount());
        }
        // Nothing recorded from the journal: the restarted service found the task ended by another member's later
        // delivery and dropped the entry, the one case in which the journal drops one (OutcomeJournal). An entry
        // still on disk would be one it never replayed.
        return !Files.exists(keeper.entry())
                && life.stream()
                        .anyMatch(e -> TaskEvents.isTerminal(e.getType())
                                && !keeper.wrote(e)
                                && e.getDeliveryCount() != null
                                && e.getDeliveryCount() > keeper.delivery());
    }

    /**
     * Which service kept a task's outcome on disk, in the journal file {@code entry}, for its delivery {@code delivery}:
     * the gateway (its legacy slots' worker ids change with each connection, and the suite runs one gateway), or the
     * native worker of this id.
     */
    private record KeptBy(String source, String workerId, Path entry, int delivery) {

        static KeptBy gateway(OutcomeJournal.Entry kept) {
            return new KeptBy("gateway", null, kept.file(), deliveryOf(kept));
        }

        static KeptBy worker(String workerId, OutcomeJournal.Entry kept) {
            return new KeptBy("gpu-consumer", workerId, kept.file(), deliveryOf(kept));
        }

        /** The delivery of the outcome the journal kept, read from the record it holds. */
        private static int deliveryOf(OutcomeJournal.Entry kept) {
            ProducerRecord<byte[], byte[]> record = kept.record();
            TaskEvent outcome =
                    Topics.TASK_EVENTS.value(new ConsumerRecord<>(record.topic(), 0, 0L, record.key(), record.value()));
            return outcome.getDeliveryCount();
        }

        /** Whether the service that kept the outcome, before its stop or after its restart, wrote this event. */
        boolean wrote(TaskEvent event) {
            return source.equals(event.getSource()) && (workerId == null || workerId.equals(event.getWorkerId()));
        }
    }

    /** The faults injected so far with the second each began, for failure messages. */
    private String faults() {
        return faults.stream().map(f -> f[1] + " s " + kind(f[0])).collect(Collectors.joining(", "));
    }

    /** A fault's kind: its description without the counts of that one injection. */
    private static String kind(String fault) {
        return fault.replaceAll(" \\(\\d[^()]*(\\(s\\)[^()]*)?\\)$", "").replaceAll("'s \\d+ broker", "'s broker");
    }

    private List<String> wsWithoutResult() {
        Set<String> heard = new HashSet<>();
        clients.forEach(c -> heard.addAll(c.results));
        return clients.stream()
                .flatMap(c -> c.accepted.stream())
                .filter(id -> !heard.contains(id))
                .sorted()
                .toList();
    }

    private void submitHttp(Semaphore inFlight) {
        if (!inFlight.tryAcquire()) {
            return;
        }
        http.sendAsync(taskPost(EffectWorkerMain.TASK_TYPE), HttpResponse.BodyHandlers.ofString())
                .whenComplete((answer, error) -> {
                    try {
                        String id = answer == null ? null : requestIdOf(answer.body());
                        Matcher unconfirmed = answer == null ? null : UNCONFIRMED_HTTP.matcher(answer.body());
                        if (error == null && answer.statusCode() == 202 && id != null) {
                            acceptedHttp.add(id);
                        } else if (error == null && answer.statusCode() == 202 && unconfirmed.find()) {
                            unconfirmedHttp.add(unconfirmed.group(1));
                        } else {
                            refusedHttp.incrementAndGet();
                        }
                    } finally {
                        inFlight.release();
                    }
                });
    }

    private HttpRequest taskPost(String taskType) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/tasks"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", "fault-machine")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task_type\":\"" + taskType + "\",\"payload\":{}}"))
                .build();
    }

    /** The id a "sent, not confirmed" answer names (asset-api's TaskIntake text): the task to ask about later. */
    private static final Pattern UNCONFIRMED_HTTP = Pattern.compile("尚未确认：请稍后用 request_id (\\S+) 查询");

    /** The request id of a 202 answer's body, or null. */
    private static String requestIdOf(String body) {
        int at = body.indexOf("\"request_id\":\"");
        return at < 0 ? null : body.substring(at + 14, body.indexOf('"', at + 14));
    }

    /** Starts the gateway process and waits until it answers on its port. */
    private void startGateway() throws Exception {
        gatewayStarts++;
        Map<String, String> settings =
                serviceSettings("gateway", gatewayStarts, broker.bootstrapVia(GATEWAY), gatewayPort);
        settings.put("dsp.gateway.max-messages-per-second", "1000");
        settings.put("dsp.gateway.shutdown-timeout", GATEWAY_SHUTDOWN.toMillis() + "ms");
        // one data dir across starts, as under ./dsp up: what a stop kept on disk is there for the next start
        settings.put("dsp.data-dir", dir.resolve("gateway-data").toString());
        gateway = new ChildJvm(
                GatewayApplication.class, settings, Map.of(), dir.resolve("gateway-" + gatewayStarts + ".log"));
        ChildJvm started = gateway;
        await("the gateway answers on its port")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("the gateway process ended; see its log in " + dir);
                    }
                    try {
                        // any answer: the endpoint opens after the views have read their state
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + gatewayPort + "/actuator/health"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private void provisionLicense() throws Exception {
        License active = License.newBuilder()
                .setLicenseKey(license)
                .setStatus(LicenseStatus.ACTIVE)
                .setUpdatedAt(Instant.now())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(Topics.LICENSES.record(license, active)).get(30, TimeUnit.SECONDS);
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((org.springframework.boot.web.server.context.WebServerApplicationContext) context)
                .getWebServer()
                .getPort();
    }

    private static String seconds(Instant from, Instant to) {
        return String.format(Locale.ROOT, "%.1f", Duration.between(from, to).toMillis() / 1000.0);
    }
}
