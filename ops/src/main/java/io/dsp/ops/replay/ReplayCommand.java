package io.dsp.ops.replay;

import io.dsp.core.license.LicenseKeys;
import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Progress;
import io.dsp.ops.cli.Times;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.ops.replay.ReplayPlanner.Decision;
import io.dsp.ops.replay.ReplayPlanner.Verdict;
import io.dsp.ops.task.Republisher;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TaskOutcomes;
import io.dsp.ops.task.TenantTasks;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ops replay}: re-publishes a license's tasks of a time window that never ended. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Re-publishes the license's tasks (dsp.tasks.<tenant> and .high) written in the window whose current run"
                    + " never ended, under their own request id and with replayOf = a new batch id.",
            "Skipped: tasks that ended (unless --force: a new run under <request_id>:rerun-<n>), tasks already replayed"
                    + " and not ended (unless --force), tasks still waiting for the dispatcher. Safe to run twice."
        })
public final class ReplayCommand implements Callable<Integer> {

    /** Events of a task follow its acceptance; this margin covers clocks of edges and brokers that disagree. */
    static final Duration EVENT_MARGIN = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(
            names = "--license",
            required = true,
            paramLabel = "KEY",
            description = "The license whose tasks to replay.")
    String license;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            description = "Start of the window (record time): ISO instant, local date-time, or an age such as 2h.")
    String from;

    @Option(
            names = "--to",
            defaultValue = "now",
            paramLabel = "TIME",
            description = "End of the window, inclusive (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--force", description = "Also re-run tasks that ended, and replay again tasks already replayed.")
    boolean force;

    @Option(names = "--dry-run", description = "Print what would be republished; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Instant now = Instant.now();
        Instant start = time("--from", from, now);
        Instant end = time("--to", to, now);
        if (start.isAfter(end)) {
            throw new ParameterException(spec.commandLine(), "--from (" + start + ") is after --to (" + end + ")");
        }
        if (license.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--license must not be empty");
        }
        java.io.PrintWriter out = out();
        try (KafkaAccess kafka = kafkaOptions.open()) {
            List<String> topics = TenantTasks.topicsOf(license, kafka.topics());
            if (topics.isEmpty()) {
                throw new OpsException("License " + LicenseKeys.mask(license) + " has no task topic: nothing was ever"
                        + " queued for it (or the key is wrong)");
            }
            int[] undecodable = {0};
            List<TaskCopy> copies = TenantTasks.read(kafka, topics, start, Progress.of("reading tasks"), undecodable);
            Set<String> ids = new HashSet<>();
            copies.forEach(c -> ids.add(c.requestId()));
            TaskOutcomes outcomes =
                    TaskOutcomes.read(kafka, start.minus(EVENT_MARGIN), ids, Progress.of("reading task events"));
            List<Decision> plan = ReplayPlanner.plan(copies, start, end, outcomes, waiting(kafka, topics), force);
            String batch = Republisher.batchId("replay", now);
            report(out, plan, topics, start, end, batch, undecodable[0]);
            List<Decision> publish =
                    plan.stream().filter(d -> d.verdict().publishes()).toList();
            if (dryRun || publish.isEmpty()) {
                out.println(dryRun ? "dry run: nothing written" : "nothing to republish");
                return 0;
            }
            publish(kafka, publish, batch, now);
            out.printf("republished %d task(s) in batch %s%n", publish.size(), batch);
            return 0;
        }
    }

    private void publish(KafkaAccess kafka, List<Decision> publish, String batch, Instant now) {
        Republisher republisher = new Republisher(kafka);
        Progress progress = Progress.of("republishing");
        progress.total(publish.size());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int pending = 0;
        for (Decision d : publish) {
            records.addAll(
                    d.verdict() == Verdict.RERUN
                            ? republisher.newRun(d.current(), d.requestId(), batch, now)
                            : republisher.sameId(d.current(), batch, now));
            if (++pending >= 100) {
                republisher.send(records);
                progress.step(pending);
                records.clear();
                pending = 0;
            }
        }
        republisher.send(records);
        progress.done();
    }

    private void report(
            java.io.PrintWriter out,
            List<Decision> plan,
            List<String> topics,
            Instant start,
            Instant end,
            String batch,
            int undecodable) {
        out.printf(
                "replay of %s (%s) from %s to %s%s%n",
                LicenseKeys.mask(license),
                String.join(", ", topics),
                start,
                end,
                dryRun ? " [dry run]" : ", batch " + batch);
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Decision d : plan) {
            counts.merge(d.verdict(), 1, Integer::sum);
            out.printf(
                    "  %-13s %-40s %-14s %s%n",
                    label(d.verdict()), d.requestId(), d.current().task().getTaskType(), d.why());
        }
        out.printf(
                "%d task(s) in the window: %d to republish, %d to re-run under a new id, %d ended, %d already"
                        + " replayed, %d waiting%s%n",
                plan.size(),
                counts.getOrDefault(Verdict.REPUBLISH, 0),
                counts.getOrDefault(Verdict.RERUN, 0),
                counts.getOrDefault(Verdict.SKIP_ENDED, 0),
                counts.getOrDefault(Verdict.SKIP_REPLAYED, 0),
                counts.getOrDefault(Verdict.SKIP_WAITING, 0),
                undecodable > 0 ? " (" + undecodable + " undecodable record(s) left alone)" : "");
    }

    private static String label(Verdict verdict) {
        return switch (verdict) {
            case REPUBLISH -> "republish";
            case RERUN -> "re-run";
            case SKIP_ENDED -> "skip:ended";
            case SKIP_REPLAYED -> "skip:replayed";
            case SKIP_WAITING -> "skip:waiting";
        };
    }

    /** At or after the dispatcher group's committed offset (or none committed): the dispatcher has yet to read it. */
    static Predicate<TaskCopy> waiting(KafkaAccess kafka, List<String> topics) {
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.dispatcherOffsets();
        return copy -> {
            OffsetAndMetadata offset = committed.get(new TopicPartition(copy.topic(), copy.partition()));
            return offset == null || copy.offset() >= offset.offset();
        };
    }

    private Instant time(String option, String text, Instant now) {
        try {
            return Times.parse(text, now, ZoneId.systemDefault());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
