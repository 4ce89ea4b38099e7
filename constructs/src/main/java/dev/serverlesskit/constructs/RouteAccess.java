package dev.serverlesskit.constructs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Who may call a route of a {@link ServerlessApi}. Every route declares one: there is no default, so a route
 * is never public by accident.
 *
 * <ul>
 *   <li>{@link #publicAccess(String)}: anyone, no token; the justification is recorded in the template and in
 *       the cdk-nag acknowledgment.</li>
 *   <li>{@link #authenticated()}: a valid token of the API's user pool (the Cognito authorizer).</li>
 *   <li>{@link #groups(String...)}: a valid token whose {@code cognito:groups} claim holds one of the groups.
 *       API Gateway's Cognito authorizer checks the token; API Gateway has no native group check, so the function
 *       checks the claim: {@link ServerlessApi} gives each function the access of every route it serves in its
 *       {@value #ENVIRONMENT_VARIABLE} environment variable (no default: a function must refuse a route it does not
 *       find there). Each group must exist in the API's user directory, or synthesis fails.</li>
 * </ul>
 *
 * <p>Each method records its access in its template metadata: {@value #METADATA_KEY} holds the short form
 * ({@link #describe()}), {@value #DETAILS_METADATA_KEY} who enforces what ({@link #details(String)}).
 */
public final class RouteAccess {
    /** The CloudFormation metadata key on each {@code AWS::ApiGateway::Method} that records its access. */
    public static final String METADATA_KEY = "serverlesskit:access";
    /**
     * The CloudFormation metadata key on each {@code AWS::ApiGateway::Method} that records who enforces its access:
     * {@code access}, the public route's {@code reason}, {@code tokenCheckedBy}, {@code groups} and
     * {@code groupsCheckedBy}.
     */
    public static final String DETAILS_METADATA_KEY = "serverlesskit:accessDetails";
    /**
     * The environment variable through which {@link ServerlessApi} tells a function the access of each route it
     * serves: a JSON object from {@code "METHOD /resource/{param}"} to {@link #describe()}.
     */
    public static final String ENVIRONMENT_VARIABLE = "SERVERLESSKIT_ROUTE_ACCESS";
    static final String TOKEN_CHECKED_BY = "API Gateway: Cognito user pool authorizer";
    static final String GROUPS_CHECKED_BY = "the function, from its " + ENVIRONMENT_VARIABLE
            + " environment variable (API Gateway has no group check)";

    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_+=.@-]{1,128}");

    private final Kind kind;
    private final List<String> groups;
    private final String justification;

    /** The kinds of access. */
    public enum Kind {
        PUBLIC, AUTHENTICATED, GROUPS
    }

    private RouteAccess(Kind kind, List<String> groups, String justification) {
        this.kind = kind;
        this.groups = groups;
        this.justification = justification;
    }

    /** Anyone may call the route. The justification says why it is deliberately public. */
    public static RouteAccess publicAccess(String justification) {
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("RouteAccess.publicAccess(justification) is required and must not be"
                    + " blank: say why the route is deliberately public");
        }
        return new RouteAccess(Kind.PUBLIC, List.of(), justification);
    }

    /** Any signed-in user of the API's user pool. */
    public static RouteAccess authenticated() {
        return new RouteAccess(Kind.AUTHENTICATED, List.of(), null);
    }

    /** Signed-in users in at least one of these groups. */
    public static RouteAccess groups(String... groups) {
        if (groups == null || groups.length == 0) {
            throw new IllegalArgumentException("RouteAccess.groups needs at least one group");
        }
        for (String group : groups) {
            if (group == null || !GROUP_NAME.matcher(group).matches()) {
                throw new IllegalArgumentException("RouteAccess.groups must hold group names of 1 to 128 letters,"
                        + " digits or _+=.@- (got '" + group + "'); no ',', as API Gateway passes a token's groups"
                        + " to the function as one comma-separated claim");
            }
        }
        return new RouteAccess(Kind.GROUPS, List.of(groups), null);
    }

    public Kind getKind() {
        return kind;
    }

    /** The groups of a {@link Kind#GROUPS} route; empty otherwise. */
    public List<String> getGroups() {
        return groups;
    }

    /** Why a {@link Kind#PUBLIC} route is public; null otherwise. */
    public String getJustification() {
        return justification;
    }

    public boolean requiresToken() {
        return kind != Kind.PUBLIC;
    }

    /** The value recorded in the template: {@code public}, {@code authenticated} or {@code groups:a,b}. */
    public String describe() {
        switch (kind) {
            case PUBLIC:
                return "public";
            case AUTHENTICATED:
                return "authenticated";
            default:
                return "groups:" + String.join(",", groups);
        }
    }

    /**
     * Who enforces what, as recorded under {@value #DETAILS_METADATA_KEY}: sorted keys, so the template is stable.
     *
     * @param authorizer the construct path of the authorizer that checks the token (ignored for public routes)
     */
    public java.util.Map<String, Object> details(String authorizer) {
        java.util.Map<String, Object> details = new java.util.TreeMap<>();
        details.put("access", kind.name().toLowerCase(java.util.Locale.ROOT));
        switch (kind) {
            case PUBLIC:
                details.put("reason", justification);
                details.put("tokenCheckedBy", "nobody: the route is public");
                break;
            case AUTHENTICATED:
                details.put("tokenCheckedBy", TOKEN_CHECKED_BY + " " + authorizer);
                break;
            default:
                details.put("tokenCheckedBy", TOKEN_CHECKED_BY + " " + authorizer);
                details.put("groups", groups);
                details.put("groupsCheckedBy", GROUPS_CHECKED_BY);
        }
        return details;
    }

    @Override
    public String toString() {
        return describe();
    }
}
