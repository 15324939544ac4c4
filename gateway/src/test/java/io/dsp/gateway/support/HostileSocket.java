package io.dsp.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A peer that sends anything (text of any size, binary frames) and reports what came back: frames, or that the
 * gateway closed the connection.
 */
public final class HostileSocket implements AutoCloseable {

    /** What the gateway did next: a frame (parsed), or a close with its code. */
    public record Answer(JsonNode frame, Integer closeCode) {

        public boolean closed() {
            return closeCode != null;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private volatile boolean closed;

    private HostileSocket(String url) {
        this.socket = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), new Collector())
                .join();
    }

    public static HostileSocket connect(String url) {
        return new HostileSocket(url);
    }

    /** Sends a text frame; a send the gateway already refused (closed) is ignored. */
    public HostileSocket text(String text) {
        try {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closed by the gateway: the answer queue says so
        }
        return this;
    }

    public HostileSocket binary(byte[] bytes) {
        try {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closed by the gateway
        }
        return this;
    }

    /** The next frame or close within the time, or null. */
    public Answer next(Duration within) {
        try {
            return answers.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public boolean isClosed() {
        return closed;
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
                try {
                    answers.add(new Answer(JSON.readTree(partial.toString()), null));
                } catch (RuntimeException e) {
                    answers.add(new Answer(JSON.getNodeFactory().stringNode(partial.toString()), null));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            answers.add(new Answer(null, statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
            answers.add(new Answer(null, -1));
        }
    }
}
