package io.dsp.launcher.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code server.properties} of the embedded KRaft broker (broker and controller in one process): a single node, or
 * one node of a cluster on this machine ({@link ClusterMember}).
 */
final class ServerProperties {

    private ServerProperties() {}

    static Map<String, String> of(BrokerSettings settings) {
        return of(settings, null);
    }

    /** With {@code security}, every listener authenticates (SASL) and every request is authorized (ACLs). */
    static Map<String, String> of(BrokerSettings settings, BrokerSecurity security) {
        return of(settings, security, List.of());
    }

    /** As {@link #of(BrokerSettings, BrokerSecurity)}, with further client listeners of the same security. */
    static Map<String, String> of(BrokerSettings settings, BrokerSecurity security, List<ExtraListener> extra) {
        return of(settings, security, extra, null);
    }

    /**
     * As {@link #of(BrokerSettings, BrokerSecurity, List)}; with {@code member} (nullable) the node is one voter of a
     * cluster, and every topic is replicated as {@link ClusterMember} says.
     */
    static Map<String, String> of(
            BrokerSettings settings, BrokerSecurity security, List<ExtraListener> extra, ClusterMember member) {
        if (security != null && !extra.isEmpty()) {
            // each SASL listener needs its own login settings; nothing needs extra listeners on a secured broker yet
            throw new IllegalArgumentException("Extra listeners are for a broker without SASL only");
        }
        String client = security == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        // A static voter set: the simplest quorum, and the format step needs no --standalone.
        if (member == null) {
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + settings.controllerPort());
        } else {
            p.put("node.id", String.valueOf(member.nodeId()));
            p.put("controller.quorum.voters", member.voters());
        }
        StringBuilder listeners = new StringBuilder("%s://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d"
                .formatted(client, settings.kafkaPort(), settings.controllerPort()));
        StringBuilder advertised = new StringBuilder(client + "://127.0.0.1:" + settings.kafkaPort());
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        for (ExtraListener listener : extra) {
            listeners.append(",%s://127.0.0.1:%d".formatted(listener.name(), listener.port()));
            advertised.append(",%s://127.0.0.1:%d".formatted(listener.name(), listener.advertisedPort()));
            protocols.append(",%s:%s".formatted(listener.name(), client));
        }
        p.put("listeners", listeners.toString());
        p.put("advertised.listeners", advertised.toString());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", client);
        p.put("listener.security.protocol.map", protocols.toString());
        if (security != null) {
            p.putAll(security.serverProperties());
        }
        p.put("log.dirs", settings.logDir().toString());

        // One broker: every internal topic must accept a replication factor and min ISR of 1. Without the
        // share-coordinator pair, share consumers join but silently receive nothing.
        String copies = member == null ? "1" : String.valueOf(member.replicationFactor());
        String inSync = member == null ? "1" : String.valueOf(member.minInSyncReplicas());
        p.put("offsets.topic.replication.factor", copies);
        p.put("transaction.state.log.replication.factor", copies);
        p.put("transaction.state.log.min.isr", inSync);
        p.put("share.coordinator.state.topic.replication.factor", copies);
        p.put("share.coordinator.state.topic.min.isr", inSync);
        if (member != null) {
            // the catalogue's topics take the broker's default (TopicProvisioner with -1)
            p.put("default.replication.factor", copies);
            p.put("min.insync.replicas", inSync);
        }
        // 50 partitions each (the defaults) only slow a laptop's first start and restarts; one broker gains
        // nothing from them. Fixed when the topics are first created, so changing these later has no effect.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "4");

        p.put("group.initial.rebalance.delay.ms", "0");
        // One share-group member per GPU slot; the default of 200 members is too few for a fleet.
        p.put("group.share.max.size", "1000");
        // Workers dead-letter a task themselves on its last allowed delivery; they read the same limit.
        p.put("group.share.delivery.count.limit", "5");
        // Lets a group hold a record up to an hour, for tasks that run that long without renewing the lock.
        p.put("group.share.max.record.lock.duration.ms", "3600000");

        // Topics come from the catalogue (TopicProvisioner), never from a typo in a producer.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // The log cleaner (compacted topics: assets, workers, licenses) allocates this buffer at start-up; the
        // default 128 MiB is most of an idle broker's memory and far more than a laptop's data needs.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    static String render(BrokerSettings settings) {
        return render(settings, null);
    }

    static String render(BrokerSettings settings, BrokerSecurity security) {
        return render(settings, security, List.of());
    }

    static String render(BrokerSettings settings, BrokerSecurity security, List<ExtraListener> extra) {
        return render(settings, security, extra, null);
    }

    static String render(
            BrokerSettings settings, BrokerSecurity security, List<ExtraListener> extra, ClusterMember member) {
        StringBuilder text = new StringBuilder(
                "# Generated by ./dsp up on every start; edit io.dsp.launcher.broker.ServerProperties instead.\n");
        of(settings, security, extra, member)
                .forEach((key, value) ->
                        text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }
}
