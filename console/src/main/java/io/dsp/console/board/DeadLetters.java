package io.dsp.console.board;

import io.dsp.core.license.LicenseKeys;
import io.dsp.schemas.avro.DeadLetter;
import io.dsp.schemas.avro.TaskRequested;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The newest dead letters from {@code dsp.dead-letters}, one per request id (a task dead-lettered again moves up). */
final class DeadLetters {

    private final int limit;
    private final LinkedHashMap<String, DeadLetterRow> letters;
    private long seen;

    DeadLetters(int limit) {
        this.limit = limit;
        this.letters = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DeadLetterRow> eldest) {
                return size() > DeadLetters.this.limit;
            }
        };
    }

    boolean apply(String requestId, DeadLetter letter) {
        if (letter == null) {
            return letters.remove(requestId) != null;
        }
        seen++;
        letters.remove(requestId);
        letters.put(requestId, row(letter));
        return true;
    }

    /** Newest first. */
    List<DeadLetterRow> rows() {
        List<DeadLetterRow> rows = new ArrayList<>(letters.values());
        Collections.reverse(rows);
        return rows;
    }

    long seen() {
        return seen;
    }

    private static DeadLetterRow row(DeadLetter letter) {
        TaskRequested task = letter.getTask();
        String key = task.getLicenseKey();
        // The original task's payload is not shown: it is the tenant's data, and re-driving needs the ops tooling.
        return new DeadLetterRow(
                task.getRequestId(),
                LicenseKeys.mask(key),
                task.getTaskType(),
                task.getPriority().name().toLowerCase(Locale.ROOT),
                letter.getReason().name().toLowerCase(Locale.ROOT),
                letter.getDeliveryCount(),
                LicenseKeys.maskIn(letter.getLastError(), key),
                letter.getWorkerId(),
                task.getRequestedAt().toEpochMilli(),
                letter.getDeadLetteredAt().toEpochMilli());
    }
}
