package io.dsp.systemtests.fault;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.broker.KafkaBroker;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.TopicProvisioner;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A standalone KRaft broker process (the launcher's {@link KafkaBroker}, as {@code ./dsp up} runs it) that can be
 * killed with SIGKILL and started again on the same data dir and ports.
 */
final class BrokerProcess implements AutoCloseable {

    private final DataDir dataDir;
    private final int kafkaPort;
    private final int controllerPort;
    private KafkaBroker broker;

    /** The fleet group's record lock: the shortest the broker allows. */
    static final Duration FLEET_LOCK = Duration.ofSeconds(15);

    BrokerProcess(Path root) throws Exception {
        this.dataDir = new DataDir(root);
        this.kafkaPort = freePort();
        this.controllerPort = freePort();
        start();
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, (short) 1).ensureSharedTopicsAndGroups();
            // The shortest lock the broker allows: a task held by a killed worker returns after 15 s, not 30.
            ConfigResource fleet = new ConfigResource(ConfigResource.Type.GROUP, Groups.GPU_FLEET);
            admin.incrementalAlterConfigs(Map.of(
                            fleet,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(
                                            "share.record.lock.duration.ms", String.valueOf(FLEET_LOCK.toMillis())),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    void start() {
        broker = KafkaBroker.start(dataDir, kafkaPort, controllerPort, TestClasspath.broker(), "512m", false);
        broker.awaitReady(Duration.ofMinutes(2));
    }

    /** SIGKILL: no controlled shutdown, no flush beyond what the OS already has. */
    void kill9() {
        ProcessHandle process = ProcessHandle.of(broker.process().pid()).orElseThrow();
        process.destroyForcibly();
        process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    Path log() {
        return dataDir.log("kafka");
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(20));
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
