package io.dsp.console.web;

import io.dsp.console.ConsoleMetrics;
import io.dsp.console.ConsoleSettings;
import io.dsp.console.board.Board;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live-update channel: Server-Sent Events, one {@code board} event carrying a whole snapshot (the same JSON as
 * {@code GET /console/api/board}) on connect, then whenever the board changed, at most once per push interval, and
 * at least every ten intervals so that ages and liveness move on. Whole snapshots rather than deltas: the board is
 * bounded (recent tasks, dead letters), one serialisation serves every client, and a client that missed events needs
 * nothing to catch up.
 */
@RestController
class LiveUpdates implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    /** Pushes without a change after which one is sent anyway. */
    private static final int REFRESH_EVERY = 10;

    /** Connections end after this and the browser reconnects, so no connection lives for ever. */
    private static final Duration CONNECTION_LIFETIME = Duration.ofMinutes(30);

    private final Board board;
    private final Clock clock;
    private final ConsoleSettings settings;
    private final JsonMapper json;
    private final List<SseEmitter> clients = new CopyOnWriteArrayList<>();
    private final TaskScheduler scheduler;
    private volatile ScheduledFuture<?> ticks;
    private long pushedVersion = -1;
    private int quietTicks;

    LiveUpdates(
            Board board,
            Clock clock,
            ConsoleSettings settings,
            JsonMapper json,
            MeterRegistry meters,
            TaskScheduler scheduler) {
        this.scheduler = scheduler;
        this.board = board;
        this.clock = clock;
        this.settings = settings;
        this.json = json;
        Gauge.builder(ConsoleMetrics.LIVE_CLIENTS, clients, List::size)
                .description("Open live-update connections")
                .register(meters);
    }

    @GetMapping(path = "/console/api/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() throws IOException {
        if (ticks == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "The console is stopping");
        }
        if (clients.size() >= settings.maxLiveClients()) {
            throw new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Too many live connections (dsp.console.max-live-clients=" + settings.maxLiveClients() + ")");
        }
        return register(new SseEmitter(CONNECTION_LIFETIME.toMillis()));
    }

    /** Sends the current board to a new client, then keeps it for the pushes. */
    SseEmitter register(SseEmitter emitter) throws IOException {
        emitter.onCompletion(() -> clients.remove(emitter));
        emitter.onTimeout(() -> clients.remove(emitter));
        emitter.onError(e -> clients.remove(emitter));
        emitter.send(
                SseEmitter.event().reconnectTime(2000).name("board").data(snapshotJson(), MediaType.APPLICATION_JSON));
        clients.add(emitter);
        return emitter;
    }

    private String snapshotJson() {
        return json.writeValueAsString(board.snapshot(clock.instant()));
    }

    /** One tick of the push loop. */
    void tick() {
        try {
            if (clients.isEmpty()) {
                return;
            }
            long version = board.version();
            if (version == pushedVersion && ++quietTicks < REFRESH_EVERY) {
                return;
            }
            pushedVersion = version;
            quietTicks = 0;
            String data = snapshotJson();
            for (SseEmitter client : clients) {
                try {
                    client.send(SseEmitter.event().name("board").data(data, MediaType.APPLICATION_JSON));
                } catch (IOException | IllegalStateException e) {
                    // The browser went away; its emitter is done.
                    clients.remove(client);
                    client.completeWithError(e);
                }
            }
        } catch (RuntimeException e) {
            log.warn("live update failed; trying again at the next tick", e);
        }
    }

    @Override
    public void start() {
        ticks = scheduler.scheduleWithFixedDelay(
                this::tick, Instant.now().plus(settings.pushInterval()), settings.pushInterval());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> running = ticks;
        ticks = null;
        if (running != null) {
            running.cancel(true);
        }
        // Open streams would hold a graceful shutdown until they time out.
        for (SseEmitter client : clients) {
            client.complete();
        }
        clients.clear();
    }

    @Override
    public boolean isRunning() {
        return ticks != null;
    }
}
