package io.dsp.launcher.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTest {

    @TempDir
    Path repo;

    @Test
    void picksTheRepackagedExecJarOverThePlainLibraryJar() throws IOException {
        jar("asset-api-0.1.0-SNAPSHOT.jar", false);
        Path exec = jar("asset-api-0.1.0-SNAPSHOT-exec.jar", true);

        assertThat(Service.ASSET_API.jar(repo)).contains(exec);
    }

    @Test
    void acceptsAPlainNamedJarWhenItIsRunnable() throws IOException {
        Path runnable = jar("gateway-0.1.0-SNAPSHOT.jar", true);

        assertThat(Service.GATEWAY.jar(repo)).contains(runnable);
    }

    @Test
    void findsNothingRunnableInALibraryJarOrOtherFiles() throws IOException {
        jar("dispatcher-0.1.0-SNAPSHOT.jar", false);
        jar("dispatcher-0.1.0-SNAPSHOT-sources.jar", true);
        jar("dispatcher-0.1.0-SNAPSHOT.jar.original", true);

        assertThat(Service.DISPATCHER.jar(repo)).isEmpty();
    }

    @Test
    void findsNothingBeforeTheFirstBuild() {
        assertThat(Service.GPU_CONSUMER.jar(repo)).isEmpty();
    }

    @Test
    void knowsItsPortsAndHealthEndpoints() {
        assertThat(Service.ASSET_API.healthUrl()).isEqualTo("http://127.0.0.1:8080/actuator/health");
        assertThat(Service.DISPATCHER.port()).isEqualTo(8381);
        assertThat(Service.GATEWAY.url()).isEqualTo("ws://127.0.0.1:9501/dsp");
        assertThat(Service.GPU_CONSUMER.healthUrl()).isEqualTo("http://127.0.0.1:8384/actuator/health");
        assertThat(Service.byId("gpu-consumer")).contains(Service.GPU_CONSUMER);
        assertThat(Service.byId("GPU_CONSUMER")).isEmpty();
        assertThat(Service.CONSOLE.port()).isEqualTo(8390);
        assertThat(Service.CONSOLE.healthUrl()).isEqualTo("http://127.0.0.1:8390/actuator/health");
        assertThat(Service.byId("console")).contains(Service.CONSOLE);
    }

    private Path jar(String name, boolean runnable) throws IOException {
        String module = name.substring(0, name.indexOf("-0."));
        Path file =
                Files.createDirectories(repo.resolve(module).resolve("target")).resolve(name);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (runnable) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.example.Main");
        }
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }
}
