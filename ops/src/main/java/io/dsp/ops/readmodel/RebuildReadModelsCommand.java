package io.dsp.ops.readmodel;

import io.dsp.ops.OpsException;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops rebuild-read-models}: makes asset-api rebuild its Kafka Streams read models (licenses, device bindings,
 * assets, task lives, presence) from the source topics on its next start. What the Streams reset tool does, without
 * touching a source topic: refuses while any instance runs (the application's group has members), deletes the
 * application's internal topics (changelogs, repartition topics) and its consumer group (so it reads every source topic
 * from the beginning), and deletes the local state directories named. The source topics are the truth; nothing in them
 * changes.
 */
@Command(
        name = "rebuild-read-models",
        mixinStandardHelpOptions = true,
        description = {
            "Resets asset-api's Kafka Streams application so that its next start rebuilds every read model from the"
                    + " source topics: deletes its internal topics and its consumer group, and the local state dirs"
                    + " given with --state-dir. Refuses while an instance is running (stop asset-api first).",
            "Source topics (dsp.licenses, dsp.assets, dsp.task-events, ...) are never changed."
        })
public final class RebuildReadModelsCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            defaultValue = "dsp-asset-api",
            description = "asset-api's spring.kafka.streams.application-id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "asset-api's Streams state dir on this host (<dsp.data-dir>/streams; under ./dsp up:"
                    + " .dsp-data/asset-api/streams); repeatable. Instances on other hosts: delete theirs there.")
    List<Path> stateDirs = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print what would be deleted; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            int members = members(kafka);
            if (members > 0) {
                throw new OpsException("asset-api is running (" + members + " member(s) in group " + applicationId
                        + "): stop every instance first; nothing was changed.");
            }
            List<String> internal = kafka.topics().stream()
                    .filter(t -> isInternal(applicationId, t))
                    .sorted()
                    .toList();
            List<Path> dirs = stateDirs.stream()
                    .map(d -> d.resolve(applicationId))
                    .filter(Files::isDirectory)
                    .toList();
            String verb = dryRun ? "would delete" : "deleting";
            internal.forEach(t -> out().println(verb + " internal topic " + t));
            out().println(verb + " consumer group " + applicationId + " (next start reads from the beginning)");
            dirs.forEach(d -> out().println(verb + " local state " + d));
            if (stateDirs.isEmpty()) {
                out().println("note: no --state-dir given; delete <state-dir>/" + applicationId
                        + " on every asset-api host before it starts again");
            }
            if (dryRun) {
                out().println("dry run: nothing changed");
                return 0;
            }
            if (!internal.isEmpty()) {
                kafka.get(kafka.admin().deleteTopics(internal).all());
            }
            deleteGroup(kafka);
            dirs.forEach(RebuildReadModelsCommand::deleteRecursively);
            out().printf(
                            "reset %s: %d internal topic(s), its group and %d state dir(s) deleted; start asset-api to rebuild%n",
                            applicationId, internal.size(), dirs.size());
            return 0;
        }
    }

    /** Streams' internal topics: {@code <application.id>-<name>-changelog} and {@code -repartition}. */
    static boolean isInternal(String applicationId, String topic) {
        return topic.startsWith(applicationId + "-")
                && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }

    private int members(KafkaAccess kafka) {
        try {
            Map<String, ConsumerGroupDescription> groups = kafka.get(
                    kafka.admin().describeConsumerGroups(List.of(applicationId)).all());
            ConsumerGroupDescription group = groups.get(applicationId);
            return group == null ? 0 : group.members().size();
        } catch (OpsException e) {
            if (e.getMessage().contains(GroupIdNotFoundException.class.getSimpleName())
                    || e.getMessage().contains("does not exist")) {
                return 0;
            }
            throw e;
        }
    }

    private void deleteGroup(KafkaAccess kafka) {
        try {
            kafka.get(kafka.admin().deleteConsumerGroups(List.of(applicationId)).all());
        } catch (OpsException e) {
            if (!e.getMessage().contains("does not exist") && !e.getMessage().contains("GroupIdNotFound")) {
                throw e;
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
