package io.dsp.launcher.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/** Asks a service's Actuator health endpoint whether it is UP. */
public final class HealthProbe {

    private static final Pattern UP = Pattern.compile("\"status\"\\s*:\\s*\"UP\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    public boolean isUp(Service service) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.healthUrl()))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return isUp(response.statusCode(), response.body());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean isUp(int statusCode, String body) {
        return statusCode == 200 && body != null && UP.matcher(body).find();
    }
}
