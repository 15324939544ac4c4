package io.dsp.gateway.protocol;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Role;
import tools.jackson.databind.JsonNode;

/**
 * How the endpoint handles one message type: the role its sender must have (none: any connection, the handler decides)
 * and the refusal it gets otherwise, then the handler. A frame that is refused or fails changes nothing.
 *
 * @param role the sender's required role, {@code null} when any connection may send it
 * @param refusal the error text of a sender without that role
 */
public record FrameRoute(MessageType type, Role role, String refusal, Handler handler) {

    /** Handles one frame of its type from a sender allowed to send it; what it answers goes through {@link Frames}. */
    @FunctionalInterface
    public interface Handler {
        void handle(Connection from, MessageType type, JsonNode frame) throws Exception;
    }

    /** A type only senders of {@code role} may send; others get {@code refusal} as an error frame. */
    public static FrameRoute requiring(MessageType type, Role role, String refusal, Handler handler) {
        return new FrameRoute(type, role, refusal, handler);
    }

    /** A type any connection may send (the handler applies its own rules). */
    public static FrameRoute open(MessageType type, Handler handler) {
        return new FrameRoute(type, null, null, handler);
    }

    /** Whether this sender may send it. */
    public boolean allows(Connection from) {
        return role == null || from.role() == role;
    }
}
