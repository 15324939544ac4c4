package io.dsp.assetapi.web;

import org.springframework.http.HttpStatus;

/**
 * A request the API refuses, with the user-facing legacy message and the HTTP status the newer {@code /api/v1}
 * endpoints use (legacy paths always answer HTTP 200, as the old clients expect).
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;

    public ApiException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
