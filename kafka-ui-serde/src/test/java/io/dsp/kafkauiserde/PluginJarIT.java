package io.dsp.kafkauiserde;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.serde.AvroSerde;
import io.kafbat.ui.serde.api.Serde;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The packaged jar, loaded the way Kafka UI loads a serde: a child-first class loader over the jar, whose parent
 * holds serde-api and slf4j (Kafka UI's own). If serde-api were inside the jar, the plug-in's Serde would be another
 * class than Kafka UI's and could not be used.
 */
class PluginJarIT {

    private static final Path JAR =
            Path.of(System.getProperty("dsp.kafka-ui-plugin.jar", "target/kafka-ui-plugin/dsp-kafka-ui-serde.jar"));

    @Test
    void theJarCarriesItsDependenciesButNotTheApiKafkaUiProvides() throws IOException {
        assertThat(JAR).as("run mvn package first").isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .contains(
                            "io/dsp/kafkauiserde/DspSerde.class",
                            "io/dsp/schemas/history/index",
                            "org/apache/avro/Schema.class",
                            "com/fasterxml/jackson/databind/ObjectMapper.class")
                    .noneMatch(n -> n.startsWith("io/kafbat/ui/serde/api/"))
                    .noneMatch(n -> n.startsWith("org/slf4j/"));
        }
    }

    @Test
    void kafkaUiCanLoadItAndItDecodesARecord() throws Exception {
        try (URLClassLoader kafkaUi = new URLClassLoader(
                        new URL[] {locationOf(Serde.class), locationOf(LoggerFactory.class)},
                        ClassLoader.getPlatformClassLoader());
                URLClassLoader plugin = new ChildFirst(new URL[] {JAR.toUri().toURL()}, kafkaUi)) {
            Class<?> api = kafkaUi.loadClass(Serde.class.getName());
            Object serde = plugin.loadClass(DspSerde.class.getName())
                    .getDeclaredConstructor()
                    .newInstance();
            assertThat(api.isInstance(serde)).isTrue();

            Class<?> target = kafkaUi.loadClass(Serde.Target.class.getName());
            Object value = target.getEnumConstants()[1];
            Object deserializer =
                    api.getMethod("deserializer", String.class, target).invoke(serde, "dsp.dispatch", value);
            TaskRequested task = Samples.task("lic-jar", Priority.NORMAL);
            Method deserialize = kafkaUi.loadClass(Serde.Deserializer.class.getName())
                    .getMethod("deserialize", kafkaUi.loadClass("io.kafbat.ui.serde.api.RecordHeaders"), byte[].class);
            Object result = deserialize.invoke(
                    deserializer, null, AvroSerde.of(TaskRequested.class).encode(task));
            String json = (String) result.getClass().getMethod("getResult").invoke(result);

            assertThat(JsonPaths.text(json, "requestId")).isEqualTo(task.getRequestId());
            assertThat(JsonPaths.text(json, "licenseKey")).isEqualTo("lic-jar");
        }
    }

    private static URL locationOf(Class<?> type) throws IOException {
        Path path =
                Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath());
        assertThat(Files.exists(path)).isTrue();
        return path.toUri().toURL();
    }

    /** As Kafka UI's CustomSerdeLoader: the plug-in's own classes first, then the parent. */
    private static final class ChildFirst extends URLClassLoader {

        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("java.")) {
                return findSystemClass(name);
            }
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException e) {
                    loaded = super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }
}
