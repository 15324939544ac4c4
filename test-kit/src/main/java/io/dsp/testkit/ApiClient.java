package io.dsp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A legacy app's view of asset-api over real HTTP: requests carry the license headers the apps send, answers are the
 * JSON envelope plus the HTTP status.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final Map<String, String> headers;

    private ApiClient(String baseUrl, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.headers = Map.copyOf(headers);
    }

    /** A client sending no license headers at all. */
    public static ApiClient anonymous(String baseUrl) {
        return new ApiClient(baseUrl, Map.of());
    }

    /** A client for this license, as a PC with the given machine code. */
    public static ApiClient forLicense(String baseUrl, String licenseKey, String machineCode) {
        return new ApiClient(baseUrl, Map.of("Authorization", "Bearer " + licenseKey, "X-Machine-Code", machineCode));
    }

    /** The same client with one header set (or replaced). */
    public ApiClient withHeader(String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.put(name, value);
        return new ApiClient(baseUrl, changed);
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer postJson(String path, String body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A multipart form with text fields and one file part, as the apps upload files. */
    public Answer postMultipart(
            String path, Map<String, String> fields, String fileField, String fileName, byte[] file) {
        String boundary = "----dsp" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        fields.forEach((name, value) -> body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(utf8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                        + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(utf8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(utf8));
        return send(request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** A GET whose body is bytes (a download), with extra request headers such as {@code Range}. */
    public Download download(String path, Map<String, String> extraHeaders) {
        HttpRequest.Builder request = request(path).GET();
        extraHeaders.forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Download(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A downloaded body.
     *
     * @param status HTTP status
     * @param headers response headers (names lower-case)
     * @param body the bytes
     */
    public record Download(int status, Map<String, java.util.List<String>> headers, byte[] body) {

        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), java.util.List.of()).stream()
                    .findFirst()
                    .orElse(null);
        }

        /** The body as the JSON envelope of an error answer. */
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        headers.forEach(request::header);
        return request;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One answer.
     *
     * @param status HTTP status
     * @param body the envelope {@code {code, msg, data}}
     */
    public record Answer(int status, JsonNode body) {

        public int code() {
            return body.path("code").asInt(Integer.MIN_VALUE);
        }

        public String msg() {
            return body.path("msg").asString();
        }

        public JsonNode data() {
            return body.path("data");
        }
    }
}
