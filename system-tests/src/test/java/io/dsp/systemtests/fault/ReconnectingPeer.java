package io.dsp.systemtests.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A legacy {@code /dsp} peer that reconnects (every second) whenever its connection ends, as {@code ws_client.py} and
 * the apps do, and registers again on each {@code connected}. Frames are handled on one thread, in order; each
 * connection is a generation, so work begun on a dead connection is never answered on the next.
 */
abstract class ReconnectingPeer implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    final ScheduledExecutorService loop;
    private final AtomicInteger generation = new AtomicInteger();
    private volatile WebSocket socket;
    private volatile boolean registered;
    private volatile Instant openedAt = Instant.now();
    private volatile boolean open = true;
    final AtomicInteger connects = new AtomicInteger();

    ReconnectingPeer(String url, String name) {
        this.url = url;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        loop.execute(this::connect);
        loop.scheduleWithFixedDelay(this::unstick, 2, 2, TimeUnit.SECONDS);
    }

    /**
     * A connection that has not registered 10 s after it opened is given up and made again, as a client whose
     * {@code register} got no answer would: once, after a gateway restart, the legacy worker stayed connected and
     * unregistered for the rest of a run (the new gateway never logged its registration).
     */
    private void unstick() {
        WebSocket s = socket;
        if (open
                && s != null
                && !registered
                && Duration.between(openedAt, Instant.now()).toSeconds() >= 10) {
            ended(s, Duration.ofSeconds(1));
        }
    }

    abstract String registerFrame();

    /** Called on the peer's thread for every frame but connected/registered/ping. */
    abstract void onFrame(JsonNode frame, int generation);

    /** Called on the peer's thread when a connection ends. */
    void onDisconnect() {}

    boolean isRegistered() {
        return registered;
    }

    int generation() {
        return generation.get();
    }

    /** Sends on the current connection if it is still {@code onGeneration}; false if that connection is gone. */
    boolean send(String text, int onGeneration) {
        WebSocket s = socket;
        if (s == null || onGeneration != generation.get() || !registered) {
            return false;
        }
        try {
            s.sendText(text, true).get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Drops the connection without a close handshake (a cut cable); reconnects after {@code after}. */
    void cut(Duration after) {
        loop.execute(() -> {
            WebSocket s = socket;
            ended(s, after);
        });
    }

    private void connect() {
        if (!open) {
            return;
        }
        try {
            int gen = generation.incrementAndGet();
            openedAt = Instant.now();
            socket = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(url), new Listener(gen))
                    .get(10, TimeUnit.SECONDS);
            connects.incrementAndGet();
        } catch (Exception e) {
            loop.schedule(this::connect, 1, TimeUnit.SECONDS);
        }
    }

    private void ended(WebSocket which, Duration reconnectAfter) {
        if (which == null || which != socket) {
            return;
        }
        socket = null;
        registered = false;
        generation.incrementAndGet();
        which.abort();
        onDisconnect();
        if (open) {
            loop.schedule(this::connect, reconnectAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        open = false;
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
        loop.shutdownNow();
    }

    private final class Listener implements WebSocket.Listener {

        private final int gen;
        private final StringBuilder partial = new StringBuilder();

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                loop.execute(() -> handle(webSocket, text));
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket webSocket, String text) {
            if (webSocket != socket) {
                return;
            }
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (RuntimeException e) {
                return;
            }
            try {
                switch (frame.path("type").asString()) {
                    case "connected" -> webSocket.sendText(registerFrame(), true);
                    case "registered" -> registered = true;
                    case "ping" -> webSocket.sendText("{\"type\":\"pong\"}", true);
                    default -> onFrame(frame, generation.get());
                }
            } catch (RuntimeException e) {
                // a send refused (one still pending, a closed output): this connection is of no more use
                ended(webSocket, Duration.ofSeconds(1));
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            loop.execute(() -> ended(webSocket, Duration.ofSeconds(1)));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            loop.execute(() -> ended(webSocket, Duration.ofSeconds(1)));
        }
    }
}
