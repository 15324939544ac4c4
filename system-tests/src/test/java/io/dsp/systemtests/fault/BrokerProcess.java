package io.dsp.systemtests.fault;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.broker.ClusterMember;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A standalone KRaft broker process (the launcher's {@link KafkaBroker}, as {@code ./dsp up} runs it) that can be
 * killed with SIGKILL and started again on the same data dir and ports. Each named route is a listener of its own
 * with a {@link FaultProxy} in front: clients that bootstrap {@link #bootstrapVia} it reach the broker only through
 * that proxy, so a fault there cuts off that group of clients and no other.
 *
 * <p>{@link #cluster} makes it three such processes instead, one KRaft cluster (each node broker and controller, every
 * topic on three replicas, two of them in sync before a write is acknowledged), whose nodes are killed one at a time;
 * its clients reach the nodes directly (no routes).
 */
final class BrokerProcess implements AutoCloseable {

    /** One node: its data, its ports and, while it runs, its process. */
    private static final class Node {
        final int id;
        final DataDir dataDir;
        final int kafkaPort;
        final int controllerPort;
        KafkaBroker broker;

        Node(int id, DataDir dataDir, int kafkaPort, int controllerPort) {
            this.id = id;
            this.dataDir = dataDir;
            this.kafkaPort = kafkaPort;
            this.controllerPort = controllerPort;
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
    private final List<ExtraListener> listeners = new ArrayList<>();

    /** The fleet group's record lock: the shortest the broker allows. */
    static final Duration FLEET_LOCK = Duration.ofSeconds(15);

    /** With one proxied listener per name in {@code routes} (upper case: {@code WORKERS}). */
    BrokerProcess(Path root, String... routes) throws Exception {
        this(root, 1, routes);
    }

    /** Three nodes of one cluster on this machine, under {@code root}. */
    static BrokerProcess cluster(Path root) throws Exception {
        return new BrokerProcess(root, 3);
    }

    private BrokerProcess(Path root, int size, String... routes) throws Exception {
        if (size > 1 && routes.length > 0) {
            throw new IllegalArgumentException("routes with fault proxies are for a single broker");
        }
        for (int id = 1; id <= size; id++) {
            int kafkaPort = freePortOtherThan();
            int controllerPort = freePortOtherThan(kafkaPort);
            nodes.add(new Node(
                    id, new DataDir(size == 1 ? root : root.resolve("node-" + id)), kafkaPort, controllerPort));
            controllerPorts.put(id, controllerPort);
        }
        for (String route : routes) {
            // the proxy binds first, so the listener's free port cannot be the proxy's own
            int listenerPort = freePortOtherThan();
            FaultProxy proxy = new FaultProxy(route.toLowerCase(java.util.Locale.ROOT), 0, listenerPort);
            while (taken().contains(proxy.port()) || proxy.port() == listenerPort) {
                proxy.close();
                proxy = new FaultProxy(route.toLowerCase(java.util.Locale.ROOT), 0, listenerPort);
            }
            proxies.put(route, proxy);
            listeners.add(new ExtraListener(route, listenerPort, proxy.port()));
        }
        start();
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, (short) Math.min(3, size)).ensureSharedTopicsAndGroups();
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
        return nodes.stream().map(n -> "127.0.0.1:" + n.kafkaPort).collect(Collectors.joining(","));
    }

    /** Where the clients of {@code route} bootstrap: its proxy; on a cluster, the nodes themselves. */
    String bootstrapVia(String route) {
        return nodes.size() > 1
                ? bootstrapServers()
                : "127.0.0.1:" + proxy(route).port();
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

    /** Starts every node that is not running, then waits until each serves clients (a cluster needs a majority). */
    void start() {
        List<Node> started = new ArrayList<>();
        for (Node node : nodes) {
            if (node.broker == null || !node.broker.process().isAlive()) {
                node.broker = KafkaBroker.start(
                        node.dataDir,
                        node.kafkaPort,
                        node.controllerPort,
                        TestClasspath.broker(),
                        "512m",
                        false,
                        null,
                        listeners,
                        nodes.size() == 1 ? null : new ClusterMember(node.id, controllerPorts, clusterId));
                started.add(node);
            }
        }
        started.forEach(node -> node.broker.awaitReady(Duration.ofMinutes(2)));
    }

    /** Where a single broker rooted at {@code root} keeps its logs and metadata: the dir a full-disk fault fills. */
    static Path kafkaDir(Path root) {
        return new DataDir(root).kafka();
    }

    /** Whether every node's process ended by itself within {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        return nodes.stream().allMatch(node -> node.broker.process().awaitExit(timeout));
    }

    /** Starts every node again on its data; one that is still up is killed with -9 first. */
    void restart() {
        nodes.stream().filter(node -> node.broker.process().isAlive()).forEach(node -> kill9(node.id));
        start();
    }

    /** SIGKILL of every node: no controlled shutdown, no flush beyond what the OS already has. */
    void kill9() {
        nodes.forEach(node -> kill9(node.id));
    }

    /** SIGKILL of one node of the cluster. */
    void kill9(int nodeId) {
        ProcessHandle process =
                ProcessHandle.of(node(nodeId).broker.process().pid()).orElseThrow();
        process.destroyForcibly();
        process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** The node that leads partition 0 of {@code topic} now. */
    int leaderOf(String topic) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .get(0)
                    .leader()
                    .id();
        }
    }

    Path log() {
        return nodes.get(0).dataDir.log("kafka");
    }

    @Override
    public void close() {
        nodes.stream().filter(node -> node.broker != null).forEach(node -> node.broker.stop(Duration.ofSeconds(20)));
        proxies.values().forEach(FaultProxy::close);
    }

    private Node node(int id) {
        return nodes.stream()
                .filter(n -> n.id == id)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    private java.util.Set<Integer> taken() {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        nodes.forEach(n -> {
            ports.add(n.kafkaPort);
            ports.add(n.controllerPort);
        });
        proxies.values().forEach(p -> ports.add(p.port()));
        listeners.forEach(l -> ports.add(l.port()));
        return ports;
    }

    private int freePortOtherThan(int... also) throws Exception {
        java.util.Set<Integer> avoid = taken();
        for (int port : also) {
            avoid.add(port);
        }
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
