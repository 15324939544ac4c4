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
    /** When each of the last frames let through arrived (epoch ms), a ring as long as the per-second budget. */
    private long[] passedAtMillis;

    private int oldestPassed;
    private int passedCount;

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

    /**
     * Counts a frame against the budget of any one-second span: false when {@code perSecond} frames already passed
     * within the second before {@code now}. A sliding span, not calendar seconds, so a burst that straddles a second's
     * boundary cannot pass twice the budget. Refused frames are not counted: a flood is refused only while it exceeds
     * the budget.
     */
    public synchronized boolean withinRate(Instant now, int perSecond) {
        long nowMillis = now.toEpochMilli();
        if (passedAtMillis == null || passedAtMillis.length != perSecond) {
            passedAtMillis = new long[perSecond];
            oldestPassed = 0;
            passedCount = 0;
        }
        if (passedCount == perSecond && nowMillis - passedAtMillis[oldestPassed] < 1000) {
            return false;
        }
        // The slot after the newest is the oldest once the ring is full; before that it is the next free one.
        int slot = (oldestPassed + passedCount) % perSecond;
        passedAtMillis[slot] = nowMillis;
        if (passedCount < perSecond) {
            passedCount++;
        } else {
            oldestPassed = (oldestPassed + 1) % perSecond;
        }
        return true;
    }

    WebSocketSession session() {
        return session;
    }

    @Override
    public String toString() {
        return "fd=" + fd + " role=" + role;
    }
}
