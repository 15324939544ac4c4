package io.dsp.ops.deadletter;

import io.dsp.ops.cli.Keys;
import io.dsp.ops.cli.Times;
import io.dsp.ops.kafka.KafkaAccess;
import io.dsp.ops.kafka.KafkaOptions;
import io.dsp.schemas.avro.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ops dead-letters list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the dead letters, oldest first.")
final class ListDeadLettersCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--license", paramLabel = "KEY", description = "Only this license's dead letters.")
    String license;

    @Option(names = "--show-keys", description = "Print license keys unmasked.")
    boolean showKeys;

    @Override
    public Integer call() {
        try (KafkaAccess kafka = kafkaOptions.open()) {
            List<DeadLetter> letters = DeadLetters.read(kafka, license);
            Instant now = Instant.now();
            out().printf(
                            "%-40s %-14s %-12s %-18s %4s %8s  %s%n",
                            "REQUEST ID", "TASK TYPE", "LICENSE", "REASON", "TRY", "AGO", "LAST ERROR");
            for (DeadLetter d : letters) {
                out().printf(
                                "%-40s %-14s %-12s %-18s %4d %8s  %s%n",
                                d.getTask().getRequestId(),
                                d.getTask().getTaskType(),
                                Keys.show(d.getTask().getLicenseKey(), showKeys),
                                d.getReason(),
                                d.getDeliveryCount(),
                                Times.age(Duration.between(d.getDeadLetteredAt(), now)),
                                d.getLastError() == null ? "" : d.getLastError());
            }
            out().printf("%d dead letter(s)%n", letters.size());
            return 0;
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
