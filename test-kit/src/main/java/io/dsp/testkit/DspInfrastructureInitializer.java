package io.dsp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a Spring application under test at the JVM's real broker and Redis, and gives it a fresh data directory.
 * Applied by {@link DspIntegrationTest}; test classes never write broker plumbing themselves.
 */
public class DspInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource("dsp-test-infrastructure", properties()));
    }

    /** The properties that connect one application to the shared test infrastructure. */
    public static Map<String, Object> properties() {
        KafkaTestBroker kafka = KafkaTestBroker.get();
        RedisTestServer redis = RedisTestServer.get();
        try {
            return Map.of(
                    "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "spring.data.redis.host", redis.host(),
                    "spring.data.redis.port", redis.port(),
                    "dsp.data-dir", Files.createTempDirectory("dsp-test-data-").toString(),
                    "dsp.results.dir", ResultsDir.PATH.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One result store per test JVM, shared by every service in it as on one host, fresh for every run. */
    private static final class ResultsDir {
        static final java.nio.file.Path PATH = create();

        private static java.nio.file.Path create() {
            try {
                return Files.createTempDirectory("dsp-test-results-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
