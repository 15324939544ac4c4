package io.dsp.launcher.broker;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One node of a KRaft cluster on this machine, each node broker and controller at once (the fault suite's three-broker
 * cluster): its id, every voter's controller port and the cluster id all nodes are formatted with. A cluster of three
 * replicates every topic three times and acknowledges a write once two replicas hold it ({@code min.insync.replicas}
 * 2), so one node can die without losing an acknowledged record or stopping writes.
 *
 * @param nodeId this node's {@code node.id}
 * @param controllerPorts every voter's controller port on 127.0.0.1, by node id (this node's among them)
 * @param clusterId the id every node's storage is formatted with
 */
public record ClusterMember(int nodeId, Map<Integer, Integer> controllerPorts, String clusterId) {

    public ClusterMember {
        Objects.requireNonNull(clusterId, "clusterId");
        controllerPorts = Map.copyOf(controllerPorts);
        if (!controllerPorts.containsKey(nodeId)) {
            throw new IllegalArgumentException(
                    "node " + nodeId + " is not among the voters " + controllerPorts.keySet());
        }
    }

    /** {@code controller.quorum.voters}: {@code id@127.0.0.1:port}, by node id. */
    public String voters() {
        return new TreeMap<>(controllerPorts)
                .entrySet().stream()
                        .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    /** Copies of each topic, internal ones included: every node, at most three. */
    public int replicationFactor() {
        return Math.min(3, controllerPorts.size());
    }

    /** Replicas that must hold a write before it is acknowledged: two wherever there are two copies or more. */
    public int minInSyncReplicas() {
        return replicationFactor() > 1 ? 2 : 1;
    }
}
