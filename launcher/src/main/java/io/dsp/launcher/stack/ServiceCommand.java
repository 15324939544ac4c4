package io.dsp.launcher.stack;

import io.dsp.launcher.process.JavaCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a service: JVM flags for a laptop, then the arguments every service understands. */
final class ServiceCommand {

    /**
     * Four Spring Boot JVMs start at once on as few as 2 cores: C1 only and the serial collector spend less CPU on
     * JIT and GC threads while they start, and a small heap keeps the whole stack within a laptop's memory. UTF-8
     * regardless of the machine's locale: the legacy protocol carries Chinese text.
     */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8");

    /** Replaces {@link #DEFAULT_JVM_OPTIONS} when set, e.g. to measure other flags. */
    static final String JVM_OPTIONS_ENV = "DSP_SERVICE_JVM_OPTS";

    private ServiceCommand() {}

    static JavaCommand of(
            Service service,
            Path jar,
            String bootstrapServers,
            Path serviceDataDir,
            String envOptions,
            List<String> classSharingOptions,
            String bindAddress,
            Path sharedDir) {
        List<String> jvm = new ArrayList<>(
                envOptions == null || envOptions.isBlank()
                        ? DEFAULT_JVM_OPTIONS
                        : Arrays.asList(envOptions.trim().split("\\s+")));
        jvm.addAll(classSharingOptions);
        List<String> main = new ArrayList<>(List.of("-jar", jar.toString()));
        main.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        main.add("--dsp.data-dir=" + serviceDataDir);
        // Loopback unless ./dsp up --expose: a laptop's stack is not reachable from the network by default.
        main.add("--server.address=" + bindAddress);
        // One result store for every service on this host. The secrets (the fleet token, the signing secret of result
        // links) are read from files (Spring's config tree: file name = property), so they never appear on a command
        // line, where any local user could read them.
        main.add("--dsp.results.dir=" + sharedDir.resolve("results"));
        main.add("--spring.config.import=optional:configtree:" + sharedDir.resolve("secrets") + "/");
        return new JavaCommand(service.id(), jvm, main);
    }
}
