package io.dsp.ops.kafka;

import io.dsp.ops.OpsException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where Kafka is, shared by every command. */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:DSP_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka brokers (default: $DSP_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(
            names = "--kafka-timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long to wait for Kafka on each call (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            defaultValue = "${env:DSP_KAFKA_CLIENT_CONFIG}",
            description = "Kafka client properties for a secured cluster (security.protocol, sasl.mechanism,"
                    + " sasl.jaas.config, ssl.*), as Kafka's own tools take them: secrets stay in this file, never"
                    + " on the command line (default: $DSP_KAFKA_CLIENT_CONFIG; none: plaintext).")
    Path commandConfig;

    /** Opens the clients this command needs, lazily; close it when done. */
    public KafkaAccess open() {
        return new KafkaAccess(bootstrapServers, Duration.ofSeconds(Math.max(1, timeoutSeconds)), clientProperties());
    }

    /** The properties of {@code --command-config}; empty without one. */
    public Map<String, Object> clientProperties() {
        if (commandConfig == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(commandConfig)) {
            properties.load(in);
        } catch (IOException e) {
            throw new OpsException("Cannot read the Kafka client config " + commandConfig + ": " + e.getMessage());
        }
        Map<String, Object> out = new HashMap<>();
        properties.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
