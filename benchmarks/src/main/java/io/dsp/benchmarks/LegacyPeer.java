package io.dsp.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A legacy {@code /dsp} peer on the JDK's WebSocket client that timestamps each frame as it arrives (no polling between
 * the socket and the clock) and sends from one thread, in order. Subclasses decide what a frame means.
 */
abstract class LegacyPeer implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final ExecutorService sender;
    private final LinkedBlockingQueue<JsonNode> control = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    LegacyPeer(HttpClient client, String url, String name) {
        sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-send");
            t.setDaemon(true);
            return t;
        });
        socket = client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .buildAsync(URI.create(url), new Listener())
                .join();
    }

    /** Called on the socket's thread with the arrival time of a whole text frame; returns true if consumed. */
    abstract boolean onFrame(JsonNode frame, long arrivedNanos);

    void send(String text) {
        sender.execute(() -> socket.sendText(text, true).join());
    }

    /** The next frame not consumed by {@link #onFrame}, or fails after the timeout. */
    JsonNode nextControl(Duration timeout) throws InterruptedException {
        JsonNode frame = control.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new IllegalStateException("no frame within " + timeout.toSeconds() + " s");
        }
        return frame;
    }

    /** Sends a register frame until the gateway answers {@code registered} (it may not know a new license yet). */
    void register(String frame, Duration timeout) throws InterruptedException {
        register(frame, timeout, true);
    }

    /**
     * Sends a register frame until the gateway answers {@code registered}; an {@code error} answer is tried again
     * until the timeout when {@code retryOnError} (a license the gateway does not know yet), else it fails at once
     * with the gateway's message (a worker the gateway's access rules refuse: it closes the connection).
     */
    void register(String frame, Duration timeout, boolean retryOnError) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = null;
        while (true) {
            send(frame);
            while (true) {
                JsonNode answer;
                try {
                    answer = nextControl(Duration.ofSeconds(30));
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(
                            "no answer to register"
                                    + (lastError == null ? "" : " (the gateway answered before: " + lastError + ")"),
                            e);
                }
                String type = answer.path("type").asString();
                if ("registered".equals(type)) {
                    return;
                }
                if ("error".equals(type)) {
                    lastError = answer.toString();
                    break;
                }
            }
            if (!retryOnError || System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway refused the register frame: " + lastError);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    @Override
    public void close() {
        socket.abort();
        sender.shutdownNow();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode frame = JSON.readTree(text);
                    if ("ping".equals(frame.path("type").asString())) {
                        send("{\"type\":\"pong\"}");
                    } else if (!onFrame(frame, now)) {
                        control.add(frame);
                    }
                } catch (RuntimeException e) {
                    // not JSON: nothing a benchmark peer waits for
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
