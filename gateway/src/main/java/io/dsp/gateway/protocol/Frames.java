package io.dsp.gateway.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the frames the gateway sends; error frames are built only here. */
public final class Frames {

    private Frames() {}

    public static Map<String, Object> of(MessageType type) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type.wireName());
        return frame;
    }

    /**
     * An error frame. It carries the text as both {@code msg} (what the legacy gateway sent) and {@code message} (what
     * legacy clients read), so no client loses it.
     */
    public static Map<String, Object> error(String message, String requestId) {
        Map<String, Object> frame = of(MessageType.ERROR);
        if (requestId != null) {
            frame.put("request_id", requestId);
        }
        frame.put("msg", message);
        frame.put("message", message);
        return frame;
    }
}
