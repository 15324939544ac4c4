package io.dsp.gateway.connection;

import java.time.Instant;
import java.util.Map;
import org.springframework.web.socket.WebSocketSession;

/**
 * One open {@code /dsp} connection: its number ({@code fd}), what it registered as, and when it was last heard from.
 * Registration fields are written only by the connection's own message thread and read by any thread.
 */
public final class Connection {

    private final long fd;
    private final WebSocketSession session;
    private final FrameSender sender;
    private volatile Role role = Role.NONE;
    private volatile String key;
    private volatile String deviceType;
    private volatile Instant lastSeen;
    private final java.util.concurrent.atomic.AtomicLong errorsSent = new java.util.concurrent.atomic.AtomicLong();
    private long rateWindowSecond = -1;
    private int rateWindowCount;

    Connection(long fd, WebSocketSession session, FrameSender sender, Instant openedAt) {
        this.fd = fd;
        this.session = session;
        this.sender = sender;
        this.lastSeen = openedAt;
    }

    public long fd() {
        return fd;
    }

    public Role role() {
        return role;
    }

    /** The license key of a client; {@code null} for other roles. */
    public String key() {
        return key;
    }

    /** {@code pc} or {@code mobile} for a client; {@code null} for other roles. */
    public String deviceType() {
        return deviceType;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    public String remoteAddress() {
        return session.getRemoteAddress() == null
                ? null
                : session.getRemoteAddress().getHostString();
    }

    void registerAs(Role role, String key, String deviceType) {
        this.role = role;
        this.key = key;
        this.deviceType = deviceType;
    }

    /** Sends one frame; a connection that cannot take it is closed rather than blocking the sender. */
    public void send(Map<String, Object> frame) {
        if ("error".equals(frame.get("type"))) {
            errorsSent.incrementAndGet();
        }
        sender.send(session, frame);
    }

    /** Error frames sent to this connection so far: a frame answered with one was refused. */
    public long errorsSent() {
        return errorsSent.get();
    }

    /** Sends one frame that is already JSON text. */
    public void sendText(String frame) {
        sender.sendText(session, frame);
    }

    /**
     * Sends the frame, then closes the connection with a policy-violation status: a refusal the peer is told about
     * (legacy clients read the frame; the close stops it from trying anything else on this connection).
     */
    public void refuse(Map<String, Object> frame, String reason) {
        send(frame);
        FrameSender.close(session, org.springframework.web.socket.CloseStatus.POLICY_VIOLATION.withReason(reason));
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    public void heardAt(Instant now) {
        lastSeen = now;
    }

    /** Counts a frame against the per-second budget; false when the budget of the current second is spent. */
    public synchronized boolean withinRate(Instant now, int perSecond) {
        long second = now.getEpochSecond();
        if (second != rateWindowSecond) {
            rateWindowSecond = second;
            rateWindowCount = 0;
        }
        return ++rateWindowCount <= perSecond;
    }

    WebSocketSession session() {
        return session;
    }

    @Override
    public String toString() {
        return "fd=" + fd + " role=" + role;
    }
}
