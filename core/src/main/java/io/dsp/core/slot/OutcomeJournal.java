package io.dsp.core.slot;

import io.dsp.core.ledger.TaskLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outcomes of tasks that ran on this worker (a native worker, or a gateway's bridged legacy worker) but could not be
 * recorded before it stopped (the broker unreachable past the shutdown timeout), kept on local disk under
 * {@code <data-dir>/outcome-journal/} and sent when the service starts again, before its slots take any task (ADR 032).
 *
 * <p>Without it, the outcome was lost with the process and the next delivery ran the effect a second time. With it, a
 * worker restarted while the next delivery still waits for the open attempt's outcome ({@code open-attempt-wait}) gets
 * its outcome in first, and the next delivery is skipped. A worker that never comes back is no worse off than before:
 * the task runs again elsewhere. Each entry is one file, written to a temporary name, forced to disk, then moved into
 * place, so a crash mid-write leaves no half entry.
 */
public final class OutcomeJournal {

    /** The {@code step} tag of the journal's counter: an outcome kept at a stop. */
    public static final String KEPT = "kept";
    /** The {@code step} tag of the journal's counter: a kept outcome recorded at the next start. */
    public static final String REPLAYED = "replayed";
    /** The {@code step} tag of the journal's counter: a kept outcome whose task had ended in the ledger already. */
    public static final String FOUND = "found";

    private static final Logger log = LoggerFactory.getLogger(OutcomeJournal.class);
    private static final int FORMAT = 1;
    private static final String SUFFIX = ".outcome";

    private final Path directory;

    /** The journal of a service whose files live under {@code dataDir}. */
    public OutcomeJournal(Path dataDir) {
        this.directory = dataDir.resolve("outcome-journal");
    }

    /** One kept outcome: the task it is about, and the record exactly as it would have been sent. */
    public record Entry(String requestId, ProducerRecord<byte[], byte[]> record, Path file) {}

    /** Keeps an outcome record on disk; returns where. */
    public Path keep(String requestId, ProducerRecord<byte[], byte[]> record) throws IOException {
        // Kept while the slot is being stopped: an interrupt still pending would close the file channel mid-write.
        boolean interrupted = Thread.interrupted();
        try {
            return write(requestId, record);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Path write(String requestId, ProducerRecord<byte[], byte[]> record) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(fileName(requestId));
        Path partial = Files.createTempFile(directory, ".entry-", ".part");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(encode(requestId, record)));
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return file;
    }

    /**
     * Every kept outcome, oldest first. An entry that cannot be read (not this format) is left in place, said loudly,
     * and skipped: it is an operator's to look at, not something to send half understood.
     */
    public List<Entry> entries() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted((a, b) -> {
                        try {
                            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                        } catch (IOException e) {
                            return a.compareTo(b);
                        }
                    })
                    .toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            try {
                entries.add(decode(Files.readAllBytes(file), file));
            } catch (IOException | RuntimeException e) {
                log.error("outcome journal entry {} cannot be read and is left in place: {}", file, e.toString());
            }
        }
        return entries;
    }

    /** Forgets an entry whose outcome has been recorded (or found recorded). */
    public void forget(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
    }

    /** One send of a kept record, waiting for Kafka's acknowledgement. */
    @FunctionalInterface
    public interface Resend {
        void send(ProducerRecord<byte[], byte[]> record) throws Exception;
    }

    /**
     * Records the outcomes the last run kept (it stopped before it could), each until it lands ({@link OutcomeRecorder})
     * unless the ledger shows its task ended already; each is then forgotten, and its step ({@link #REPLAYED} or
     * {@link #FOUND}) told to {@code counted}. The slots must wait for this: a task of theirs redelivered meanwhile has
     * to find its outcome in the ledger, not run again. An outcome that cannot be recorded (the broker still gone past
     * the recorder's patience) ends the replay, logged, and stays with those after it for the next start; an interrupt
     * ends it too, the thread's flag set again.
     */
    public void replay(TaskLedger ledger, OutcomeRecorder outcomes, Resend resend, Consumer<String> counted) {
        try {
            for (Entry entry : entries()) {
                String requestId = entry.requestId();
                if (endedAlready(ledger, requestId)) {
                    counted.accept(FOUND);
                    log.info("requestId={} ended in the ledger already; its kept outcome is dropped", requestId);
                } else {
                    outcomes.recordUntilItLands(requestId, entry.record(), () -> resend.send(entry.record()));
                    counted.accept(REPLAYED);
                    log.info("recorded the outcome of requestId={} kept by the last run", requestId);
                }
                forget(entry);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("outcomes kept by the last run could not all be recorded; they stay for the next start", e);
        }
    }

    private static boolean endedAlready(TaskLedger ledger, String requestId) throws InterruptedException {
        try {
            return ledger.priorAttempts(requestId).finished();
        } catch (TimeoutException e) {
            // Sent unchecked: readers count a duplicate outcome, while a missing one runs the task again.
            return ledger.knownNow(requestId).finished();
        }
    }

    /** Request ids are the task's own; hex keeps any character of theirs out of the file system's way. */
    private static String fileName(String requestId) {
        return HexFormat.of().formatHex(requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + SUFFIX;
    }

    static byte[] encode(String requestId, ProducerRecord<byte[], byte[]> record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeUTF(requestId);
            out.writeUTF(record.topic());
            writeBytes(out, record.key());
            writeBytes(out, record.value());
            Header[] headers = record.headers().toArray();
            out.writeInt(headers.length);
            for (Header header : headers) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
        }
        return bytes.toByteArray();
    }

    static Entry decode(byte[] bytes, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("unknown journal format " + format);
            }
            String requestId = in.readUTF();
            String topic = in.readUTF();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            int headers = in.readInt();
            for (int i = 0; i < headers; i++) {
                record.headers().add(in.readUTF(), readBytes(in));
            }
            if (in.available() > 0) {
                throw new IOException("trailing bytes after the entry");
            }
            return new Entry(requestId, record, file);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > in.available()) {
            throw new IOException("a field of " + length + " bytes in an entry with " + in.available() + " left");
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
