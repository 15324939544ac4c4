package io.dsp.assetapi.result;

import io.dsp.assetapi.readmodel.ReadModels;
import io.dsp.core.store.FileSystemResultStore;
import io.dsp.core.store.ResultLinks;
import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.StoredResult;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskEventType;
import io.dsp.schemas.avro.TaskLife;
import io.dsp.schemas.event.OutcomeFence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Where a task's result is, for whoever may read it: not a task of theirs, not finished yet, finished without a file
 * (or with one the store no longer has), or ready to serve. Also the signed link clients are given to it.
 */
@Component
public class TaskResults {

    /** What a download of a task's result finds. */
    public sealed interface Lookup {}

    /** No such task, or not one the caller may read (answered alike, so that ids cannot be probed). */
    public record Missing() implements Lookup {}

    /** Still running or waiting. */
    public record Unfinished(TaskLife life) implements Lookup {}

    /** Ended without a stored result, or the store removed it (expired). */
    public record Gone() implements Lookup {}

    /** Ready to serve: the stored result and its bytes, named {@code <task id>.<ext>}. */
    public record Ready(StoredResult stored, Resource body, String filename) implements Lookup {

        public MediaType mediaType() {
            return MediaType.parseMediaType(stored.getContentType());
        }

        /**
         * The answer that serves it: its media type, its digest as the ETag, ranges accepted, and its file name in a
         * {@code Content-Disposition} of the given type ({@code inline} or {@code attachment}).
         */
        public ResponseEntity<Resource> response(String dispositionType) {
            return ResponseEntity.ok()
                    .contentType(mediaType())
                    .eTag("\"" + stored.getSha256() + "\"")
                    .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                    .header(
                            HttpHeaders.CONTENT_DISPOSITION,
                            ContentDisposition.builder(dispositionType)
                                    .filename(filename)
                                    .build()
                                    .toString())
                    .body(body);
        }
    }

    private final ReadModels readModels;
    private final ResultStore store;
    private final ResultLinks links;
    private final Clock clock;

    TaskResults(ReadModels readModels, ResultStore store, ResultLinks links, Clock clock) {
        this.readModels = readModels;
        this.store = store;
        this.links = links;
        this.clock = clock;
    }

    public Lookup lookup(String taskId, Predicate<TaskLife> mayRead) {
        Optional<TaskLife> found = readModels.taskLife(taskId).filter(mayRead);
        if (found.isEmpty()) {
            return new Missing();
        }
        TaskLife life = found.get();
        if (OutcomeFence.outcome(life.getEvents()).isEmpty()) {
            return new Unfinished(life);
        }
        Optional<StoredResult> stored =
                stored(life).filter(s -> s.getExpiresAt().isAfter(clock.instant()));
        if (stored.isEmpty()) {
            return new Gone();
        }
        StoredResult result = stored.get();
        String filename = taskId + extension(result.getContentType());
        try {
            Optional<ResultStore.StoredObject> object = store.find(result.getSha256());
            if (object.isEmpty()) {
                return new Gone();
            }
            Resource body = store instanceof FileSystemResultStore files
                    ? files.localPath(result.getSha256())
                            .<Resource>map(FileSystemResource::new)
                            .orElse(null)
                    : new StoredResultResource(
                            store, result.getSha256(), object.get().size(), filename);
            return body == null ? new Gone() : new Ready(result, body, filename);
        } catch (IOException e) {
            throw new UncheckedIOException("result store unavailable: " + e.getMessage(), e);
        }
    }

    /** The signed link to a finished task's stored result, if it has one and links are configured. */
    public Optional<String> resultUrl(TaskLife life) {
        return stored(life).flatMap(s -> links.link(life.getRequestId(), s.getExpiresAt()));
    }

    /** The result the task's end stored (a later, discarded or a stale result never counts). */
    static Optional<StoredResult> stored(TaskLife life) {
        return OutcomeFence.outcome(life.getEvents())
                .filter(e -> e.getType() == TaskEventType.SUCCEEDED)
                .map(TaskEvent::getStored);
    }

    private static String extension(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("video/mp4")) {
            return ".mp4";
        }
        return MediaTypeFactory.getMediaType("x." + type.substring(type.indexOf('/') + 1))
                        .isPresent()
                ? "." + type.substring(type.indexOf('/') + 1)
                : ".bin";
    }
}
