package io.dsp.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A legacy peer of the {@code /dsp} endpoint (worker, power manager or app): sends text frames and hands back the
 * frames it receives, parsed, in order.
 */
public final class LegacySocket implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private LegacySocket(URI uri) {
        this.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Collector())
                .join();
    }

    public static LegacySocket connect(String url) {
        return new LegacySocket(URI.create(url));
    }

    public LegacySocket send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** The next frame, waiting up to 10 s; fails if none comes. */
    public JsonNode next() {
        try {
            String frame = received.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return JSON.readTree(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a frame arrives within the given time, without consuming it. */
    public boolean quietFor(Duration duration) {
        try {
            String frame = received.poll(duration.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                return true;
            }
            received.add(frame);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
