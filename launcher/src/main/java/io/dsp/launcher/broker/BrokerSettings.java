package io.dsp.launcher.broker;

import java.nio.file.Path;

/**
 * What varies between embedded brokers: the two ports and where the data lives.
 *
 * @param kafkaPort client listener on 127.0.0.1
 * @param controllerPort KRaft controller listener on 127.0.0.1
 * @param logDir the broker's log and metadata dir
 */
public record BrokerSettings(int kafkaPort, int controllerPort, Path logDir) {

    public BrokerSettings {
        if (kafkaPort == controllerPort) {
            throw new IllegalArgumentException("The Kafka port and the controller port must differ: " + kafkaPort);
        }
        logDir = logDir.toAbsolutePath().normalize();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }
}
