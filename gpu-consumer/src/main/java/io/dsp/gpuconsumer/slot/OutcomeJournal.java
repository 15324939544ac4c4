package io.dsp.gpuconsumer.slot;

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
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Outcomes of tasks that ran on this worker but could not be recorded before it stopped (the broker unreachable past
 * the shutdown timeout), kept on local disk under {@code <data-dir>/outcome-journal/} and sent when the worker starts
 * again, before its slots take any task.
 *
 * <p>Without it, the outcome was lost with the process and the next delivery ran the effect a second time. With it, a
 * worker restarted while the next delivery still waits for the open attempt's outcome ({@code open-attempt-wait}) gets
 * its outcome in first, and the next delivery is skipped. A worker that never comes back is no worse off than before:
 * the task runs again elsewhere. Each entry is one file, written to a temporary name, forced to disk, then moved into
 * place, so a crash mid-write leaves no half entry.
 */
@Component
class OutcomeJournal {

    private static final Logger log = LoggerFactory.getLogger(OutcomeJournal.class);
    private static final int FORMAT = 1;
    private static final String SUFFIX = ".outcome";

    private final Path directory;

    OutcomeJournal(@Value("${dsp.data-dir}") Path dataDir) {
        this.directory = dataDir.resolve("outcome-journal");
    }

    /** One kept outcome: the task it is about, and the record exactly as it would have been sent. */
    record Entry(String requestId, ProducerRecord<byte[], byte[]> record, Path file) {}

    /** Keeps an outcome record on disk; returns where. */
    Path keep(String requestId, ProducerRecord<byte[], byte[]> record) throws IOException {
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
    List<Entry> entries() throws IOException {
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
    void forget(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
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
