package dev.serverlesskit.test.e2e.authfixture;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test-only function (packaged into its own jar by {@code LocalRouteAuthorizationTest}): answers 200 with what the
 * gateway told it about the caller (IAM caller, authorizer principal and context, API key id). JDK types only.
 */
public class EchoHandler {
    @SuppressWarnings("unchecked")
    public Map<String, Object> handleRequest(Map<String, Object> event) {
        Map<String, Object> ctx = (Map<String, Object>) event.getOrDefault("requestContext", Map.of());
        Map<String, Object> identity = (Map<String, Object>) ctx.getOrDefault("identity", Map.of());
        Map<String, Object> authorizer = (Map<String, Object>) ctx.getOrDefault("authorizer", Map.of());
        StringBuilder body = new StringBuilder("{");
        field(body, "caller", identity.get("userArn"));
        field(body, "apiKeyId", identity.get("apiKeyId"));
        field(body, "principalId", authorizer == null ? null : authorizer.get("principalId"));
        field(body, "authorizerRun", authorizer == null ? null : authorizer.get("run"));
        body.setLength(body.length() - 1);
        body.append('}');
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", 200);
        response.put("headers", Map.of("Content-Type", "application/json"));
        response.put("body", body.toString());
        return response;
    }

    private static void field(StringBuilder b, String name, Object value) {
        b.append('"').append(name).append("\":").append(value == null ? "null" : "\"" + value + "\"").append(',');
    }
}
