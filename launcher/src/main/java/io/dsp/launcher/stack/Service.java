package io.dsp.launcher.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The services of the stack: Spring Boot fat jars built by the reactor, each on a fixed HTTP port. */
public enum Service {
    ASSET_API("asset-api", 8080, "http://127.0.0.1:8080"),
    DISPATCHER("dispatcher", 8381, "http://127.0.0.1:8381"),
    GATEWAY("gateway", 9501, "ws://127.0.0.1:9501/dsp"),
    GPU_CONSUMER("gpu-consumer", 8384, "http://127.0.0.1:8384"),
    /** The ops dashboard. */
    CONSOLE("console", 8390, "http://127.0.0.1:8390");

    private final String id;
    private final int port;
    private final String url;

    Service(String id, int port, String url) {
        this.id = id;
        this.port = port;
        this.url = url;
    }

    /** The module name, which is also the name on the command line, in logs and in the data dir. */
    public String id() {
        return id;
    }

    public int port() {
        return port;
    }

    /** Where a user reaches it. */
    public String url() {
        return url;
    }

    /** Spring Boot Actuator's health endpoint; {@code "status":"UP"} means ready. */
    public String healthUrl() {
        return "http://127.0.0.1:" + port + "/actuator/health";
    }

    public static Optional<Service> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Service::id).toList();
    }

    /** Where the reactor build puts this service's runnable jar, for messages. */
    public Path expectedJar(Path repoRoot) {
        return repoRoot.resolve(id).resolve("target").resolve(id + "-<version>-exec.jar");
    }

    /**
     * The runnable jar: Spring Boot's repackaged {@code <module>-<version>-exec.jar} (the parent pom keeps the plain
     * jar as the module's artifact), or a plain {@code <module>-<version>.jar} should a module repackage in place.
     * Only a jar whose manifest names a main class counts, so the plain library jar is never picked; sources jars
     * and Boot's {@code .jar.original} do not match the name. An exec jar wins, then the newest.
     */
    public Optional<Path> jar(Path repoRoot) {
        Path target = repoRoot.resolve(id).resolve("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        Pattern name = Pattern.compile(Pattern.quote(id) + "-\\d[\\w.]*?(-SNAPSHOT)?(-exec)?\\.jar");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> name.matcher(f.getFileName().toString()).matches())
                    .filter(Service::hasMainClass)
                    .max(Comparator.comparing(
                                    (Path f) -> f.getFileName().toString().endsWith("-exec.jar"))
                            .thenComparing(Service::modified));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean hasMainClass(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
