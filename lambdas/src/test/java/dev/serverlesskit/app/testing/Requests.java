package dev.serverlesskit.app.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds API Gateway REST proxy events the way API Gateway sends them (claims from a Cognito authorizer). */
public final class Requests {
    private final APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private final Map<String, String> path = new LinkedHashMap<>();
    private Map<String, Object> claims;

    private Requests(String method, String resource) {
        event.setHttpMethod(method);
        event.setResource(resource);
        event.setPath(resource);
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setRequestId("apigw-" + UUID.randomUUID());
        event.setRequestContext(ctx);
    }

    public static Requests get(String resource) {
        return new Requests("GET", resource);
    }

    public static Requests post(String resource) {
        return new Requests("POST", resource);
    }

    public Requests header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Requests query(String name, String value) {
        query.put(name, value);
        return this;
    }

    public Requests path(String name, String value) {
        path.put(name, value);
        return this;
    }

    public Requests body(String json) {
        event.setBody(json);
        return this;
    }

    public Requests apiGatewayRequestId(String id) {
        event.getRequestContext().setRequestId(id);
        return this;
    }

    /** Signed-in caller; groups as the raw claim string (or null for none). */
    public Requests user(String sub, String groupsClaim) {
        claims = new HashMap<>();
        claims.put("sub", sub);
        if (groupsClaim != null) {
            claims.put("cognito:groups", groupsClaim);
        }
        return this;
    }

    public Requests admin(String sub) {
        return user(sub, "admins");
    }

    public Requests claims(Map<String, Object> rawClaims) {
        claims = rawClaims;
        return this;
    }

    public APIGatewayProxyRequestEvent build() {
        event.setHeaders(headers.isEmpty() ? null : new LinkedHashMap<>(headers));
        event.setQueryStringParameters(query.isEmpty() ? null : new LinkedHashMap<>(query));
        if (!query.isEmpty()) {
            Map<String, List<String>> multi = new LinkedHashMap<>();
            query.forEach((k, v) -> multi.put(k, List.of(v)));
            event.setMultiValueQueryStringParameters(multi);
        }
        event.setPathParameters(path.isEmpty() ? null : new LinkedHashMap<>(path));
        if (claims != null) {
            Map<String, Object> authorizer = new HashMap<>();
            authorizer.put("claims", claims);
            event.getRequestContext().setAuthorizer(authorizer);
        }
        return event;
    }
}
