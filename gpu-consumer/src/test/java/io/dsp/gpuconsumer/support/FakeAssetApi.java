package io.dsp.gpuconsumer.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * asset-api's blob route as a worker sees it, on a real local port: {@code GET /api/v1/blobs/{md5}}, answering only
 * the fleet token. Blobs are stored by their md5 unless a test plants wrong bytes under a hash on purpose.
 */
public final class FakeAssetApi implements AutoCloseable {

    private final HttpServer server;
    private final String token;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public FakeAssetApi(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/blobs/", this::blob);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Stores the bytes under their md5, and returns it. */
    public String put(byte[] bytes) {
        String md5 = md5(bytes);
        blobs.put(md5, bytes);
        return md5;
    }

    /** Serves these bytes under a hash that is not theirs, as a corrupt store would. */
    public void plantCorrupt(String md5, byte[] bytes) {
        blobs.put(md5, bytes);
    }

    /** The Authorization headers received, in order. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void blob(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        String md5 = exchange.getRequestURI().getPath().substring("/api/v1/blobs/".length());
        if (!("Bearer " + token).equals(authorization)) {
            reply(exchange, 401, "{\"code\":401,\"msg\":\"鉴权失败\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes = blobs.get(md5);
        if (bytes == null) {
            reply(
                    exchange,
                    404,
                    "{\"code\":404,\"msg\":\"not found\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        reply(exchange, 200, bytes);
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
