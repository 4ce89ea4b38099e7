package dev.serverlesskit.tools.review;

import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.AppModel.Access;
import dev.serverlesskit.tools.cfn.AppModel.Route;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How each route's access changes: who may call it (authorizer, groups, the reason a public route is public),
 * throttling and CORS origins, before and after. A change that lets more callers in is a broadening: a route made
 * public or open to more groups, a new public route, scopes or an API key no longer required, a new CORS origin,
 * throttling or the per-client rate limit (the stage's WAF rate rule) removed from a public route or that limit
 * raised.
 */
public final class AccessChanges {
    /** One route whose access changed; {@code before} or {@code after} is null for a route added or removed. */
    public record RouteChange(String route, Route before, Route after, List<String> broadenings) {
        public boolean broadened() {
            return !broadenings.isEmpty();
        }
    }

    private AccessChanges() {
    }

    public static List<RouteChange> diff(AppModel base, AppModel head) {
        List<RouteChange> changes = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        head.routes().forEach(r -> keys.add(r.key()));
        base.routes().forEach(r -> keys.add(r.key()));
        for (String key : keys) {
            Route b = base.route(key).orElse(null);
            Route a = head.route(key).orElse(null);
            if (b != null && a != null && describe(b).equals(describe(a))) {
                continue;
            }
            changes.add(new RouteChange(key, b, a, broadenings(b, a)));
        }
        return changes;
    }

    /** Everything the access table shows for a route, in one line. */
    public static String describe(Route route) {
        if (route == null) {
            return "(no route)";
        }
        StringBuilder sb = new StringBuilder(route.access().describe());
        sb.append("; throttle ").append(route.throttle().describe());
        sb.append("; CORS ").append(route.corsOrigins().isEmpty() ? "none" : String.join(", ", route.corsOrigins()));
        if (route.clientLimit() != null) {
            sb.append("; per client ").append(route.clientLimit().describe());
        }
        if (!route.access().inconsistencies().isEmpty()) {
            sb.append("; ⚠ ").append(String.join("; ", route.access().inconsistencies()));
        }
        return sb.toString();
    }

    static List<String> broadenings(Route b, Route a) {
        List<String> found = new ArrayList<>();
        if (a == null) {
            return found;
        }
        Access after = a.access();
        if (b == null) {
            if (after.kind().equals("public")) {
                found.add("new public route");
            }
            return found;
        }
        Access before = b.access();
        if (after.rank() < before.rank()) {
            found.add(label(before) + " → " + label(after));
        } else if (after.kind().equals("groups") && before.kind().equals("groups")
                && !before.groups().containsAll(after.groups())) {
            List<String> more = new ArrayList<>(after.groups());
            more.removeAll(before.groups());
            found.add("also open to group " + String.join(", ", more));
        }
        if (!before.scopes().isEmpty() && !after.scopes().containsAll(before.scopes())) {
            found.add("scopes no longer required");
        }
        if (before.apiKeyRequired() && !after.apiKeyRequired()) {
            found.add("API key no longer required");
        }
        for (String origin : a.corsOrigins()) {
            if (!b.corsOrigins().contains(origin)) {
                found.add("CORS allows " + origin);
            }
        }
        if (after.kind().equals("public") && b.throttle().rate() != null && a.throttle().rate() == null) {
            found.add("public route no longer throttled");
        }
        if (after.kind().equals("public") && b.clientLimit() != null) {
            if (a.clientLimit() == null) {
                found.add("public route no longer limited per client (was " + b.clientLimit().describe() + ")");
            } else if (a.clientLimit().looserThan(b.clientLimit())) {
                found.add("per-client limit raised: " + b.clientLimit().describe() + " → " + a.clientLimit().describe());
            }
        }
        // the function's own check (its route-access variable) edited alone: the method is unchanged, who gets in
        // is not. A route the function does not list, or a variable it cannot read, is refused: not a broadening.
        String enforcedBefore = enforcedByFunction(before);
        String enforcedAfter = enforcedByFunction(after);
        if (enforcedBefore != null && enforcedAfter != null && weaker(enforcedAfter, enforcedBefore)) {
            found.add(AppModel.FUNCTION_ENFORCES + enforcedAfter + " (was " + enforcedBefore + ")");
        }
        return found;
    }

    /** What the function checks for a route: its own variable where it differs, else what the route declares. */
    private static String enforcedByFunction(Access access) {
        for (String inconsistency : access.inconsistencies()) {
            if (inconsistency.startsWith(AppModel.FUNCTION_ENFORCES)) {
                return inconsistency.substring(AppModel.FUNCTION_ENFORCES.length());
            }
        }
        return access.declared();
    }

    /** Whether access {@code a} lets in someone {@code b} does not: a lower kind, or a group {@code b} lacks. */
    private static boolean weaker(String a, String b) {
        List<String> groupsA = new ArrayList<>();
        List<String> groupsB = new ArrayList<>();
        int rankA = rank(AppModel.kindOf(a, groupsA));
        int rankB = rank(AppModel.kindOf(b, groupsB));
        return rankA < rankB || rankA == 2 && rankB == 2 && !groupsB.containsAll(groupsA);
    }

    private static int rank(String kind) {
        return switch (kind) {
            case "public" -> 0;
            case "groups" -> 2;
            default -> 1;
        };
    }

    private static String label(Access access) {
        return switch (access.kind()) {
            case "public" -> "public";
            case "groups" -> "groups:" + String.join(",", access.groups());
            default -> "authenticated";
        };
    }

    static boolean same(Route a, Route b) {
        return Objects.equals(describe(a), describe(b));
    }
}
