package io.dsp.gateway.client;

import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.TopicSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.stereotype.Component;

/**
 * Creates a license's task topic for a task's priority on its first use: the normal one through the shared
 * provisioner, the high-priority one ({@code dsp.tasks.<tenant>.high}) here, since the provisioner knows only the
 * normal one.
 */
@Component
class TaskTopics {

    private final TopicProvisioner provisioner;
    private final Admin admin;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TaskTopics(TopicProvisioner provisioner, Admin admin) {
        this.provisioner = provisioner;
        this.admin = admin;
    }

    void ensure(TaskRequested task)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        provisioner.ensureTenantTopic(task.getLicenseKey());
        TopicSpec<String, TaskRequested> spec = TenantTopics.forTask(task);
        if (known.contains(spec.name())) {
            return;
        }
        try {
            admin.createTopics(List.of(spec.newTopic((short) -1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        known.add(spec.name());
    }
}
