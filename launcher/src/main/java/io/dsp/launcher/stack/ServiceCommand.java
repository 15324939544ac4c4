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
            String fleetToken,
            Path sharedDir) {
        List<String> jvm = new ArrayList<>(
                envOptions == null || envOptions.isBlank()
                        ? DEFAULT_JVM_OPTIONS
                        : Arrays.asList(envOptions.trim().split("\\s+")));
        jvm.addAll(classSharingOptions);
        List<String> main = new ArrayList<>(List.of("-jar", jar.toString()));
        main.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        main.add("--dsp.data-dir=" + serviceDataDir);
        // Shared by the services so that workers may fetch blobs from asset-api; never printed.
        main.add("--dsp.fleet.token=" + fleetToken);
        // One result store for every service on this host; the signing secret of result links is read from a file
        // (Spring's config tree: file name = property), so it never appears on a command line.
        main.add("--dsp.results.dir=" + sharedDir.resolve("results"));
        main.add("--spring.config.import=optional:configtree:" + sharedDir.resolve("secrets") + "/");
        return new JavaCommand(service.id(), jvm, main);
    }
}
