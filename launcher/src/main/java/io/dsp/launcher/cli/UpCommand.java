package io.dsp.launcher.cli;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.StartupException;
import io.dsp.launcher.process.DataDirLock;
import io.dsp.launcher.process.LogTail;
import io.dsp.launcher.process.Ports;
import io.dsp.launcher.stack.Preflight;
import io.dsp.launcher.stack.Service;
import io.dsp.launcher.stack.Stack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./dsp up}: starts the stack in this terminal until Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a KRaft Kafka broker, provisions topics and a demo license, then starts the services; Ctrl-C"
                    + " stops the services, then the broker.",
            "Data (queued tasks, committed offsets) stays in the data dir, so the next 'up' carries on.",
            "Services: asset-api (:8080), dispatcher (:8381), gateway (:9501, /dsp), gpu-consumer (:8384),"
                    + " console (:8390, the ops dashboard)."
        })
final class UpCommand implements Callable<Integer> {

    /** Set by ./dsp to the epoch millisecond it was invoked, so that "ready in" counts the JVM's own start too. */
    static final String STARTED_AT_PROPERTY = "dsp.startedAt";

    private static final int LOG_LINES_ON_ERROR = 25;

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stack;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            defaultValue = "9093",
            description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(
            names = "--without",
            split = ",",
            paramLabel = "SERVICE",
            description = "Services not to start, e.g. --without=gpu-consumer to watch tasks wait.")
    List<String> without;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "SERVICE",
            description = "Start only these services (and Kafka, always); --only=kafka starts the broker alone.")
    List<String> only;

    @Option(
            names = "--startup-timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description = "How long to wait for every service to report UP (default: ${DEFAULT-VALUE}).")
    int startupTimeoutSeconds;

    @Option(
            names = "--broker-heap",
            paramLabel = "SIZE",
            defaultValue = "768m",
            description = "Maximum heap of the broker JVM (default: ${DEFAULT-VALUE}).")
    String brokerHeap;

    @Option(
            names = "--expose",
            description = "Bind the services to every network interface (default: 127.0.0.1 only). Legacy workers on"
                    + " other hosts must then register with the fleet token (.dsp-data/secrets/dsp.fleet.token), or"
                    + " come from DSP_GATEWAY_ACCESS_TOKENLESSNETWORKS (docs/security.md).")
    boolean expose;

    @Option(
            names = "--no-cds",
            negatable = true,
            defaultValue = "true",
            description = "Use class-data sharing archives (in the data dir's cds/) so that the JVMs start faster;"
                    + " --no-cds runs without (default: on).")
    boolean classSharing;

    @Override
    public Integer call() throws InterruptedException {
        List<Service> services = selectedServices();
        PrintStream out = System.out;
        Path repoRoot = StackOptions.repoRoot();
        DataDir dataDir = stack.dataDir();

        Optional<DataDirLock> lock = lock(dataDir);
        if (lock.isEmpty()) {
            System.err.printf(
                    "dsp: error: another ./dsp up is already running on %s; stop it (Ctrl-C in its terminal) or use"
                            + " another --data-dir.%n",
                    dataDir.root());
            return 1;
        }
        Stack running = new Stack(dataDir, repoRoot, out, startedAt(), classSharing);
        running.expose(expose);
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "dsp-shutdown"));
        try {
            Preflight.stopLeftovers(dataDir, out);
            Preflight.requireFreePorts(stack.kafkaPort, controllerPort, services, Ports::isFree);
            List<Path> jars = Preflight.requireJars(repoRoot, services);
            running.prepareServices(services, jars);
            running.startBroker(stack.kafkaPort, controllerPort, brokerHeap);
            String demoKey = running.provision();
            running.startServices(services, jars, Duration.ofSeconds(startupTimeoutSeconds));
            running.watch();
            running.printReady(demoKey);
            running.dumpClassArchives();
        } catch (RuntimeException e) {
            if (running.isStopping()) {
                // Ctrl-C during start-up: the shutdown hook is stopping what started and says so.
                return 130;
            }
            report(e);
            running.stop();
            return 1;
        }
        // Runs until Ctrl-C or SIGTERM; the shutdown hook then stops the stack.
        new CountDownLatch(1).await();
        return 0;
    }

    private List<Service> selectedServices() {
        stack.validatePorts();
        stack.requirePort("--controller-port", controllerPort);
        if (controllerPort == stack.kafkaPort) {
            throw new ParameterException(
                    spec.commandLine(), "--kafka-port and --controller-port must differ: both are " + controllerPort);
        }
        List<Service> services;
        try {
            services = ComponentSelection.select(only, without);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        for (Service service : services) {
            if (service.port() == stack.kafkaPort || service.port() == controllerPort) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Port " + service.port() + " is " + service.id() + "'s; choose another Kafka port.");
            }
        }
        return services;
    }

    private static Optional<DataDirLock> lock(DataDir dataDir) {
        try {
            return DataDirLock.tryAcquire(dataDir.lockFile());
        } catch (IOException e) {
            throw new StartupException("Cannot use the data dir " + dataDir.root() + ": " + e.getMessage());
        }
    }

    private static Instant startedAt() {
        String property = System.getProperty(STARTED_AT_PROPERTY);
        if (property != null && property.matches("\\d+")) {
            return Instant.ofEpochMilli(Long.parseLong(property));
        }
        return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    }

    private static void report(RuntimeException e) {
        if (e instanceof StartupException startup) {
            System.err.println("dsp: error: " + startup.getMessage());
            startup.log().ifPresent(log -> {
                System.err.println("dsp: last lines of " + log + ":");
                LogTail.lastLines(log, LOG_LINES_ON_ERROR).forEach(line -> System.err.println("    " + line));
            });
        } else {
            System.err.println("dsp: error: " + e);
            e.printStackTrace(System.err);
        }
    }
}
