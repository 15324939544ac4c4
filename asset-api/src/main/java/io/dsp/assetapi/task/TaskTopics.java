package io.dsp.assetapi.task;

import io.dsp.schemas.avro.Priority;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.TopicSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.stereotype.Component;

/**
 * Creates a license's task topic for a priority on its first task. The normal topic goes through the shared
 * {@link TopicProvisioner}; the high-priority one ({@code dsp.tasks.<tenant>.high}) is created here from
 * {@link TenantTopics#forLicense(String, Priority)} with the same spec (partitions, retention, broker-default
 * replication), because the provisioner offers no priority variant yet.
 */
@Component
class TaskTopics {

    private static final long TIMEOUT_SECONDS = 30;

    private final TopicProvisioner provisioner;
    private final Admin admin;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TaskTopics(TopicProvisioner provisioner, Admin admin) {
        this.provisioner = provisioner;
        this.admin = admin;
    }

    /** Ensures the topic exists and returns its spec. */
    TopicSpec<String, io.dsp.schemas.avro.TaskRequested> ensure(String licenseKey, Priority priority) {
        TopicSpec<String, io.dsp.schemas.avro.TaskRequested> spec = TenantTopics.forLicense(licenseKey, priority);
        if (priority != Priority.HIGH) {
            provisioner.ensureTenantTopic(licenseKey);
            return spec;
        }
        if (known.contains(spec.name())) {
            return spec;
        }
        try {
            admin.createTopics(List.of(spec.newTopic((short) -1))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaException("Cannot create topic " + spec.name() + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while creating topic " + spec.name(), e);
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out creating topic " + spec.name(), e);
        }
        known.add(spec.name());
        return spec;
    }
}
