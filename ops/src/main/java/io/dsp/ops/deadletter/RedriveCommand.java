package io.dsp.ops.deadletter;

import io.dsp.ops.OpsException;
import io.dsp.ops.cli.Progress;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.ops.task.Republisher;
import io.dsp.ops.task.RequestIds;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TenantTasks;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.DeadLetterReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops dead-letters redrive}: runs dead-lettered tasks again. A dead letter's request id ended (DEAD_LETTERED),
 * so the dispatcher would drop it as a duplicate within its in-flight expiry; the task is re-published as a new run,
 * {@code <original>:rerun-<n>}, unless a later run of it exists already (then it was re-driven before).
 */
@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description = {
            "Re-publishes dead-lettered tasks to their tenant topic as a new run <request_id>:rerun-<n> (replayOf ="
                    + " a new batch id). A dead letter that already has a later run is skipped, so running it twice"
                    + " re-drives nothing twice."
        })
final class RedriveCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Option(
                names = "--request-id",
                paramLabel = "ID",
                required = true,
                description = "A dead letter's request id (repeatable).")
        List<String> requestIds;

        @Option(names = "--all", required = true, description = "Every dead letter (of --license, if given).")
        boolean all;
    }

    @Option(names = "--license", paramLabel = "KEY", description = "With --all: only this license's dead letters.")
    String license;

    @Option(names = "--dry-run", description = "Print what would be re-driven; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Instant now = Instant.now();
        try (KafkaAccess kafka = kafkaOptions.open()) {
            List<DeadLetter> letters = select(DeadLetters.read(kafka, which.all ? license : null));
            Set<String> existing = kafka.topics();
            Map<String, List<TaskCopy>> runsByLicense = new HashMap<>();
            String batch = Republisher.batchId("redrive", now);
            Republisher republisher = new Republisher(kafka);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            int redriven = 0;
            int skipped = 0;
            for (DeadLetter letter : letters) {
                if (letter.getReason() == DeadLetterReason.BACKLOG_EXPIRED) {
                    // A record of tasks retention deleted: no task is left to run again.
                    out().printf("  skip      %-40s %s%n", letter.getTask().getRequestId(), letter.getLastError());
                    skipped++;
                    continue;
                }
                String key = letter.getTask().getLicenseKey();
                List<TaskCopy> runs = runsByLicense.computeIfAbsent(
                        key,
                        k -> TenantTasks.read(
                                kafka,
                                TenantTasks.topicsOf(k, existing),
                                Instant.EPOCH,
                                Progress.of("reading tenant topic"),
                                null));
                String id = letter.getTask().getRequestId();
                String original = RequestIds.original(id);
                int last = 0;
                TaskCopy latest = null;
                for (TaskCopy run : runs) {
                    if (run.original().equals(original)) {
                        last = Math.max(last, RequestIds.rerunNumber(run.requestId()));
                        if (latest == null || run.isNewerThan(latest)) {
                            latest = run;
                        }
                    }
                }
                if (latest != null && !latest.requestId().equals(id) && latest.isReplay()) {
                    out().printf("  skip      %-40s re-driven before as %s%n", id, latest.requestId());
                    skipped++;
                    continue;
                }
                String newId = RequestIds.rerun(original, Math.max(last, RequestIds.rerunNumber(id)) + 1);
                out().printf(
                                "  %-9s %-40s as %s (%s, %s)%n",
                                dryRun ? "would" : "redrive",
                                id,
                                newId,
                                letter.getTask().getTaskType(),
                                letter.getReason());
                TaskCopy copy = new TaskCopy(
                        letter.getSourceTopic(), 0, -1, letter.getDeadLetteredAt(), letter.getTask(), null);
                if (!dryRun) {
                    republisher.ensureTopic(letter.getTask());
                    records.addAll(republisher.newRun(copy, newId, batch, now));
                }
                redriven++;
            }
            if (!dryRun) {
                republisher.send(records);
            }
            out().printf(
                            "%s%d dead letter(s) %s, %d skipped%s%n",
                            dryRun ? "dry run: " : "",
                            redriven,
                            dryRun ? "would be re-driven" : "re-driven",
                            skipped,
                            dryRun || redriven == 0 ? "" : " (batch " + batch + ")");
            return 0;
        }
    }

    private List<DeadLetter> select(List<DeadLetter> letters) {
        if (which.all) {
            return letters;
        }
        Map<String, DeadLetter> byId = new HashMap<>();
        letters.forEach(l -> byId.put(l.getTask().getRequestId(), l));
        List<DeadLetter> out = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : new LinkedHashSet<>(which.requestIds)) {
            DeadLetter letter = byId.get(id);
            if (letter == null) {
                unknown.add(id);
            } else {
                out.add(letter);
            }
        }
        if (!unknown.isEmpty()) {
            throw new OpsException("No dead letter with request id " + String.join(", ", unknown)
                    + " (ops dead-letters list shows them); nothing was re-driven");
        }
        return out;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
