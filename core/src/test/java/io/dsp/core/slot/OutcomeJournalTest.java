package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomeJournalTest {

    @TempDir
    Path dataDir;

    @Test
    void aKeptOutcomeComesBackAsTheSameRecordUntilItIsForgotten() throws IOException {
        OutcomeJournal journal = new OutcomeJournal(dataDir);
        ProducerRecord<byte[], byte[]> record = record("task_1/../x:y", "value");
        record.headers().add("traceparent", bytes("00-abc-def-01"));

        journal.keep("task_1/../x:y", record);

        List<OutcomeJournal.Entry> entries = journal.entries();
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.requestId()).isEqualTo("task_1/../x:y");
            assertThat(entry.file().getParent()).isEqualTo(dataDir.resolve("outcome-journal"));
            assertThat(entry.record().topic()).isEqualTo("dsp.task-events");
            assertThat(entry.record().key()).isEqualTo(bytes("task_1/../x:y"));
            assertThat(entry.record().value()).isEqualTo(bytes("value"));
            assertThat(entry.record().headers().lastHeader("traceparent").value())
                    .isEqualTo(bytes("00-abc-def-01"));
        });
        journal.forget(entries.get(0));
        assertThat(journal.entries()).isEmpty();
        assertThat(files()).isEmpty();
    }

    @Test
    void keepingTheSameTaskTwiceKeepsTheLaterOutcomeOnly() throws IOException {
        OutcomeJournal journal = new OutcomeJournal(dataDir);

        journal.keep("task_2", record("task_2", "first"));
        journal.keep("task_2", record("task_2", "second"));

        assertThat(journal.entries())
                .singleElement()
                .satisfies(entry -> assertThat(entry.record().value()).isEqualTo(bytes("second")));
    }

    @Test
    void anUnreadableEntryIsLeftInPlaceAndTheOthersAreStillRead() throws IOException {
        OutcomeJournal journal = new OutcomeJournal(dataDir);
        journal.keep("task_3", record("task_3", "value"));
        Path broken = dataDir.resolve("outcome-journal").resolve("broken.outcome");
        Files.write(broken, new byte[] {0, 0, 0, 1, 0, 5, 'x'});
        Path huge = dataDir.resolve("outcome-journal").resolve("huge.outcome");
        byte[] claimsTooMuch = OutcomeJournal.encode("task_4", record("task_4", "value"));
        claimsTooMuch[claimsTooMuch.length - 10] = 0x7f; // a length field far past the file's end
        Files.write(huge, claimsTooMuch);

        assertThat(journal.entries())
                .extracting(OutcomeJournal.Entry::requestId)
                .containsExactly("task_3");
        assertThat(broken).exists();
        assertThat(huge).exists();
    }

    @Test
    void anEmptyOrMissingJournalHasNoEntries() throws IOException {
        assertThat(new OutcomeJournal(dataDir.resolve("nowhere")).entries()).isEmpty();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> listed = Files.list(dataDir.resolve("outcome-journal"))) {
            return listed.toList();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String key, String value) {
        return new ProducerRecord<>("dsp.task-events", bytes(key), bytes(value));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
