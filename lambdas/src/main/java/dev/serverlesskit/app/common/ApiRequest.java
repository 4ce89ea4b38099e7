package dev.serverlesskit.app.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** One API Gateway (REST, proxy integration) request as the routes see it. */
public final class ApiRequest {
    /** Largest accepted body (bytes, UTF-8). */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final APIGatewayProxyRequestEvent event;
    private final Context context;
    private final String correlationId;
    private final AppMetrics metrics;

    ApiRequest(APIGatewayProxyRequestEvent event, Context context, String correlationId, AppMetrics metrics) {
        this.event = event;
        this.context = context;
        this.correlationId = correlationId;
        this.metrics = metrics;
    }

    public APIGatewayProxyRequestEvent event() {
        return event;
    }

    public Context context() {
        return context;
    }

    public String correlationId() {
        return correlationId;
    }

    public AppMetrics metrics() {
        return metrics;
    }

    /** Case-insensitive header lookup (HTTP header names are case-insensitive; API Gateway keeps the sent case). */
    public String header(String name) {
        return headerOf(event, name);
    }

    static String headerOf(APIGatewayProxyRequestEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Null when absent or empty. */
    public String query(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        String value = query == null ? null : query.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    public String pathParameter(String name) {
        Map<String, String> params = event.getPathParameters();
        String value = params == null ? null : params.get(name);
        if (value == null || value.isEmpty()) {
            throw ApiException.validation("path parameter '" + name + "' is required");
        }
        return value;
    }

    /** The body as text, base64-decoded when API Gateway flagged it; at most {@link #MAX_BODY_BYTES}. */
    public String body() {
        String body = event.getBody();
        if (body == null) {
            return null;
        }
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            try {
                byte[] bytes = Base64.getDecoder().decode(body);
                checkSize(bytes.length);
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("INVALID_JSON", "body is not valid base64");
            }
        }
        if (body.length() > MAX_BODY_BYTES) {
            checkSize(body.length());
        }
        checkSize(body.getBytes(StandardCharsets.UTF_8).length);
        return body;
    }

    public JsonBody jsonBody() {
        return Json.parseObject(body());
    }

    private static void checkSize(int bytes) {
        if (bytes > MAX_BODY_BYTES) {
            throw ApiException.validation("body must be at most " + MAX_BODY_BYTES + " bytes");
        }
    }

    /** The signed-in caller, or 401 UNAUTHENTICATED. */
    public Caller requireCaller() {
        Caller caller = Caller.fromAuthorizer(
                event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer());
        if (caller == null) {
            throw new ApiException(401, "UNAUTHENTICATED", "sign-in required: no caller identity (sub) in the request");
        }
        return caller;
    }
}
