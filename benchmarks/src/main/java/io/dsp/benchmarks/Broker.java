package io.dsp.benchmarks;

import io.dsp.testkit.KafkaTestBroker;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * The broker of the stack under test, where the raw clients run too: the settings every client the bench makes there
 * starts from (the bootstrap servers, and whatever else the broker needs, e.g. its security settings), and an admin
 * client owned by whoever made this (not to be closed by its users).
 */
record Broker(Map<String, Object> clientConfig, Admin admin) {

    Broker {
        clientConfig = Map.copyOf(clientConfig);
    }

    /** This JVM's in-JVM broker ({@link KafkaTestBroker}), started on first use. */
    static Broker inJvm() {
        KafkaTestBroker broker = KafkaTestBroker.get();
        return new Broker(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), broker.admin());
    }

    /** The settings of one client: the broker's, then {@code own}. */
    Map<String, Object> config(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putAll(own);
        return config;
    }

    String bootstrapServers() {
        return String.valueOf(clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }
}
