package ${package}.function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Who may call each route this function serves, as the API declared it with the construct library's
 * {@code RouteAccess}: the JSON object in {@value #VARIABLE} ({@code {"GET /items/{id}":"authenticated"}}), which
 * {@code ServerlessApi} writes. There is no default: without it the function fails its cold start, and a route it
 * does not list is refused. API Gateway has checked the caller's token (or IAM signature, or Lambda authorizer)
 * before the function runs; it cannot check Cognito groups, so {@link #refusal} does.
 */
final class RouteAccess {
    static final String VARIABLE = "SERVERLESSKIT_ROUTE_ACCESS";

    private final Map<String, String> accessByRoute;

    private RouteAccess(Map<String, String> accessByRoute) {
        this.accessByRoute = accessByRoute;
    }

    /** From the environment; a missing or malformed value fails the cold start, naming the variable. */
    static RouteAccess fromEnvironment() {
        return parse(System.getenv(VARIABLE));
    }

    static RouteAccess parse(String json) {
        Map<String, String> rules = new TreeMap<>();
        try {
            JsonNode.parser().parse(json == null ? "" : json).asObject()
                    .forEach((route, access) -> rules.put(route, access.asString()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Environment variable " + VARIABLE + " must be a JSON object of"
                    + " \"METHOD /resource\": access (it is set by ServerlessApi.addRoute)", e);
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException("Environment variable " + VARIABLE + " lists no route");
        }
        return new RouteAccess(rules);
    }

    /**
     * Null when the request may go on; else the status and message to refuse it with: 403 for a route this
     * function does not serve or a caller in none of the route's groups, 401 for a group route without a caller.
     */
    Refusal refusal(APIGatewayProxyRequestEvent request) {
        String route = request.getHttpMethod() + " " + request.getResource();
        String access = accessByRoute.get(route);
        if (access == null) {
            return new Refusal(403, "this route is not declared for this function");
        }
        if (!access.startsWith("groups:")) {
            return null; // public, authenticated, iam, authorizer:<name>: API Gateway has admitted the caller
        }
        Map<String, Object> claims = claims(request);
        if (claims == null || claims.get("sub") == null) {
            return new Refusal(401, "sign-in required");
        }
        Set<String> allowed = Set.of(access.substring("groups:".length()).split(","));
        boolean member = groups(claims.get("cognito:groups")).stream().anyMatch(allowed::contains);
        return member ? null : new Refusal(403, "caller is not a member of any of the groups " + allowed);
    }

    record Refusal(int status, String message) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claims(APIGatewayProxyRequestEvent request) {
        if (request.getRequestContext() == null || request.getRequestContext().getAuthorizer() == null) {
            return null;
        }
        Object claims = request.getRequestContext().getAuthorizer().get("claims");
        return claims instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /** API Gateway passes {@code cognito:groups} as {@code admins}, {@code admins,ops} or {@code [admins ops]}. */
    static Set<String> groups(Object raw) {
        if (raw == null) {
            return Set.of();
        }
        return Arrays.stream(String.valueOf(raw).replaceAll("[\\[\\]\"]", "").split("[,\\s]+"))
                .filter(group -> !group.isBlank())
                .collect(Collectors.toSet());
    }
}
