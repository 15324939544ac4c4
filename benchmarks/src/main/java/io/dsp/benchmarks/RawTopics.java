package io.dsp.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The raw side's own topics and groups on the stack's broker: named uniquely per run ({@code bench.raw-<run>...}), each
 * topic made like the system topic it stands beside (its partitions, replication factor and the settings set on it),
 * so that both sides write to the same kind of log; and removed again afterwards, so that a run against a stack that
 * outlives it leaves nothing of the raw side behind.
 */
final class RawTopics implements AutoCloseable {

    private final Admin admin;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> topics = new ArrayList<>();
    private final List<String> consumerGroups = new ArrayList<>();
    private final List<String> shareGroups = new ArrayList<>();

    RawTopics(Admin admin) {
        this.admin = admin;
    }

    /** A name unique to this run: {@code bench.raw-<run>-<what>}. */
    String name(String what) {
        return "bench.raw-" + run + "-" + what;
    }

    /** Creates {@code names} like {@code systemTopic} and removes them on {@link #close}. */
    void createLike(String systemTopic, Collection<String> names) throws Exception {
        TopicDescription like = admin.describeTopics(List.of(systemTopic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(systemTopic);
        int partitions = like.partitions().size();
        short replicas = (short) like.partitions().get(0).replicas().size();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, systemTopic);
        Config config = admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource);
        Map<String, String> set = new java.util.HashMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                set.put(entry.name(), entry.value());
            }
        }
        List<NewTopic> created = names.stream()
                .map(n -> new NewTopic(n, partitions, replicas).configs(set))
                .toList();
        topics.addAll(names);
        admin.createTopics(created).all().get(60, TimeUnit.SECONDS);
    }

    /** A consumer group the raw side uses, deleted on {@link #close}. */
    String consumerGroup(String what) {
        String group = name(what);
        consumerGroups.add(group);
        return group;
    }

    /** A share group the raw side uses, deleted on {@link #close}. */
    String shareGroup(String what) {
        String group = name(what);
        shareGroups.add(group);
        return group;
    }

    /** Deletes what was made (its clients closed first); what is gone already, or still in use, is left. */
    @Override
    public void close() {
        try {
            if (!consumerGroups.isEmpty()) {
                ignoreGone(
                        () -> admin.deleteConsumerGroups(consumerGroups).all().get(30, TimeUnit.SECONDS));
            }
            if (!shareGroups.isEmpty()) {
                ignoreGone(() -> admin.deleteShareGroups(shareGroups).all().get(30, TimeUnit.SECONDS));
            }
            if (!topics.isEmpty()) {
                ignoreGone(() -> admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void ignoreGone(Call call) throws InterruptedException {
        try {
            call.run();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException
                    || e.getCause() instanceof UnknownTopicOrPartitionException)) {
                String why = e.getCause() instanceof GroupNotEmptyException
                        ? "still has members"
                        : String.valueOf(e.getCause().getMessage());
                System.out.println("[bench] could not remove the raw side's topics or groups: " + why);
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("[bench] could not remove the raw side's topics or groups: " + e);
        }
    }
}
