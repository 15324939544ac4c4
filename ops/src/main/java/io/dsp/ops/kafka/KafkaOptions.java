package io.dsp.ops.kafka;

import java.time.Duration;
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

    /** Opens the clients this command needs, lazily; close it when done. */
    public KafkaAccess open() {
        return new KafkaAccess(bootstrapServers, Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
