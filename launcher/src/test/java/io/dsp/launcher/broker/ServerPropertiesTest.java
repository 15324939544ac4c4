package io.dsp.launcher.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {

    private final BrokerSettings settings = new BrokerSettings(19092, 19093, Path.of("/data/kafka"));

    @Test
    void runsBrokerAndControllerInOneNodeOnLoopbackPorts() {
        Map<String, String> p = ServerProperties.of(settings);

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", "/data/kafka");
    }

    @Test
    void aNodeOfAThreeNodeClusterVotesWithTheOthersAndKeepsEveryTopicOnTwoReplicasBeforeAnAcknowledgement() {
        ClusterMember second = new ClusterMember(2, Map.of(1, 19_093, 2, 29_093, 3, 39_093), "a-cluster-id");

        Map<String, String> p = ServerProperties.of(settings, null, List.of(), second);

        assertThat(p)
                .containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2");
        assertThat(ServerProperties.of(settings))
                .containsEntry("offsets.topic.replication.factor", "1")
                .doesNotContainKeys("default.replication.factor", "min.insync.replicas");
        assertThatThrownBy(() -> new ClusterMember(4, Map.of(1, 19_093), "a-cluster-id"))
                .hasMessageContaining("not among the voters");
    }

    @Test
    void aLockedDownBrokerAuthenticatesEveryListenerAndDeniesByDefault() {
        Map<String, String> p = ServerProperties.of(settings, new BrokerSecurity("admin", "an-admin-password"));

        assertThat(p)
                .containsEntry("listeners", "SASL_PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("inter.broker.listener.name", "SASL_PLAINTEXT")
                .containsEntry(
                        "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                .containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("super.users", "User:admin");
        assertThat(p.get("listener.name.sasl_plaintext.plain.sasl.jaas.config"))
                .contains("username=\"admin\"")
                .contains("user_admin=\"an-admin-password\"");
        assertThat(p.values()).noneMatch(v -> v.contains("PLAINTEXT://") && !v.contains("SASL_PLAINTEXT://"));
        assertThat(new BrokerSecurity("admin", "an-admin-password").toString()).doesNotContain("an-admin-password");
    }

    @Test
    void advertisesAnExtraListenerAtItsOwnPortSoThatAProxyCanStandInFront() {
        Map<String, String> p =
                ServerProperties.of(settings, null, List.of(new ExtraListener("WORKERS", 19_100, 19_200)));

        assertThat(p.get("listeners")).endsWith(",WORKERS://127.0.0.1:19100");
        assertThat(p.get("advertised.listeners")).endsWith(",WORKERS://127.0.0.1:19200");
        assertThat(p.get("listener.security.protocol.map")).endsWith(",WORKERS:PLAINTEXT");
        assertThat(p.get("inter.broker.listener.name")).isEqualTo("PLAINTEXT");
    }

    @Test
    void refusesAnExtraListenerNamedLikeAnOwnOrOnASecuredBroker() {
        assertThatThrownBy(() -> new ExtraListener("CONTROLLER", 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExtraListener("workers", 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerProperties.of(
                        settings,
                        new BrokerSecurity("admin", "an-admin-password"),
                        List.of(new ExtraListener("W", 1, 2))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void letsInternalTopicsLiveOnASingleBroker() {
        assertThat(ServerProperties.of(settings))
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1");
    }

    @Test
    void configuresShareGroupsForAGpuFleet() {
        assertThat(ServerProperties.of(settings))
                .containsEntry("group.share.max.size", "1000")
                .containsEntry("group.share.delivery.count.limit", "5")
                .containsEntry("group.share.max.record.lock.duration.ms", "3600000")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .doesNotContainKey("group.share.record.lock.duration.ms");
    }

    @Test
    void createsNoTopicOnTheFly() {
        assertThat(ServerProperties.of(settings))
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("num.partitions", "1");
    }

    @Test
    void rendersOneKeyValueLinePerSettingAfterAComment() {
        String text = ServerProperties.render(settings);

        assertThat(text.lines().findFirst())
                .hasValueSatisfying(line -> assertThat(line).startsWith("#"));
        assertThat(text.lines().skip(1)).allSatisfy(line -> assertThat(line).matches("[a-z.]+=.+"));
        assertThat(text).contains("\nlistener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n");
    }

    @Test
    void refusesOnePortForBothListeners() {
        assertThatThrownBy(() -> new BrokerSettings(9092, 9092, Path.of("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
    }
}
