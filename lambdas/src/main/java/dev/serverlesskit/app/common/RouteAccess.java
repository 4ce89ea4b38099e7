package dev.serverlesskit.app.common;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may call each route a function serves, as the API declared it: the JSON object in the function's
 * {@value #ENVIRONMENT_VARIABLE} variable ({@code {"POST /pets":"groups:admins","GET /pets":"public"}}), which the
 * construct library's {@code ServerlessApi} writes from each route's {@code RouteAccess}. There is no default: a
 * function without it fails its cold start, and a route it does not list is refused.
 *
 * <p>API Gateway has already checked the caller of non-public routes (a Cognito token, an IAM signature for {@code iam},
 * a Lambda authorizer for {@code authorizer:name}); groups are checked here
 * (API Gateway has no group check).
 */
public final class RouteAccess {
    public static final String ENVIRONMENT_VARIABLE = "SERVERLESSKIT_ROUTE_ACCESS";

    /** One route's access: no token, any signed-in caller, or a caller in one of {@code groups}. */
    record Rule(Kind kind, Set<String> groups) {
    }

    /** GATEWAY: API Gateway checked the caller by IAM ({@code iam}) or a Lambda authorizer ({@code authorizer:name}). */
    enum Kind { PUBLIC, AUTHENTICATED, GROUPS, GATEWAY }

    private final Map<String, Rule> rules;

    private RouteAccess(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** From {@value #ENVIRONMENT_VARIABLE}; a missing or malformed value fails the cold start naming it. */
    static RouteAccess fromEnvironment() {
        return parse(Env.required(ENVIRONMENT_VARIABLE));
    }

    static RouteAccess parse(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IOException | RuntimeException e) {
            throw invalid("is not JSON");
        }
        if (!(parsed instanceof Map<?, ?> map) || map.isEmpty()) {
            throw invalid("must be a non-empty JSON object of \"METHOD /path\": access");
        }
        Map<String, Rule> rules = new TreeMap<>();
        map.forEach((route, access) -> rules.put(String.valueOf(route), rule(String.valueOf(route), access)));
        return new RouteAccess(rules);
    }

    private static Rule rule(String route, Object access) {
        String value = String.valueOf(access);
        if ("public".equals(value)) {
            return new Rule(Kind.PUBLIC, Set.of());
        }
        if ("authenticated".equals(value)) {
            return new Rule(Kind.AUTHENTICATED, Set.of());
        }
        if ("iam".equals(value) || (value.startsWith("authorizer:") && value.length() > "authorizer:".length())) {
            return new Rule(Kind.GATEWAY, Set.of());
        }
        if (value.startsWith("groups:") && value.length() > "groups:".length()) {
            Set<String> groups = new LinkedHashSet<>(List.of(value.substring("groups:".length()).split(",")));
            if (groups.stream().noneMatch(String::isBlank)) {
                return new Rule(Kind.GROUPS, Set.copyOf(groups));
            }
        }
        throw invalid("gives route '" + route + "' the access '" + value
                + "' (expected public, authenticated, groups:a,b, iam or authorizer:name)");
    }

    private static IllegalStateException invalid(String problem) {
        return new IllegalStateException("Environment variable " + ENVIRONMENT_VARIABLE + " " + problem);
    }

    /**
     * Refuses a request this route's access does not allow: 403 for a route the function does not serve or a
     * caller in none of its groups, 401 for a missing identity on a non-public route.
     */
    void check(String route, ApiRequest request) {
        Rule rule = rules.get(route);
        if (rule == null) {
            throw new ApiException(403, "FORBIDDEN", "route '" + JsonBody.abbreviate(route)
                    + "' is not declared for this function");
        }
        if (rule.kind() == Kind.PUBLIC || rule.kind() == Kind.GATEWAY) {
            // a signed or authorizer-checked request carries no Cognito claims; API Gateway has admitted it
            return;
        }
        Caller caller = request.requireCaller();
        if (rule.kind() == Kind.GROUPS && rule.groups().stream().noneMatch(caller::inGroup)) {
            List<String> sorted = rule.groups().stream().sorted().toList();
            throw new ApiException(403, "FORBIDDEN", sorted.size() == 1
                    ? "caller is not a member of group '" + sorted.get(0) + "'"
                    : "caller is not a member of any of the groups " + sorted);
        }
    }
}
