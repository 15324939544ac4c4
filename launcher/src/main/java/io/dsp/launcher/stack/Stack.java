package io.dsp.launcher.stack;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.StartupException;
import io.dsp.launcher.broker.BrokerClasspath;
import io.dsp.launcher.broker.KafkaBroker;
import io.dsp.launcher.process.ChildProcess;
import io.dsp.launcher.process.ClassArchiveDumper;
import io.dsp.launcher.process.ClassDataSharing;
import io.dsp.launcher.process.ProcessMemory;
import io.dsp.launcher.provision.DemoLicenseKey;
import io.dsp.launcher.provision.Provisioning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/**
 * The embedded stack in one terminal: the broker, then provisioning, then the services in parallel; stopped in the
 * reverse order, services before the broker so that they can still flush and leave their groups.
 */
public final class Stack {

    static final Duration SERVICE_GRACE = Duration.ofSeconds(30);
    static final Duration BROKER_GRACE = Duration.ofSeconds(30);
    private static final Duration BROKER_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);

    private final DataDir dataDir;
    private final Path repoRoot;
    private final PrintStream out;
    private final Instant startedAt;
    private final HealthProbe health = new HealthProbe();
    private final boolean classSharing;
    private final ClassArchiveDumper archiveDumper;
    private boolean expose;

    private KafkaBroker broker;
    private CompletableFuture<Map<Service, Path>> runJars = CompletableFuture.completedFuture(Map.of());
    private final Map<Service, ChildProcess> services = new LinkedHashMap<>();
    // The children still without a class-data sharing archive, and where theirs goes once the stack is ready.
    private final Map<ChildProcess, Path> archivesToDump = new LinkedHashMap<>();
    private boolean stopping;

    /**
     * @param classSharing whether the child JVMs use class-data sharing archives (see {@link ServiceJars}); only
     *     with a {@code jcmd} beside this JVM's {@code java}, which dumps them (ADR 025)
     */
    public Stack(DataDir dataDir, Path repoRoot, PrintStream out, Instant startedAt, boolean classSharing) {
        this(dataDir, repoRoot, out, startedAt, classSharing, ClassDataSharing.jcmd());
    }

    Stack(
            DataDir dataDir,
            Path repoRoot,
            PrintStream out,
            Instant startedAt,
            boolean classSharing,
            Optional<Path> jcmd) {
        this.dataDir = dataDir;
        this.repoRoot = repoRoot;
        this.out = out;
        this.startedAt = startedAt;
        if (classSharing && jcmd.isEmpty()) {
            out.printf(
                    "dsp: no jcmd in %s (a JRE?): running without class-data sharing archives, so the JVMs start"
                            + " slower; a JDK makes them start faster%n",
                    Path.of(System.getProperty("java.home"), "bin"));
        }
        this.classSharing = classSharing && jcmd.isPresent();
        this.archiveDumper = this.classSharing ? new ClassArchiveDumper(jcmd.get()) : null;
    }

    /** Whether the children use class-data sharing archives: asked for, and a {@code jcmd} to dump them. */
    boolean classSharing() {
        return classSharing;
    }

    /**
     * Extracts the services' jars for class-data sharing in the background, while the broker starts; only the first
     * run after a build has anything to do. One thread, so that the broker keeps a core to itself.
     */
    public void prepareServices(List<Service> selected, List<Path> fatJars) {
        Map<Service, Path> jars = new LinkedHashMap<>();
        for (int i = 0; i < selected.size(); i++) {
            jars.put(selected.get(i), fatJars.get(i));
        }
        if (!classSharing || selected.isEmpty()) {
            runJars = CompletableFuture.completedFuture(jars);
            return;
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsp-prepare-services");
            t.setDaemon(true);
            return t;
        });
        runJars = CompletableFuture.supplyAsync(
                () -> {
                    Map<Service, Path> run = new LinkedHashMap<>();
                    jars.forEach((service, jar) -> run.put(service, ServiceJars.prepare(service, jar, dataDir)));
                    return run;
                },
                thread);
        runJars.whenComplete((r, e) -> thread.shutdown());
    }

    public void startBroker(int kafkaPort, int controllerPort, String heap) {
        synchronized (this) {
            refuseWhileStopping();
            out.printf(
                    "dsp: starting Kafka on 127.0.0.1:%d (data %s, log %s)%n",
                    kafkaPort, show(dataDir.kafka()), show(dataDir.log("kafka")));
            broker = KafkaBroker.start(
                    dataDir, kafkaPort, controllerPort, BrokerClasspath.current(), heap, classSharing);
            broker.classArchiveToDump().ifPresent(archive -> archivesToDump.put(broker.process(), archive));
        }
        if (broker.formattedNewStorage()) {
            out.println("dsp: formatted new Kafka storage (first run on this data dir)");
        }
        broker.awaitReady(BROKER_START_TIMEOUT);
        out.printf("dsp: Kafka ready after %s%n", elapsed());
    }

    /** Topics, group configs and the demo license; returns the demo license key. */
    public String provision() {
        String key = DemoLicenseKey.loadOrCreate(dataDir.demoLicenseKey(), new SecureRandom());
        String tenantTopic;
        try {
            tenantTopic = Provisioning.run(broker.bootstrapServers(), key);
        } catch (KafkaException e) {
            throw new StartupException("Provisioning Kafka failed: " + e.getMessage(), dataDir.log("kafka"), e);
        }
        out.printf("dsp: topics, share group and demo license provisioned (tenant topic %s)%n", tenantTopic);
        return key;
    }

    /** Binds the services to every interface instead of loopback (./dsp up --expose). */
    public void expose(boolean expose) {
        this.expose = expose;
    }

    /** Starts the services together and waits until each reports UP; fails naming the first that cannot. */
    public void startServices(List<Service> selected, List<Path> fatJars, Duration timeout) {
        if (selected.isEmpty()) {
            return;
        }
        Map<Service, Path> jars = runJars.join();
        String envOptions = System.getenv(ServiceCommand.JVM_OPTIONS_ENV);
        SecureRandom random = new SecureRandom();
        // The fleet token lives in the config tree the services read (file name = property); a data dir from before
        // keeps the token it had in ./fleet-token.
        Path oldFleetToken = dataDir.root().resolve("fleet-token");
        DemoLicenseKey.loadOrCreate(
                dataDir.root().resolve("secrets").resolve("dsp.fleet.token"),
                () -> DemoLicenseKey.stored(oldFleetToken).orElseGet(() -> DemoLicenseKey.fleetToken(random)),
                "the fleet token");
        DemoLicenseKey.loadOrCreate(
                dataDir.root().resolve("secrets").resolve("dsp.results.links.secret"),
                () -> DemoLicenseKey.fleetToken(random) + DemoLicenseKey.fleetToken(random),
                "the result-link signing secret");
        synchronized (this) {
            refuseWhileStopping();
            out.printf(
                    "dsp: starting %s (logs in %s)%n",
                    String.join(", ", selected.stream().map(Service::id).toList()), show(dataDir.logs()));
            for (int i = 0; i < selected.size(); i++) {
                Service service = selected.get(i);
                Path fatJar = fatJars.get(i);
                Path jar = jars.getOrDefault(service, fatJar);
                List<String> sharing = ServiceJars.classSharingOptions(jar, fatJar);
                List<String> command = ServiceCommand.of(
                                service,
                                jar,
                                broker.bootstrapServers(),
                                dataDir.service(service.id()),
                                envOptions,
                                sharing,
                                expose ? "0.0.0.0" : "127.0.0.1",
                                dataDir.root())
                        .toList(dataDir.root());
                try {
                    // Created here so that a service may take its data dir for granted.
                    Files.createDirectories(dataDir.service(service.id()));
                    ChildProcess child = ChildProcess.start(
                            service.id(), command, repoRoot, dataDir.log(service.id()), dataDir.pidFile(service.id()));
                    services.put(service, child);
                    ServiceJars.archiveToDump(jar, fatJar).ifPresent(archive -> archivesToDump.put(child, archive));
                } catch (IOException e) {
                    throw new StartupException(
                            "Cannot start " + service.id() + ": " + e.getMessage(), dataDir.log(service.id()));
                }
            }
        }
        awaitHealthy(new ArrayList<>(selected), Instant.now().plus(timeout), timeout);
    }

    private void awaitHealthy(List<Service> pending, Instant deadline, Duration timeout) {
        while (!pending.isEmpty()) {
            for (Service service : List.copyOf(pending)) {
                ChildProcess process = services.get(service);
                if (!process.isAlive()) {
                    throw new StartupException(
                            service.id() + " exited during start-up (exit code "
                                    + process.exitCode().orElse(-1) + ")",
                            process.log());
                }
                if (health.isUp(service)) {
                    pending.remove(service);
                    out.printf("dsp: %s up after %s%n", service.id(), elapsed());
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                Service late = pending.get(0);
                throw new StartupException(
                        late.id() + " did not report UP at " + late.healthUrl() + " within " + timeout.toSeconds()
                                + " s (still waiting for "
                                + String.join(
                                        ", ", pending.stream().map(Service::id).toList())
                                + ")",
                        dataDir.log(late.id()));
            }
            awaitAnyExit(pending);
        }
    }

    // The poll interval, cut short if a service dies meanwhile.
    private void awaitAnyExit(List<Service> pending) {
        CompletableFuture<?>[] exits =
                pending.stream().map(s -> services.get(s).onExit()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(exits).get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Nothing exited: poll again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while waiting for the services");
        }
    }

    /** From now on, a child that exits on its own is reported; the others keep running. */
    public void watch() {
        for (ChildProcess child : children()) {
            child.onUnexpectedExit(c -> out.printf(
                    "dsp: %s exited unexpectedly (exit code %d); the rest keeps running. Log: %s%n",
                    c.name(), c.exitCode().orElse(-1), show(c.log())));
        }
    }

    public void printReady(String demoLicenseKey) {
        out.printf("dsp: ready in %s%n", elapsed());
        out.printf("  %-13s %s%n", "kafka", broker.bootstrapServers());
        services.keySet().forEach(s -> out.printf("  %-13s %s%n", s.id(), s.url()));
        out.printf("  %-13s %s%n", "demo license", demoLicenseKey);
        out.printf("  %-13s %s%n", "memory", memory());
        out.printf("  %-13s %s%n", "logs", show(dataDir.logs()));
        if (services.containsKey(Service.ASSET_API)) {
            out.println("Try:");
            exampleCommands(demoLicenseKey).forEach(line -> out.println("  " + line));
        }
        out.println("Ctrl-C stops everything.");
    }

    static List<String> exampleCommands(String key) {
        String auth = "-H 'Authorization: Bearer " + key + "' -H 'X-Machine-Code: demo-machine'";
        return List.of(
                "curl -s http://127.0.0.1:8080/actuator/health",
                "curl -s -X POST http://127.0.0.1:8080/api/asset/delete " + auth
                        + " -H 'Content-Type: application/json' -d '{\"id\":123}'",
                "curl -s http://127.0.0.1:8080/api/v1/tasks/<request_id> " + auth);
    }

    /**
     * Once the stack is ready, has each child that started without a class-data sharing archive dump one, in the
     * background and one at a time, so that the next start is faster; a stop meanwhile cancels what is left (ADR
     * 025). The services go first, the broker last.
     */
    public void dumpClassArchives() {
        Map<ChildProcess, Path> toDump = new LinkedHashMap<>();
        synchronized (this) {
            if (stopping || archiveDumper == null || archivesToDump.isEmpty()) {
                return;
            }
            archivesToDump.forEach((child, archive) -> {
                if (broker == null || child != broker.process()) {
                    toDump.put(child, archive);
                }
            });
            toDump.putAll(archivesToDump);
            archivesToDump.clear();
        }
        out.printf(
                "dsp: writing class-data sharing archives for %s in the background (the next start is faster;"
                        + " Ctrl-C does not wait for them)%n",
                String.join(
                        ", ", toDump.keySet().stream().map(ChildProcess::name).toList()));
        toDump.forEach(archiveDumper::dump);
    }

    /** Total resident memory of the broker and the services, then each one's. */
    String memory() {
        long total = 0;
        List<String> each = new ArrayList<>();
        for (ChildProcess child : children()) {
            OptionalLong rss = child.rssBytes();
            if (rss.isPresent()) {
                total += rss.getAsLong();
                each.add(child.name() + " " + ProcessMemory.megabytes(rss.getAsLong()));
            }
        }
        return ProcessMemory.megabytes(total) + " RSS in total (" + String.join(", ", each) + ")";
    }

    /**
     * Stops the services (SIGTERM, up to {@link #SERVICE_GRACE}, then SIGKILL), then the broker (up to
     * {@link #BROKER_GRACE}); safe to call more than once and from a shutdown hook while start-up is under way.
     */
    public void stop() {
        Map<Service, ChildProcess> toStop;
        KafkaBroker brokerToStop;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            toStop = new LinkedHashMap<>(services);
            brokerToStop = broker;
        }
        // First of all: a stop never waits for an archive.
        Optional<ClassArchiveDumper.Dump> interrupted =
                archiveDumper == null ? Optional.empty() : archiveDumper.cancel();
        if (toStop.isEmpty() && brokerToStop == null) {
            return;
        }
        if (!toStop.isEmpty()) {
            out.println("dsp: stopping services");
            toStop.values().forEach(ChildProcess::requestStop);
            toStop.forEach((service, process) -> {
                if (!process.awaitStopped(SERVICE_GRACE)) {
                    out.printf(
                            "dsp: %s did not stop within %d s and was killed%n",
                            service.id(), SERVICE_GRACE.toSeconds());
                }
            });
        }
        if (brokerToStop != null) {
            out.println("dsp: stopping Kafka");
            if (!brokerToStop.stop(BROKER_GRACE)) {
                out.printf("dsp: Kafka did not stop within %d s and was killed%n", BROKER_GRACE.toSeconds());
            }
        }
        // The child being dumped may have started its dumping JVM just after the cancel looked for it.
        interrupted.ifPresent(archiveDumper::discard);
        out.println("dsp: stopped");
    }

    public synchronized boolean isStopping() {
        return stopping;
    }

    private synchronized List<ChildProcess> children() {
        List<ChildProcess> all = new ArrayList<>();
        if (broker != null) {
            all.add(broker.process());
        }
        all.addAll(services.values());
        return all;
    }

    private void refuseWhileStopping() {
        if (stopping) {
            throw new StartupException("Stopping: start-up abandoned");
        }
    }

    private String elapsed() {
        long millis = Duration.between(startedAt, Instant.now()).toMillis();
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private String show(Path path) {
        Path absolute = path.toAbsolutePath();
        return absolute.startsWith(repoRoot) ? repoRoot.relativize(absolute).toString() : absolute.toString();
    }
}
