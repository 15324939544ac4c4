package io.dsp.assetapi.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The legacy envelope every endpoint answers with: {@code code} 0 is success, anything else a failure whose
 * {@code msg} is shown to the user.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiResponse(int code, String msg, Object data) {

    /** The legacy {@code ApiResponse::fail} code. */
    public static final int FAIL = 1;

    public static ApiResponse ok(String msg, Object data) {
        return new ApiResponse(0, msg, data);
    }

    public static ApiResponse fail(int code, String msg) {
        return new ApiResponse(code, msg, null);
    }
}
