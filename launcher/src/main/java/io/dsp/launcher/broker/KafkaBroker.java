package io.dsp.launcher.broker;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.StartupException;
import io.dsp.launcher.process.ChildProcess;
import io.dsp.launcher.process.ClassDataSharing;
import io.dsp.launcher.process.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * The real single-node KRaft broker ({@code kafka.Kafka}) as a child process: formats its storage on first use,
 * starts it, tells when it serves clients, and stops it cleanly so that its logs need no recovery next time.
 */
public final class KafkaBroker {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final String ARCHIVE_PREFIX = "broker-";

    private final BrokerSettings settings;
    private final ChildProcess process;
    private final boolean formatted;
    private final Path classArchiveToDump;

    private final BrokerSecurity security;

    private KafkaBroker(
            BrokerSettings settings,
            BrokerSecurity security,
            ChildProcess process,
            boolean formatted,
            Path classArchiveToDump) {
        this.settings = settings;
        this.security = security;
        this.process = process;
        this.formatted = formatted;
        this.classArchiveToDump = classArchiveToDump;
    }

    /** Formats the storage if it never was, writes the config and starts the broker; see {@link #awaitReady}. */
    public static KafkaBroker start(
            DataDir dataDir, int kafkaPort, int controllerPort, List<Path> classpath, String heap, boolean cds) {
        return start(dataDir, kafkaPort, controllerPort, classpath, heap, cds, null);
    }

    /**
     * As {@link #start(DataDir, int, int, List, String, boolean)}; with {@code security} (nullable) every connection
     * authenticates and every request is authorized: the config file, which then holds the admin's credential, is
     * readable by its owner only.
     */
    public static KafkaBroker start(
            DataDir dataDir,
            int kafkaPort,
            int controllerPort,
            List<Path> classpath,
            String heap,
            boolean cds,
            BrokerSecurity security) {
        return start(dataDir, kafkaPort, controllerPort, classpath, heap, cds, security, List.of(), null);
    }

    /**
     * As {@link #start(DataDir, int, int, List, String, boolean, BrokerSecurity)}, with further client listeners,
     * each advertised at its own port (the system tests' fault proxies stand there), and as one node of a cluster
     * ({@code member}, nullable): its storage is then formatted with the cluster's id, and it serves clients only once a
     * majority of the voters runs, so every node is started before any is awaited.
     */
    public static KafkaBroker start(
            DataDir dataDir,
            int kafkaPort,
            int controllerPort,
            List<Path> classpath,
            String heap,
            boolean cds,
            BrokerSecurity security,
            List<ExtraListener> extraListeners,
            ClusterMember member) {
        BrokerSettings settings = new BrokerSettings(kafkaPort, controllerPort, dataDir.kafka());
        BrokerProcessFactory processes = new BrokerProcessFactory(dataDir, classpath);
        Path config = dataDir.brokerConfig();
        try {
            Files.createDirectories(config.getParent());
            Files.deleteIfExists(config);
            if (security != null) {
                Files.createFile(config, ownerOnly());
            }
            Files.writeString(config, ServerProperties.render(settings, security, extraListeners, member));
        } catch (IOException e) {
            throw new StartupException("Cannot write the broker config " + config + ": " + e.getMessage());
        }
        boolean formatNeeded = !StorageFormat.isFormatted(settings);
        if (formatNeeded) {
            StorageFormat.format(
                    settings,
                    config,
                    processes,
                    member == null ? Uuid.randomUuid().toString() : member.clusterId());
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        Path archiveToDump = null;
        if (cds) {
            Path archive = classArchive(dataDir.classArchives(), classpath);
            if (archive != null) {
                jvm.addAll(ClassDataSharing.options(archive));
                archiveToDump = ClassDataSharing.toDump(archive).orElse(null);
            }
        }
        try {
            ChildProcess process =
                    processes.start(BrokerProcessFactory.COMPONENT, jvm, List.of("kafka.Kafka", config.toString()));
            return new KafkaBroker(settings, security, process, formatNeeded, archiveToDump);
        } catch (IOException e) {
            throw new StartupException("Cannot start the Kafka broker: " + e.getMessage(), dataDir.log("kafka"));
        }
    }

    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly() {
        if (!java.nio.file.FileSystems.getDefault()
                .supportedFileAttributeViews()
                .contains("posix")) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
        return new java.nio.file.attribute.FileAttribute<?>[] {
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))
        };
    }

    /** This JDK's and classpath's archive (it may not exist yet), or null when there is nowhere to keep one. */
    private static Path classArchive(Path dir, List<Path> classpath) {
        Path archive = dir.resolve(ARCHIVE_PREFIX + ClassDataSharing.fingerprint(classpath) + ".jsa");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return null;
        }
        ClassDataSharing.removeOutdated(dir, ARCHIVE_PREFIX, archive);
        return archive;
    }

    /**
     * Blocks until the broker answers a cluster description with itself in it, i.e. it can create topics and serve
     * clients; fails at once, naming the log, if the broker exits meanwhile.
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!Ports.isListening(settings.kafkaPort())) {
            checkAliveBefore(deadline);
            process.awaitExit(POLL);
        }
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        if (security != null) {
            config.putAll(security.adminClientProperties());
        }
        try (Admin admin = Admin.create(config)) {
            while (!hasBroker(admin)) {
                checkAliveBefore(deadline);
                process.awaitExit(POLL);
            }
        }
    }

    private static boolean hasBroker(Admin admin) {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .nodes()
                    .get(3, TimeUnit.SECONDS)
                    .isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while waiting for the Kafka broker");
        }
    }

    private void checkAliveBefore(Instant deadline) {
        if (!process.isAlive()) {
            throw new StartupException(
                    "The Kafka broker exited during start-up (exit code "
                            + process.exitCode().orElse(-1) + ")",
                    process.log());
        }
        if (Instant.now().isAfter(deadline)) {
            throw new StartupException(
                    "The Kafka broker did not answer on " + settings.bootstrapServers() + " in time", process.log());
        }
    }

    /**
     * Stops the broker with SIGTERM and waits up to {@code grace} for its controlled shutdown (logs flushed,
     * clean-shutdown marker written), killing it only after that; returns whether it stopped cleanly.
     */
    public boolean stop(Duration grace) {
        return process.stop(grace);
    }

    /**
     * The class-data sharing archive this broker has none of yet and can dump now that it runs (see {@link
     * io.dsp.launcher.process.ClassArchiveDumper}); empty when it maps one already or runs without.
     */
    public Optional<Path> classArchiveToDump() {
        return Optional.ofNullable(classArchiveToDump);
    }

    public ChildProcess process() {
        return process;
    }

    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    /** Whether this start formatted new storage (the first start on this data dir). */
    public boolean formattedNewStorage() {
        return formatted;
    }
}
