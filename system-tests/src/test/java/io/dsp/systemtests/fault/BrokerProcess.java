package io.dsp.systemtests.fault;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.broker.ExtraListener;
import io.dsp.launcher.broker.KafkaBroker;
import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.TopicProvisioner;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * killed with SIGKILL and started again on the same data dir and ports. Each named route is a listener of its own
 * with a {@link FaultProxy} in front: clients that bootstrap {@link #bootstrapVia} it reach the broker only through
 * that proxy, so a fault there cuts off that group of clients and no other.
 */
final class BrokerProcess implements AutoCloseable {

    private final DataDir dataDir;
    private final int kafkaPort;
    private final int controllerPort;
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
    private final List<ExtraListener> listeners = new ArrayList<>();
    private KafkaBroker broker;

    /** The fleet group's record lock: the shortest the broker allows. */
    static final Duration FLEET_LOCK = Duration.ofSeconds(15);

    /** With one proxied listener per name in {@code routes} (upper case: {@code WORKERS}). */
    BrokerProcess(Path root, String... routes) throws Exception {
        this.dataDir = new DataDir(root);
        this.kafkaPort = freePort();
        this.controllerPort = freePort();
        for (String route : routes) {
            // the proxy binds first, so the listener's free port cannot be the proxy's own
            int listenerPort = freePortOtherThan(kafkaPort, controllerPort);
            FaultProxy proxy = new FaultProxy(route.toLowerCase(java.util.Locale.ROOT), 0, listenerPort);
            while (proxy.port() == listenerPort || proxy.port() == kafkaPort || proxy.port() == controllerPort) {
                proxy.close();
                proxy = new FaultProxy(route.toLowerCase(java.util.Locale.ROOT), 0, listenerPort);
            }
            proxies.put(route, proxy);
            listeners.add(new ExtraListener(route, listenerPort, proxy.port()));
        }
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

    /** Where the clients of {@code route} bootstrap: its proxy. */
    String bootstrapVia(String route) {
        return "127.0.0.1:" + proxy(route).port();
    }

    FaultProxy proxy(String route) {
        FaultProxy proxy = proxies.get(route);
        if (proxy == null) {
            throw new IllegalArgumentException("No route " + route + "; routes: " + proxies.keySet());
        }
        return proxy;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    void start() {
        broker = KafkaBroker.start(
                dataDir, kafkaPort, controllerPort, TestClasspath.broker(), "512m", false, null, listeners);
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
        proxies.values().forEach(FaultProxy::close);
    }

    private int freePortOtherThan(int... taken) throws Exception {
        java.util.Set<Integer> avoid = new java.util.HashSet<>();
        for (int port : taken) {
            avoid.add(port);
        }
        proxies.values().forEach(p -> avoid.add(p.port()));
        listeners.forEach(l -> avoid.add(l.port()));
        int port = freePort();
        while (avoid.contains(port)) {
            port = freePort();
        }
        return port;
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
