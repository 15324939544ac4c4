package io.dsp.schemas.access;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import io.dsp.schemas.topic.Groups;
import io.dsp.schemas.topic.Lane;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka principal of each service and the least it may do: the single catalogue of who reads, writes and creates
 * what on a locked-down cluster (SASL + ACLs), next to the topic catalogue it is built from. The administrator (the
 * cluster's super user) creates the shared topics and group configs and applies these bindings ({@code ops
 * kafka-access apply}); services then create only the tenant topics their edges write to.
 *
 * <p>Read, Write and Delete imply Describe. An idempotent producer needs no cluster permission once it may write a
 * topic (Kafka 2.8+).
 */
public enum ServicePrincipal {

    /** HTTP edge and read models (Kafka Streams application {@code dsp-asset-api}). */
    ASSET_API("dsp-asset-api") {
        @Override
        void grant(Grants g) {
            g.tenantTopics(WRITE, CREATE);
            g.write(
                    Topics.TASK_EVENTS,
                    Topics.ASSETS,
                    Topics.ASSET_IDS,
                    Topics.LICENSES,
                    Topics.DEVICE_BINDINGS,
                    Topics.WORKER_COMMANDS,
                    Topics.TASK_CONTROL,
                    Topics.GATEWAY_RELAY);
            g.read(
                    Topics.LICENSES,
                    Topics.WORKERS,
                    Topics.ASSETS,
                    Topics.DEVICE_BINDINGS,
                    Topics.QUEUE_FACTS,
                    Topics.TASK_CONTROL,
                    Topics.WORKER_COMMANDS,
                    Topics.TASK_EVENTS);
            g.transactionalIdPrefix(ASSET_API_INTAKE_TRANSACTIONAL_ID_PREFIX, WRITE);
            // its Streams application: its own internal topics (changelogs, repartition) and its group
            g.topicPrefix(STREAMS_APPLICATION_ID + "-", ALL);
            g.group(STREAMS_APPLICATION_ID, READ);
            g.schemas(WRITE);
        }
    },

    /** Releases tasks from tenant topics into the dispatch topics, in transactions. */
    DISPATCHER("dsp-dispatcher") {
        @Override
        void grant(Grants g) {
            g.tenantTopics(READ);
            for (Lane lane : Lane.values()) {
                g.group(lane.dispatcherGroup(), READ);
                g.write(lane.dispatch());
            }
            g.transactionalIdPrefix(DISPATCHER_TRANSACTIONAL_ID_PREFIX, WRITE);
            g.write(Topics.TASK_EVENTS, Topics.QUEUE_FACTS);
            g.read(Topics.WORKERS, Topics.TASK_EVENTS, Topics.TASK_CONTROL);
            g.schemas(WRITE);
        }
    },

    /** The legacy WebSocket edge and the bridge of legacy workers (members of both fleets' share groups). */
    GATEWAY("dsp-gateway") {
        @Override
        void grant(Grants g) {
            g.tenantTopics(WRITE, CREATE);
            g.transactionalIdPrefix(GATEWAY_INTAKE_TRANSACTIONAL_ID_PREFIX, WRITE);
            g.write(
                    Topics.TASK_EVENTS,
                    Topics.TASK_CONTROL,
                    Topics.WORKERS,
                    Topics.DEAD_LETTERS,
                    Topics.GATEWAY_RELAY,
                    Topics.DEVICE_BINDINGS);
            g.read(
                    Topics.LICENSES,
                    Topics.DEVICE_BINDINGS,
                    Topics.WORKERS,
                    Topics.WORKER_COMMANDS,
                    Topics.TASK_CONTROL,
                    Topics.TASK_EVENTS,
                    Topics.GATEWAY_RELAY);
            for (Lane lane : Lane.values()) {
                g.read(lane.dispatch());
                g.group(lane.fleetGroup(), READ);
            }
            g.schemas(WRITE);
        }
    },

    /** A native GPU worker: a member of the GPU fleet's share group. */
    GPU_CONSUMER("dsp-gpu-consumer") {
        @Override
        void grant(Grants g) {
            g.read(Topics.DISPATCH, Topics.TASK_EVENTS, Topics.TASK_CONTROL, Topics.WORKER_COMMANDS);
            g.group(Groups.GPU_FLEET, READ);
            g.write(Topics.TASK_EVENTS, Topics.DEAD_LETTERS, Topics.WORKERS);
            g.schemas(WRITE);
        }
    },

    /** The operators' board: reads only. */
    CONSOLE("dsp-console") {
        @Override
        void grant(Grants g) {
            g.read(Topics.WORKERS, Topics.QUEUE_FACTS, Topics.TASK_EVENTS, Topics.DEAD_LETTERS);
            g.schemas(READ);
        }
    },

