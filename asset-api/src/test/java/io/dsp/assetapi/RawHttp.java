package io.dsp.assetapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends exactly the bytes given over a socket (HTTP/1.1, {@code Connection: close}) and reads the answer: for request
 * lines and headers that {@link java.net.http.HttpClient} refuses to send (bare CR, NUL, raw UTF-8, huge headers,
 * undecoded paths).
 */
final class RawHttp {

    record Answer(int status, String body) {}

    private RawHttp() {}

    static Answer send(int port, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            byte[] response = readAll(socket.getInputStream());
            return parse(response);
        } catch (IOException e) {
            // The server closed on us without an answer: not a 5xx, but reported as status 0.
            return new Answer(0, "");
        }
    }

    static byte[] request(String method, String target, String headers, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                + "Content-Length: " + body.length + "\r\n\r\n";
        bytes.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static Answer parse(byte[] response) {
        String text = new String(response, StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Answer(0, text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return new Answer(status, "");
        }
        String head = text.substring(0, split).toLowerCase(Locale.ROOT);
        String body = text.substring(split + 4);
        if (head.contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new Answer(status, body);
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            // Sizes count bytes; bodies here are JSON, where multi-byte characters are rare enough to re-encode.
            byte[] rest = chunked.substring(eol + 2).getBytes(StandardCharsets.UTF_8);
            String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
            body.append(chunk);
            at = eol + 2 + chunk.length() + 2;
        }
        return body.toString();
    }
}
