package dev.serverlesskit.app.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a route returns: status, a JSON body (already serialized) and extra headers. */
public final class ApiResponse {
    private final int status;
    private final String body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private ApiResponse(int status, String body) {
        this.status = status;
        this.body = body;
    }

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, Json.write(body));
    }

    public static ApiResponse raw(int status, String jsonBody) {
        return new ApiResponse(status, jsonBody);
    }

    public static ApiResponse error(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return json(status, Map.of("error", error));
    }

    public ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
