package io.dsp.ops.fleet;

import io.dsp.ops.cli.Progress;
import io.dsp.ops.cli.Times;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.WorkerCommand;
import io.dsp.schemas.avro.WorkerPresence;
import io.dsp.schemas.event.Presence;
import io.dsp.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ops fleet}: the workers in {@code dsp.workers} with the operator's command for each. */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = "Lists the fleet from dsp.workers: live or gone (by missed heartbeats), slots, in flight,"
                + " draining, and the standing drain/undrain command from dsp.worker-commands.")
public final class FleetCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--all", description = "Also list workers that stopped beating (gone without a goodbye).")
    boolean all;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            Map<String, WorkerPresence> workers = latest(kafka);
            Map<String, WorkerCommand> commands = commands(kafka);
            Instant now = Instant.now();
            out().printf(
                            "%-36s %-7s %-6s %-5s %5s %9s %-8s %-8s %9s  %s%n",
                            "WORKER",
                            "KIND",
                            "LANE",
                            "LIVE",
                            "SLOTS",
                            "IN FLIGHT",
                            "DRAINING",
                            "COMMAND",
                            "LAST BEAT",
                            "HOST");
            int live = 0;
            int slots = 0;
            int inFlight = 0;
            for (WorkerPresence w : workers.values()) {
                boolean isLive = Presence.isLive(w, now);
                if (isLive) {
                    live++;
                    slots += w.getDraining() ? 0 : w.getSlots();
                    inFlight += w.getInFlight();
                } else if (!all) {
                    continue;
                }
                WorkerCommand command = commands.get(w.getWorkerId());
                out().printf(
                                "%-36s %-7s %-6s %-5s %5d %9d %-8s %-8s %9s  %s%n",
                                w.getWorkerId(),
                                w.getKind(),
                                w.getLane(),
                                isLive ? "yes" : "no",
                                w.getSlots(),
                                w.getInFlight(),
                                w.getDraining() ? "yes" : "no",
                                command == null
                                        ? "-"
                                        : command.getAction().name().toLowerCase(java.util.Locale.ROOT),
                                Times.age(Duration.between(w.getHeartbeatAt(), now)) + " ago",
                                w.getHost() == null ? "" : w.getHost());
            }
            out().printf("%d worker(s) live, %d slot(s) taking work, %d task(s) in flight%n", live, slots, inFlight);
            return 0;
        }
    }

    static Map<String, WorkerPresence> latest(KafkaAccess kafka) {
        Map<String, WorkerPresence> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(Topics.WORKERS, Progress.of("reading workers"))) {
            try {
                String id = Topics.WORKERS.key(record);
                WorkerPresence presence = record.value() == null ? null : Topics.WORKERS.value(record);
                if (presence == null) {
                    out.remove(id);
                } else {
                    out.put(id, presence);
                }
            } catch (SerializationException e) {
                // not presence of this contract
            }
        }
        return out;
    }

    static Map<String, WorkerCommand> commands(KafkaAccess kafka) {
        Map<String, WorkerCommand> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                kafka.readAll(Topics.WORKER_COMMANDS, Progress.of("reading worker commands"))) {
            try {
                String id = Topics.WORKER_COMMANDS.key(record);
                WorkerCommand command = record.value() == null ? null : Topics.WORKER_COMMANDS.value(record);
                if (command == null) {
                    out.remove(id);
                } else {
                    out.put(id, command);
                }
            } catch (SerializationException e) {
                // not a command of this contract
            }
        }
        return out;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
