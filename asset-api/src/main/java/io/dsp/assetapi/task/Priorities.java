package io.dsp.assetapi.task;

import io.dsp.assetapi.web.ApiException;
import io.dsp.schemas.avro.Priority;
import java.util.Locale;
import org.springframework.http.HttpStatus;

/** The {@code priority} field of a submission: {@code high} or {@code normal}; absent means normal. */
public final class Priorities {

    static final String INVALID = "priority 须为 high 或 normal";

    private Priorities() {}

    /** The priority a client asked for; anything but absent, {@code high} or {@code normal} is refused. */
    public static Priority parse(Object value) {
        if (value == null || (value instanceof String blank && blank.isBlank())) {
            return Priority.NORMAL;
        }
        if (!(value instanceof String text)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, INVALID);
        }
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "high":
                return Priority.HIGH;
            case "normal":
                return Priority.NORMAL;
            default:
                throw new ApiException(HttpStatus.BAD_REQUEST, INVALID);
        }
    }

    /** The lower-case word clients see. */
    public static String name(Priority priority) {
        return (priority == null ? Priority.NORMAL : priority).name().toLowerCase(Locale.ROOT);
    }
}