    /** The operators' CLI: backlog, replay, redrive, licenses, drain, legacy migration, read-model rebuild. */
    OPS("dsp-ops") {
        @Override
        void grant(Grants g) {
            g.tenantTopics(READ, WRITE, CREATE);
            g.read(
                    Topics.TASK_EVENTS,
                    Topics.QUEUE_FACTS,
                    Topics.DEAD_LETTERS,
                    Topics.LICENSES,
                    Topics.WORKERS,
                    Topics.WORKER_COMMANDS);
            g.write(Topics.TASK_EVENTS, Topics.LICENSES, Topics.DEVICE_BINDINGS, Topics.WORKER_COMMANDS);
            for (Lane lane : Lane.values()) {
                g.group(lane.dispatcherGroup(), DESCRIBE);
            }
            // rebuild-read-models: asset-api's Streams state
            g.group(STREAMS_APPLICATION_ID, DESCRIBE);
            g.group(STREAMS_APPLICATION_ID, DELETE);
            g.topicPrefix(STREAMS_APPLICATION_ID + "-", DELETE);
        }
    },

    /** kafbat Kafka UI, read-only: browse every DSP topic and group, change nothing. */
    KAFKA_UI("dsp-kafka-ui") {
        @Override
        void grant(Grants g) {
            g.cluster(DESCRIBE);
            g.cluster(DESCRIBE_CONFIGS);
            g.topicPrefix("dsp", READ);
            g.topicPrefix("dsp", DESCRIBE_CONFIGS);
            g.groupPrefix("dsp", DESCRIBE);
        }
    };

    /** asset-api's {@code spring.kafka.streams.application-id}: its group and the prefix of its internal topics. */
    public static final String STREAMS_APPLICATION_ID = "dsp-asset-api";

    /** The dispatcher's transactional ids: {@code dsp-dispatcher-<lane>-<uuid>}, one per lane and start. */
    public static final String DISPATCHER_TRANSACTIONAL_ID_PREFIX = "dsp-dispatcher-";

    /**
     * asset-api's intake transactions (ADR 019): {@code dsp-asset-api-intake-<node>-<n>}, one per request in flight.
     */
    public static final String ASSET_API_INTAKE_TRANSACTIONAL_ID_PREFIX = "dsp-asset-api-intake-";

    /** The gateway's intake transactions (ADR 019): {@code dsp-gateway-intake-<node>-<n>}. */
    public static final String GATEWAY_INTAKE_TRANSACTIONAL_ID_PREFIX = "dsp-gateway-intake-";

    private final String user;

    ServicePrincipal(String user) {
        this.user = user;
    }

    /** The SASL user name (SCRAM) of the service. */
    public String user() {
        return user;
    }

    /** The Kafka principal, as ACLs name it. */
    public String principal() {
        return "User:" + user;
    }

    /** Where its password lives in a secrets directory: {@code kafka.<user>.password}. */
    public String passwordFileName() {
        return "kafka." + user + ".password";
    }

    /** The service's ACL bindings: everything it may do, nothing more (deny by default). */
    public List<AclBinding> bindings() {
        Grants grants = new Grants(principal());
        grant(grants);
        return List.copyOf(grants.bindings);
    }

    /** The principal of a SASL user name, if it is one of the services'. */
    public static java.util.Optional<ServicePrincipal> ofUser(String user) {
        for (ServicePrincipal p : values()) {
            if (p.user.equals(user)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    abstract void grant(Grants grants);

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT) + "(" + principal() + ")";
    }

    /** Builds the bindings of one principal. */
    static final class Grants {
        private final String principal;
        private final List<AclBinding> bindings = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        void read(TopicSpec<?, ?>... topics) {
            for (TopicSpec<?, ?> topic : topics) {
                add(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, READ);
            }
        }

        void write(TopicSpec<?, ?>... topics) {
            for (TopicSpec<?, ?> topic : topics) {
                add(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, WRITE);
            }
        }

        /**
         * {@code dsp.schemas} (ADR 027): every service reads the writer schemas of newer releases; one that writes
         * records also publishes its own ({@code WRITE}).
         */
        void schemas(AclOperation access) {
            read(Topics.SCHEMAS);
            if (access == WRITE) {
                write(Topics.SCHEMAS);
            }
        }

        /** Every lane's tenant topics ({@code dsp.tasks.*}, {@code dsp.automation.*}, with their {@code .high}). */
        void tenantTopics(AclOperation... operations) {
            for (Lane lane : Lane.values()) {
                for (AclOperation op : operations) {
                    add(ResourceType.TOPIC, lane.tenantPrefix(), PatternType.PREFIXED, op);
                }
            }
        }

        void topicPrefix(String prefix, AclOperation op) {
            add(ResourceType.TOPIC, prefix, PatternType.PREFIXED, op);
        }

        void group(String group, AclOperation op) {
            add(ResourceType.GROUP, group, PatternType.LITERAL, op);
        }

        void groupPrefix(String prefix, AclOperation op) {
            add(ResourceType.GROUP, prefix, PatternType.PREFIXED, op);
        }

        void transactionalIdPrefix(String prefix, AclOperation op) {
            add(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, op);
        }

        void cluster(AclOperation op) {
            add(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, op);
        }

        private void add(ResourceType type, String name, PatternType pattern, AclOperation op) {
            AclBinding binding = new AclBinding(
                    new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
            if (!bindings.contains(binding)) {
                bindings.add(binding);
            }
        }
    }
}
