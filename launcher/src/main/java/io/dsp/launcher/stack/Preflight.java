package io.dsp.launcher.stack;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.StartupException;
import io.dsp.launcher.process.PidFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** Checks made before anything starts, so that a foreseeable failure is one clear sentence, not a stack trace. */
public final class Preflight {

    private Preflight() {}

    /** Stops what a launcher killed with SIGKILL left running on this data dir, saying so. */
    public static void stopLeftovers(DataDir dataDir, PrintStream out) {
        for (PidFiles.Running leftover : PidFiles.running(dataDir.run(), dataDir.root())) {
            out.printf(
                    "dsp: stopping %s (pid %d), left running by an earlier ./dsp up that did not stop it%n",
                    leftover.component(), leftover.process().pid());
            PidFiles.stop(leftover, Duration.ofSeconds(30));
        }
    }

    /** Fails naming the first port that is taken, and how to get past it. */
    public static void requireFreePorts(
            int kafkaPort, int controllerPort, List<Service> services, IntPredicate isFree) {
        List<String> problems = portProblems(kafkaPort, controllerPort, services, isFree);
        if (!problems.isEmpty()) {
            throw new StartupException(String.join("\n", problems));
        }
    }

    static List<String> portProblems(int kafkaPort, int controllerPort, List<Service> services, IntPredicate isFree) {
        List<String> problems = new ArrayList<>();
        if (!isFree.test(kafkaPort)) {
            problems.add(taken(kafkaPort, "Kafka") + " pick another with --kafka-port.");
        }
        if (!isFree.test(controllerPort)) {
            problems.add(taken(controllerPort, "the Kafka controller") + " pick another with --controller-port.");
        }
        for (Service service : services) {
            if (!isFree.test(service.port())) {
                problems.add(taken(service.port(), service.id()) + " leave the service out with --without="
                        + service.id() + ".");
            }
        }
        return problems;
    }

    private static String taken(int port, String owner) {
        return "Port " + port + " (" + owner + ") is already in use on 127.0.0.1: stop what listens there"
                + " (ss -ltnp 'sport = :" + port + "' shows it) or";
    }

    /** The jar of every selected service; fails naming those that are missing. */
    public static List<Path> requireJars(Path repoRoot, List<Service> services) {
        List<Path> jars = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Service service : services) {
            service.jar(repoRoot)
                    .ifPresentOrElse(
                            jars::add,
                            () -> missing.add(repoRoot.relativize(service.expectedJar(repoRoot))
                                    .toString()));
        }
        if (!missing.isEmpty()) {
            throw new StartupException("Not built: " + String.join(", ", missing)
                    + ". Run ./mvnw -DskipTests package (./dsp does when it runs the launcher), or leave those"
                    + " services out with --without.");
        }
        return jars;
    }
}
