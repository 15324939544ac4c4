package io.dsp.schemas.topic;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.tenant.TenantTopics;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalogue's topics and group configs. Idempotent: topics that exist are left as they are, so every
 * service may call it at start-up and the edges call {@link #ensureTenantTopic} on a license's first task.
 *
 * <p>On a locked-down cluster a service may create only its edges' tenant topics (see {@code ServicePrincipal}); the
 * shared topics and group configs are the administrator's ({@code ops kafka-access apply}). A topic this principal
 * may not create is then checked instead: one that exists, or that the principal may not even see (it does not use
 * it), is fine; a missing one fails with what to run.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final short replicationFactor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Creates every shared topic and configures the fleet's share group with a short-lived admin client; what a
     * service calls at start-up so that it also works against a fresh broker.
     */
    public static void provision(java.util.Map<String, Object> adminConfig) {
        try (Admin admin = Admin.create(adminConfig)) {
            new TopicProvisioner(admin, (short) -1).ensureSharedTopicsAndGroups();
        }
    }

    /** Creates every shared topic, checks the settings of those that existed, and configures the fleets' groups. */
    public void ensureSharedTopicsAndGroups() {
        ensure(Topics.SHARED);
        verify(Topics.SHARED);
        configureGroup(Groups.GPU_FLEET, Groups.GPU_FLEET_CONFIGS);
        configureGroup(Groups.AUTOMATION_FLEET, Groups.GPU_FLEET_CONFIGS);
    }

    /** Creates the (normal-priority) task topic of this license unless this provisioner already saw it; its name. */
    public String ensureTenantTopic(String licenseKey) {
        return ensureTenantTopic(licenseKey, Priority.NORMAL);
    }

    /**
     * Creates the task topic of this license for this priority ({@code dsp.tasks.<tenant>.high} for {@code HIGH})
     * unless this provisioner already saw it; returns its name. Only that topic: a license's first task creates the
     * topic it goes to, and the dispatcher reads whichever of the two exist.
     */
    public String ensureTenantTopic(String licenseKey, Priority priority) {
        return ensureTopic(TenantTopics.forLicense(licenseKey, priority));
    }

    /** Creates the tenant topic this task goes to (its license, priority and lane) unless already seen; its name. */
    public String ensureTopicOf(io.dsp.schemas.avro.TaskRequested task) {
        return ensureTopic(TenantTopics.forTask(task));
    }

    private String ensureTopic(TopicSpec<?, ?> spec) {
        if (!known.contains(spec.name())) {
            ensure(List.of(spec));
        }
        return spec.name();
    }

    private void ensure(Collection<TopicSpec<?, ?>> specs) {
        List<NewTopic> topics = specs.stream()
                .filter(s -> !known.contains(s.name()))
                .map(s -> s.newTopic(replicationFactor))
                .toList();
        if (topics.isEmpty()) {
            return;
        }
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    requireExisting(name);
                } else if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException(
                            "Cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while creating topic " + name, e);
            } catch (TimeoutException e) {
                throw new KafkaException("Timed out creating topic " + name + " after " + TIMEOUT_SECONDS + " s", e);
            }
            known.add(name);
        });
    }

    /**
     * The topics' configs. A topic created a moment ago may not be known yet to the broker that answers (CI saw
     * {@code UnknownTopicOrPartitionException} right after a create): a retriable error is asked again, for up to the
     * usual timeout.
     */
    private java.util.Map<ConfigResource, org.apache.kafka.clients.admin.Config> describeConfigs(
            List<ConfigResource> resources) throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /**
     * Checks that existing topics keep what the catalogue relies on: the same {@code cleanup.policy} (a compacted
     * registry that deletes by age loses licenses and presence; a log that compacts loses events), and a
     * {@code retention.ms} no shorter than the catalogue's (or unlimited). A topic created by hand or changed later
     * stops the start with what to fix, instead of losing records silently. A principal not allowed to read topic
     * configs (a locked-down service) leaves the check to the administrator, who runs it too.
     *
     * @throws KafkaException naming every topic and setting that differs
     */
    public void verify(Collection<TopicSpec<?, ?>> specs) {
        List<ConfigResource> resources = specs.stream()
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .toList();
        java.util.Map<ConfigResource, org.apache.kafka.clients.admin.Config> found;
        try {
            found = describeConfigs(resources);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                log.debug(
                        "topic settings are checked by the administrator: {}",
                        e.getCause().getMessage());
                return;
            }
            throw new KafkaException("Cannot read topic settings: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while reading topic settings", e);
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out reading topic settings after " + TIMEOUT_SECONDS + " s", e);
        }
        List<String> wrong = new java.util.ArrayList<>();
        for (TopicSpec<?, ?> spec : specs) {
            org.apache.kafka.clients.admin.Config config =
                    found.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            if (config == null) {
                continue;
            }
            String policy = spec.configs().get("cleanup.policy");
            if (policy != null) {
                String actual = value(config, "cleanup.policy");
                if (!policy.equals(actual)) {
                    wrong.add(spec.name() + " has cleanup.policy=" + actual + ", the catalogue needs " + policy);
                }
            }
            String retention = spec.configs().get("retention.ms");
            if (retention != null) {
                long actual = Long.parseLong(value(config, "retention.ms"));
                if (actual >= 0 && actual < Long.parseLong(retention)) {
                    wrong.add(spec.name() + " keeps records " + actual + " ms, the catalogue at least " + retention);
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new KafkaException("Topic settings differ from the catalogue (fix them with kafka-configs.sh"
                    + " --alter --entity-type topics, or recreate the topics): " + String.join("; ", wrong));
        }
    }

    private static String value(org.apache.kafka.clients.admin.Config config, String name) {
        org.apache.kafka.clients.admin.ConfigEntry entry = config.get(name);
        return entry == null ? "" : entry.value();
    }

    /** This principal may not create the topic: it must exist already, unless this principal may not see it at all. */
    private void requireExisting(String name) {
        try {
            admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.debug("topic {} exists; creating it is the administrator's", name);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new KafkaException("Topic " + name + " does not exist and this principal may not create it:"
                        + " run 'ops kafka-access apply' as the cluster's administrator");
            }
            if (!(e.getCause() instanceof TopicAuthorizationException)) {
                throw new KafkaException(
                        "Cannot check topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
            // not visible to this principal: a topic this service does not use
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while checking topic " + name, e);
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out checking topic " + name + " after " + TIMEOUT_SECONDS + " s", e);
        }
    }

    private void configureGroup(String groupId, java.util.Map<String, String> configs) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        List<AlterConfigOp> ops = configs.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        try {
            admin.incrementalAlterConfigs(java.util.Map.of(group, ops)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                // a locked-down cluster: the administrator configures the fleets' groups
                log.debug(
                        "group {} is configured by the administrator: {}",
                        groupId,
                        e.getCause().getMessage());
                return;
            }
            throw new KafkaException(
                    "Cannot configure group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while configuring group " + groupId, e);
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out configuring group " + groupId, e);
        }
    }
}
