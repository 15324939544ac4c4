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
