package io.dsp.ops.migrate;

import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Keys;
import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.ops.migrate.LegacyFrames.Migrated;
import io.dsp.ops.migrate.LegacyFrames.Outcome;
import io.dsp.ops.task.Republisher;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TenantTasks;
import io.dsp.schemas.avro.TaskRequested;
import io.dsp.schemas.trace.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ops migrate-legacy}: moves what waits in the legacy {@code dsp:pending_tasks:*} lists into the tenant topics,
 * without loss or duplication. Per list, oldest first, in batches: each entry becomes its task(s) (see
 * {@link LegacyFrames}) with {@code ACCEPTED} and {@code QUEUED} steps (origin OPS); a task whose request id is already
 * in its tenant topic is not written again; only once Kafka acknowledged a batch are its entries removed from the head
 * of the list. A crash anywhere leaves every entry either still in Redis or in Kafka (or both, and then the next run
 * finds it in Kafka and only removes it): running it again moves nothing twice.
 */
@Command(
        name = "migrate-legacy",
        mixinStandardHelpOptions = true,
        description = {
            "Moves every task waiting in the legacy Redis lists dsp:pending_tasks:* into the tenant topics (as"
                    + " TaskRequested with ACCEPTED and QUEUED, origin OPS), oldest first, removing each entry only"
                    + " after Kafka acknowledged it. Safe to run again: nothing is moved twice.",
            "Stop the legacy gateway first (or at least its workers and clients): it pops these lists too."
        })
public final class MigrateLegacyCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final int BATCH = 100;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(
            names = "--redis-url",
            paramLabel = "URL",
            defaultValue = "redis://127.0.0.1:6379",
            description = "The legacy Redis (default: ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(
            names = "--global-license",
            paramLabel = "KEY",
            description = "License for entries of dsp:pending_tasks:__global__ that name none; without it they stay"
                    + " in Redis and are reported.")
    String globalLicense;

    @Option(names = "--dry-run", description = "Show counts per list and type; change nothing.")
    boolean dryRun;

    @Option(names = "--show-keys", description = "Print license keys unmasked.")
    boolean showKeys;

    private final JsonMapper json = JsonMapper.builder().build();

    /** Counts of one list, for the report. */
    static final class ListReport {
        final Map<String, Integer> byType = new TreeMap<>();
        int entries;
        int moved;
        int alreadyInKafka;
        final List<String> problems = new ArrayList<>();
    }

    @Override
    public Integer call() {
        Instant now = Instant.now();
        LegacyFrames frames = new LegacyFrames(json);
        try (RedisLists redis = new RedisLists(redisUrl, Duration.ofSeconds(10));
                KafkaAccess kafka = kafkaOptions.open()) {
            List<String> lists = redis.lists();
            if (lists.isEmpty()) {
                out().println("no legacy pending lists (" + RedisLists.PREFIX + "*): nothing to migrate");
                return 0;
            }
            Set<String> topics = kafka.topics();
            Republisher republisher = new Republisher(kafka);
            int moved = 0;
            int stuck = 0;
            for (String list : lists) {
                ListReport report = migrate(redis, kafka, topics, republisher, frames, list, now);
                moved += report.moved;
                stuck += report.problems.size();
                print(list, report);
            }
            out().printf(
                            "%s%d task(s) %s, %d entr%s left in Redis%n",
                            dryRun ? "dry run: " : "",
                            moved,
                            dryRun ? "would move" : "moved",
                            stuck,
                            stuck == 1 ? "y" : "ies");
            return stuck > 0 ? 1 : 0;
        }
    }

    private ListReport migrate(
            RedisLists redis,
            KafkaAccess kafka,
            Set<String> topics,
            Republisher republisher,
            LegacyFrames frames,
            String list,
            Instant now) {
        ListReport report = new ListReport();
        List<String> entries = redis.entries(list);
        long base = redis.removedBefore(list);
        report.entries = entries.size();
        Map<String, Set<String>> inKafka = new HashMap<>();
        Progress progress = Progress.of("migrating " + list);
        progress.total(entries.size());
        List<String> batchEntries = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> batchRecords = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            Outcome outcome = frames.parse(RedisLists.licenseOf(list), base + i, entry, globalLicense, now);
            if (outcome.problem() != null) {
                // An entry that cannot move blocks the ones behind it: removal is from the head only, in order.
                int behind = entries.size() - i - 1;
                report.problems.add("entry " + i + ": " + outcome.problem()
                        + (behind > 0 ? " (the " + behind + " entries behind it wait for it)" : ""));
                break;
            }
            for (Migrated m : outcome.tasks()) {
                TaskRequested task = m.task();
                report.byType.merge(m.frameType() + "/" + task.getTaskType(), 1, Integer::sum);
                Set<String> known =
                        inKafka.computeIfAbsent(task.getLicenseKey(), key -> requestIds(kafka, topics, key));
                if (!known.add(task.getRequestId())) {
                    report.alreadyInKafka++;
                    continue;
                }
                report.moved++;
                if (!dryRun) {
                    republisher.ensureTopic(task);
                    batchRecords.addAll(republisher.accepted(task, TraceContext.start(), now));
                }
            }
            batchEntries.add(entry);
            if (batchEntries.size() >= BATCH) {
                flush(redis, republisher, list, batchEntries, batchRecords, report);
                progress.step(BATCH);
            }
        }
        flush(redis, republisher, list, batchEntries, batchRecords, report);
        progress.done();
        return report;
    }

    /** Kafka first, then Redis: entries leave the list only once their tasks are acknowledged. */
    private void flush(
            RedisLists redis,
            Republisher republisher,
            String list,
            List<String> entries,
            List<ProducerRecord<byte[], byte[]>> records,
            ListReport report) {
        if (dryRun) {
            entries.clear();
            return;
        }
        republisher.send(records);
        records.clear();
        for (String entry : entries) {
            if (!redis.removeHead(list, entry)) {
                throw new OpsException("The head of " + list + " changed while migrating (is the legacy gateway still"
                        + " running?); what was migrated is in Kafka, run the migration again once it is stopped.");
            }
        }
        entries.clear();
    }

    /** Request ids already in the license's task topics: those tasks are not written again. */
    private static Set<String> requestIds(KafkaAccess kafka, Set<String> topics, String licenseKey) {
        Set<String> ids = new HashSet<>();
        List<String> own = TenantTasks.topicsOf(licenseKey, topics);
        if (!own.isEmpty()) {
            for (TaskCopy copy : TenantTasks.read(kafka, own, Instant.EPOCH, Progress.none(), null)) {
                ids.add(copy.requestId());
            }
        }
        return ids;
    }

    private void print(String list, ListReport report) {
        String license = RedisLists.licenseOf(list);
        String name =
                RedisLists.PREFIX + (LegacyFrames.GLOBAL.equals(license) ? license : Keys.show(license, showKeys));
        out().printf(
                        "%s: %d entr%s, %d task(s) %s, %d already in Kafka%n",
                        name,
                        report.entries,
                        report.entries == 1 ? "y" : "ies",
                        report.moved,
                        dryRun ? "to move" : "moved",
                        report.alreadyInKafka);
        report.byType.forEach((type, n) -> out().printf("    %-40s %d%n", type, n));
        report.problems.forEach(p -> out().printf("    left in Redis: %s%n", p));
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
