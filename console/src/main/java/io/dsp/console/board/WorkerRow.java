package io.dsp.console.board;

/**
 * One fleet member as the board shows it.
 *
 * @param workerId worker id from its presence
 * @param kind {@code native}, {@code legacy} or {@code unknown}
 * @param lane kind of work it takes ({@code gpu})
 * @param host host it runs on, if it said
 * @param slots tasks it can run at once
 * @param inFlight tasks it is running now
 * @param draining true while it finishes its work and takes no more
 * @param live whether it beat recently enough ({@code Presence.isLive})
 * @param startedAt when it started, epoch milliseconds
 * @param heartbeatAt its last beat, epoch milliseconds
 * @param heartbeatAgeMs milliseconds since its last beat, at the snapshot's time
 */
public record WorkerRow(
        String workerId,
        String kind,
        String lane,
        String host,
        int slots,
        int inFlight,
        boolean draining,
        boolean live,
        long startedAt,
        long heartbeatAt,
        long heartbeatAgeMs) {}
