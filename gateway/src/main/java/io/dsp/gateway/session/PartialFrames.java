package io.dsp.gateway.session;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/** Joins the parts of one text frame, kept on the session until its last part arrives. */
final class PartialFrames {

    /** Returned (by identity) when a frame grew past the limit; its remaining parts are dropped. */
    static final String TOO_BIG = new String("frame too large");

    private static final String PENDING = "dsp.partial-frame";
    private static final String OVERFLOWED = "dsp.partial-frame-overflowed";

    private PartialFrames() {}

    /**
     * The whole frame once its last part is in; {@code null} while parts are still coming (or after an oversize frame
     * until its end); {@link #TOO_BIG} once, when the frame passes {@code maxChars}.
     */
    static String join(WebSocketSession session, TextMessage part, int maxChars) {
        var attributes = session.getAttributes();
        if (attributes.containsKey(OVERFLOWED)) {
            if (part.isLast()) {
                attributes.remove(OVERFLOWED);
            }
            return null;
        }
        StringBuilder pending = (StringBuilder) attributes.get(PENDING);
        if (pending == null && part.isLast()) {
            return part.getPayload(); // the usual case: a frame that fit the container's buffer
        }
        if (pending == null) {
            pending = new StringBuilder();
            attributes.put(PENDING, pending);
        }
        pending.append(part.getPayload());
        if (pending.length() > maxChars) {
            attributes.remove(PENDING);
            if (!part.isLast()) {
                attributes.put(OVERFLOWED, Boolean.TRUE);
            }
            return TOO_BIG;
        }
        if (!part.isLast()) {
            return null;
        }
        attributes.remove(PENDING);
        return pending.toString();
    }
}
