package dev.serverlesskit.constructs;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The access of every route one function serves, across every {@link ServerlessApi} that routes to it: one per
 * function (a child of it, with no resources), so that two APIs do not overwrite each other's
 * {@value RouteAccess#ENVIRONMENT_VARIABLE}.
 *
 * <p>The variable is keyed by {@code "METHOD /resource"}, as a Lambda proxy event names the route. An {@code ANY}
 * route is listed under every method it serves (API Gateway sends the request's own method, never {@code ANY}),
 * except the methods the same API declares explicitly on that resource, which take precedence in API Gateway too.
 */
final class RouteAccessRegistry extends Construct {
    static final String ID = "ServerlessKitRouteAccess";
    /** The methods an ANY route receives. */
    static final List<String> ANY_METHODS = List.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

    /** API construct path to ("METHOD /resource" to access). */
    private final Map<String, Map<String, String>> byApi = new TreeMap<>();

    private RouteAccessRegistry(Function function) {
        super(function, ID);
    }

    static RouteAccessRegistry of(Function function) {
        IConstruct existing = function.getNode().tryFindChild(ID);
        return existing != null ? (RouteAccessRegistry) existing : new RouteAccessRegistry(function);
    }

    /**
     * Records a route and returns the function's variable, or fails when two APIs give one route of the function
     * different access (the function could not tell which applies).
     */
    String register(ServerlessApi api, String route, String access) {
        Map<String, String> routes = byApi.computeIfAbsent(api.getNode().getPath(), p -> new TreeMap<>());
        String previous = routes.put(route, access);
        try {
            return json(api);
        } catch (ValidationError e) {
            if (previous == null) {
                routes.remove(route);
            } else {
                routes.put(route, previous);
            }
            throw e;
        }
    }

    private String json(ServerlessApi api) {
        Map<String, String> merged = new TreeMap<>();
        Map<String, String> declaredBy = new TreeMap<>();
        byApi.forEach((apiPath, routes) -> routes.forEach((route, access) -> {
            if (route.startsWith("ANY ")) {
                String resource = route.substring("ANY ".length());
                for (String method : ANY_METHODS) {
                    if (!routes.containsKey(method + " " + resource)) {
                        merge(api, merged, declaredBy, method + " " + resource, access, apiPath);
                    }
                }
            } else {
                merge(api, merged, declaredBy, route, access, apiPath);
            }
        }));
        StringBuilder json = new StringBuilder("{");
        merged.forEach((route, access) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(route).append("\":\"").append(access).append('"');
        });
        return json.append('}').toString();
    }

    private void merge(ServerlessApi api, Map<String, String> merged, Map<String, String> declaredBy, String route,
                       String access, String apiPath) {
        String other = merged.putIfAbsent(route, access);
        if (other != null && !other.equals(access)) {
            throw Check.error(api, "ServerlessApi.addRoute: function " + getNode().getScope().getNode().getPath()
                    + " would serve " + route + " as '" + other + "' (API " + declaredBy.get(route) + ") and as '"
                    + access + "' (API " + apiPath + "): it cannot tell the two apart, so give each API a function of"
                    + " its own or the same access");
        }
        declaredBy.putIfAbsent(route, apiPath);
    }
}
