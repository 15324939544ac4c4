package io.dsp.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * asset-api's blob route as the bridge sees it, on a real local port: {@code GET /api/v1/blobs/{md5}}, answering only
 * the fleet token, 404 for a blob it does not have. The gateway's tests do not run asset-api itself.
 */
public final class AssetBlobs implements AutoCloseable {

    private final HttpServer server;
    private final String token;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    private AssetBlobs(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/blobs/", this::blob);
        server.start();
    }

    public static AssetBlobs start(String token) {
        try {
            return new AssetBlobs(token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void blob(HttpExchange exchange) throws IOException {
        String md5 = exchange.getRequestURI().getPath().substring("/api/v1/blobs/".length());
        if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"code\":401,\"msg\":\"鉴权失败\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes = blobs.get(md5);
        if (bytes == null) {
            reply(exchange, 404, "{\"code\":404,\"msg\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
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
