package dev.serverlesskit.constructs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 *   <li>{@link #iam()}: a request signed with AWS credentials (SigV4) whose principal may {@code execute-api:Invoke}
 *       the route ({@link ServerlessApi#grantInvoke}): service-to-service calls, no user pool.</li>
 *   <li>{@link #lambdaAuthorizer(LambdaAuthorizer)}: a Lambda request authorizer of your own decides, from the
 *       request's identity sources (a header, a query parameter...).</li>
 * </ul>
 *
 * <p>An API key is not an identity: require one on any route with {@link RouteOptions#getApiKeyRequired()} and
 * {@link ServerlessApi#addUsagePlan}; a route whose only check is the key is declared public, with its reason.
 *
 * <p>Each method records its access in its template metadata: {@value #METADATA_KEY} holds the short form
 * ({@link #describe()}), {@value #DETAILS_METADATA_KEY} who enforces what ({@link #details(String)}).
 */
public final class RouteAccess {
    /** The CloudFormation metadata key on each {@code AWS::ApiGateway::Method} that records its access. */
    public static final String METADATA_KEY = "serverlesskit:access";
    /**
     * The CloudFormation metadata key on each {@code AWS::ApiGateway::Method} that records who enforces its access:
     * {@code access}, the public route's {@code reason}, {@code tokenCheckedBy}, {@code groups},
     * {@code groupsCheckedBy}, and {@code apiKeyCheckedBy} where the route requires an API key.
     */
    public static final String DETAILS_METADATA_KEY = "serverlesskit:accessDetails";
    /**
     * The environment variable through which {@link ServerlessApi} tells a function the access of each route it
     * serves: a JSON object from {@code "METHOD /resource/{param}"} to {@link #describe()}.
     */
    public static final String ENVIRONMENT_VARIABLE = "SERVERLESSKIT_ROUTE_ACCESS";
    static final String TOKEN_CHECKED_BY = "API Gateway: Cognito user pool authorizer";
    static final String IAM_CHECKED_BY = "API Gateway: IAM (a SigV4 signature whose principal may"
            + " execute-api:Invoke the route)";
    static final String LAMBDA_CHECKED_BY = "API Gateway: Lambda request authorizer";
    static final String GROUPS_CHECKED_BY = "the function, from its " + ENVIRONMENT_VARIABLE
            + " environment variable (API Gateway has no group check)";

    /** Cognito allows more, but API Gateway passes a token's groups to the function comma-separated. */
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_+=.@-]{1,128}");

    private final Kind kind;
    private final List<String> groups;
    private final String justification;
    private final LambdaAuthorizer authorizer;

    /** The kinds of access. */
    public enum Kind {
        PUBLIC, AUTHENTICATED, GROUPS, IAM, LAMBDA_AUTHORIZER
    }

    private RouteAccess(Kind kind, List<String> groups, String justification, LambdaAuthorizer authorizer) {
        this.kind = kind;
        this.groups = groups;
        this.justification = justification;
        this.authorizer = authorizer;
    }

    /** Anyone may call the route. The justification says why it is deliberately public. */
    public static RouteAccess publicAccess(String justification) {
        if (justification == null || justification.isBlank()) {
            throw new IllegalArgumentException("RouteAccess.publicAccess(justification) is required and must not be"
                    + " blank: say why the route is deliberately public");
        }
        return new RouteAccess(Kind.PUBLIC, List.of(), justification, null);
    }

    /** Any signed-in user of the API's user pool. */
    public static RouteAccess authenticated() {
        return new RouteAccess(Kind.AUTHENTICATED, List.of(), null, null);
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
        return new RouteAccess(Kind.GROUPS, List.of(groups), null, null);
    }

    /**
     * Requests signed with AWS credentials (SigV4) whose principal is allowed {@code execute-api:Invoke} on the
     * route, by {@link ServerlessApi#grantInvoke} or a policy of its own account. Needs no user pool.
     */
    public static RouteAccess iam() {
        return new RouteAccess(Kind.IAM, List.of(), null, null);
    }

    /** Requests a Lambda request authorizer of your own allows. Needs no user pool. */
    public static RouteAccess lambdaAuthorizer(LambdaAuthorizer authorizer) {
        if (authorizer == null) {
            throw new IllegalArgumentException("RouteAccess.lambdaAuthorizer(authorizer) is required");
        }
        return new RouteAccess(Kind.LAMBDA_AUTHORIZER, List.of(), null, authorizer);
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

    /** The authorizer of a {@link Kind#LAMBDA_AUTHORIZER} route; null otherwise. */
    public LambdaAuthorizer getAuthorizer() {
        return authorizer;
    }

    /** Whether API Gateway checks a caller's identity before the function runs. */
    public boolean requiresToken() {
        return kind != Kind.PUBLIC;
    }

    /** Whether the route needs the API's Cognito user pool. */
    public boolean usesCognito() {
        return kind == Kind.AUTHENTICATED || kind == Kind.GROUPS;
    }

    /**
     * The value recorded in the template and in {@value #ENVIRONMENT_VARIABLE}: {@code public},
     * {@code authenticated}, {@code groups:a,b}, {@code iam} or {@code authorizer:<name>}.
     */
    public String describe() {
        switch (kind) {
            case PUBLIC:
                return "public";
            case AUTHENTICATED:
                return "authenticated";
            case IAM:
                return "iam";
            case LAMBDA_AUTHORIZER:
                return "authorizer:" + authorizer.getName();
            default:
                return "groups:" + String.join(",", groups);
        }
    }

    /**
     * Who enforces what, as recorded under {@value #DETAILS_METADATA_KEY}: sorted keys, so the template is stable.
     *
     * @param checker the construct path of the authorizer that checks the token (ignored for public and IAM routes)
     */
    public Map<String, Object> details(String checker) {
        Map<String, Object> details = new TreeMap<>();
        details.put("access", kind.name().toLowerCase(Locale.ROOT).replace("_authorizer", "Authorizer"));
        switch (kind) {
            case PUBLIC:
                details.put("reason", justification);
                details.put("tokenCheckedBy", "nobody: the route is public");
                break;
            case AUTHENTICATED:
                details.put("tokenCheckedBy", TOKEN_CHECKED_BY + " " + checker);
                break;
            case IAM:
                details.put("tokenCheckedBy", IAM_CHECKED_BY);
                break;
            case LAMBDA_AUTHORIZER:
                details.put("tokenCheckedBy", LAMBDA_CHECKED_BY + " " + checker);
                break;
            default:
                details.put("tokenCheckedBy", TOKEN_CHECKED_BY + " " + checker);
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
