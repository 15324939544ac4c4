package io.dsp.launcher.stack;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.process.ChildProcess;
import io.dsp.launcher.process.ClassDataSharing;
import io.dsp.launcher.process.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a service runs from. A Spring Boot fat jar loads its classes from nested jars, which class-data sharing cannot
 * archive; extracted once ({@code java -Djarmode=tools -jar app.jar extract}) into plain jars it can, and starts
 * faster even without an archive. The extraction lives under the data dir's {@code cds/}, keyed to the jar it came
 * from, and is redone only after a rebuild. Should it fail (a jar built without Boot's tools), the service runs from
 * its fat jar as built.
 */
final class ServiceJars {

    private static final Duration EXTRACT_TIMEOUT = Duration.ofSeconds(120);
    private static final String DONE = ".extracted";
    static final String ARCHIVE = "app.jsa";

    private ServiceJars() {}

    /** The jar to run, extracted when possible; the archive, if any, is {@link #ARCHIVE} beside it. */
    static Path prepare(Service service, Path fatJar, DataDir dataDir) {
        String prefix = service.id() + "-";
        Path dir = dataDir.classArchives().resolve(prefix + ClassDataSharing.fingerprint(List.of(fatJar)));
        Path extracted = dir.resolve(fatJar.getFileName());
        if (Files.isRegularFile(dir.resolve(DONE)) && Files.isRegularFile(extracted)) {
            return extracted;
        }
        ClassDataSharing.removeOutdated(dataDir.classArchives(), prefix, null);
        try {
            Files.createDirectories(dataDir.classArchives());
            if (extract(service, fatJar, dir, dataDir) && Files.isRegularFile(extracted)) {
                Files.writeString(dir.resolve(DONE), fatJar + "\n");
                return extracted;
            }
            ClassDataSharing.deleteRecursively(dir);
        } catch (IOException e) {
            // Fall back to the fat jar: slower to start, same service.
        }
        return fatJar;
    }

    /** Class-data sharing options for a service run from {@code jar}: only an extracted jar can use an archive. */
    static List<String> classSharingOptions(Path jar, Path fatJar) {
        return jar.equals(fatJar) ? List.of() : ClassDataSharing.options(archive(jar));
    }

    /** The archive to dump once the service run from {@code jar} is up, if it has none yet and can have one. */
    static Optional<Path> archiveToDump(Path jar, Path fatJar) {
        return jar.equals(fatJar) ? Optional.empty() : ClassDataSharing.toDump(archive(jar));
    }

    private static Path archive(Path jar) {
        return jar.resolveSibling(ARCHIVE);
    }

    private static boolean extract(Service service, Path fatJar, Path dir, DataDir dataDir) throws IOException {
        String component = service.id() + "-extract";
        List<String> command = new JavaCommand(
                        component,
                        List.of("-Djarmode=tools", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                        List.of("-jar", fatJar.toString(), "extract", "--destination", dir.toString()))
                .toList(dataDir.root());
        ClassDataSharing.deleteRecursively(dir);
        ChildProcess tool = ChildProcess.start(
                component, command, dataDir.root(), dataDir.log(service.id()), dataDir.pidFile(component));
        boolean finished = tool.awaitExit(EXTRACT_TIMEOUT);
        tool.stop(Duration.ofSeconds(1));
        return finished && tool.exitCode().orElse(-1) == 0;
    }
}
