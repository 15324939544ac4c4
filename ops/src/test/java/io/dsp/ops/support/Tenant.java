package io.dsp.ops.support;

import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TenantTasks;
import io.dsp.testkit.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a license's task topics hold now, read to the end. */
public final class Tenant {

    private Tenant() {}

    public static List<TaskCopy> tasks(String licenseKey) {
        try (KafkaAccess kafka = new KafkaAccess(KafkaTestBroker.get().bootstrapServers(), Duration.ofSeconds(30))) {
            List<String> topics = TenantTasks.topicsOf(licenseKey, kafka.topics());
            return TenantTasks.read(kafka, topics, Instant.EPOCH, io.dsp.ops.cli.Progress.none(), null);
        }
    }
}
