package io.dsp.testkit;

import io.dsp.schemas.topic.TopicProvisioner;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real in-JVM KRaft broker, started once per JVM and shared by every integration test in it, with the settings a
 * single node needs for share groups and with the catalogue's topics and group configs provisioned.
 */
public final class KafkaTestBroker {

    /**
     * Single-node settings: without the share-coordinator ones, share consumers silently receive nothing. A short
     * minimum lock and heartbeat keep redelivery tests fast.
     */
    static final Map<String, String> BROKER_PROPERTIES = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("group.share.max.size", "1000"),
            Map.entry("group.share.delivery.count.limit", "5"),
            Map.entry("group.share.max.record.lock.duration.ms", "3600000"),
            Map.entry("group.share.min.record.lock.duration.ms", "1000"),
            Map.entry("auto.create.topics.enable", "false"),
            // Abort a transaction left open by a failed producer within a second of its timeout, not ten.
            Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));

    private static volatile KafkaTestBroker instance;

    private final EmbeddedKafkaKraftBroker broker;
    private final Admin admin;
    private final TopicProvisioner provisioner;

    private KafkaTestBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(BROKER_PROPERTIES);
        broker.afterPropertiesSet();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
        provisioner = new TopicProvisioner(admin, (short) 1);
        provisioner.ensureSharedTopicsAndGroups();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "kafka-test-broker-stop"));
    }

    /** The JVM's broker, started on first use. */
    public static KafkaTestBroker get() {
        KafkaTestBroker local = instance;
        if (local == null) {
            synchronized (KafkaTestBroker.class) {
                local = instance;
                if (local == null) {
                    local = new KafkaTestBroker();
                    instance = local;
                }
            }
        }
        return local;
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** An admin client for assertions; owned by the harness, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates a license's tenant topic (as the edges do on first use) and returns its name. */
    public String ensureTenantTopic(String licenseKey) {
        return provisioner.ensureTenantTopic(licenseKey);
    }

    private void stop() {
        admin.close();
        broker.destroy();
    }
}
