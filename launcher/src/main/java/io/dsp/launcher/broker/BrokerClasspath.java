package io.dsp.launcher.broker;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The classpath the broker child runs from: the launcher's own runtime classpath, which holds kafka_2.13 and its
 * dependencies. Run from the launcher jar that is the jar's manifest {@code Class-Path} ({@code lib/*.jar}, exactly
 * the current dependency set, never a stale jar left in lib/); run from tests or an IDE it is this JVM's classpath.
 */
public final class BrokerClasspath {

    private BrokerClasspath() {}

    public static List<Path> current() {
        Path location = ownLocation();
        if (Files.isRegularFile(location)) {
            try (JarFile jar = new JarFile(location.toFile())) {
                String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (classPath != null) {
                    return Arrays.stream(classPath.trim().split("\\s+"))
                            .map(entry -> location.getParent().resolve(entry).normalize())
                            .toList();
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the manifest of " + location, e);
            }
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
    }

    static String join(List<Path> classpath) {
        return String.join(
                File.pathSeparator, classpath.stream().map(Path::toString).toList());
    }

    private static Path ownLocation() {
        try {
            return Path.of(BrokerClasspath.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
