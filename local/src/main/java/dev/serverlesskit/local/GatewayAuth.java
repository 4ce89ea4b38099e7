package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.StageModel.Api;
import dev.serverlesskit.local.StageModel.Authorizer;
import dev.serverlesskit.local.StageModel.Route;
import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.Decision;
import dev.serverlesskit.local.iam.Sessions;
import dev.serverlesskit.local.iam.SigV4;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The checks API Gateway makes before the integration for the access kinds beyond Cognito, in its order (the
 * method's authorization, then the API key), failing closed:
 * <ul>
 *   <li>{@code AWS_IAM}: the request's SigV4 signature (service {@code execute-api}) is verified with the credentials
 *   of the local IAM sessions (each function's role session), then {@code execute-api:Invoke} on the method's ARN is
 *   evaluated against the caller's role as for engine calls. No signature: 403 {@code MISSING_AUTHENTICATION_TOKEN};
 *   a bad one: 403 {@code INVALID_SIGNATURE}; not allowed: 403 {@code ACCESS_DENIED}.</li>
 *   <li>Lambda authorizers ({@code CUSTOM}): a missing identity source is 401 before the function runs; the function
 *   gets API Gateway's REQUEST (or TOKEN) event; its policy must allow {@code execute-api:Invoke} on the method's ARN
 *   (an explicit Deny wins: 403); an "Unauthorized" error is 401; any other error or a malformed answer is 500. The
 *   answer is cached per identity source values for the authorizer's TTL, and evaluated against each method.</li>
 *   <li>API keys: {@code x-api-key} must be an enabled key of a usage plan of the stage: 403 {@code INVALID_API_KEY}
 *   otherwise. Usage plans' throttles and quotas are not applied.</li>
 * </ul>
 */
final class GatewayAuth {
    static final String ACCOUNT = Engines.LOCAL_ACCOUNT;

    /** A request refused: the gateway response type, status and message as API Gateway gives them. */
    record Refusal(String type, int status, String message, String errorType, String note) {
    }

    /** Who the checks let in, for the integration event's {@code requestContext}. */
    record Identity(Sessions.Session caller, JsonNode authorizer, String apiKey, String apiKeyId) {
    }

    /** Either a refusal or the identity; {@code function} is the authorizer's short name when one ran. */
    record Outcome(Refusal refusal, Identity identity, String function) {
        boolean refused() {
            return refusal != null;
        }
    }

    private record Cached(JsonNode answer, long expiresAtMillis) {
    }

    private final Api api;
    private final Map<String, FunctionHost> functions;
    private final Sessions sessions;
    private final Access access;
    private final SigV4 signatures;
    private final String region;
    private final Map<String, String> keyIdByValue = new LinkedHashMap<>();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** {@code sessions} and {@code access} may be null: then every IAM route is refused (fail closed). */
    GatewayAuth(Api api, Map<String, FunctionHost> functions, Sessions sessions, Access access, String region) {
        this.api = api;
        this.functions = functions;
        this.sessions = sessions;
        this.access = access;
        this.region = region;
        this.signatures = sessions == null ? null : new SigV4(sessions, region, "execute-api");
        SecureRandom random = new SecureRandom();
        for (StageModel.ApiKey key : api.apiKeys()) {
            String value = key.value();
            if (value == null) { // API Gateway generates it on deployment: so does the local runtime, at each start
                StringBuilder b = new StringBuilder("local");
                for (int i = 0; i < 35; i++) {
                    b.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".charAt(random.nextInt(62)));
                }
                value = b.toString();
            }
            keyIdByValue.put(value, key.logicalId());
        }
    }

    /** Each usable API key's logical id and value (generated at start when the template sets none). */
    Map<String, String> apiKeys() {
        Map<String, String> byId = new LinkedHashMap<>();
        keyIdByValue.forEach((value, id) -> byId.put(id, value));
        return byId;
    }

    /** The method's ARN, as IAM policies and authorizer policies name it. */
    String methodArn(String method, String path) {
        return "arn:aws:execute-api:" + region + ":" + (api.account() != null ? api.account() : ACCOUNT) + ":local/" + api.stageName() + "/" + method + path;
    }

    /** @param event the integration event built so far (for a REQUEST authorizer's event) */
    Outcome check(Route route, HttpFront.Request request, String path, ObjectNode event) {
        Function<String, List<String>> headers = name -> request.headers().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        String methodArn = methodArn(request.method(), path);
        Sessions.Session caller = null;
        JsonNode authorizerContext = null;
        String ranFunction = null;
        if (route.needsIam()) {
            if (request.header("Authorization") == null) {
                return refuse("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException", "IAM route without a signature");
            }
            if (signatures == null) {
                return refuse("ACCESS_DENIED", 403, "IAM is not enforced by this local server",
                        "AccessDeniedException", "no IAM sessions: refused");
            }
            SigV4.Result signed = signatures.verify(request.method(), request.rawPath(), request.rawQuery(), headers,
                    request.body(), Instant.now());
            if (!signed.ok()) {
                boolean expired = signed.failure() == SigV4.Failure.EXPIRED;
                return refuse(expired ? "EXPIRED_TOKEN" : "INVALID_SIGNATURE", 403, signed.message(),
                        expired ? "ExpiredTokenException" : "InvalidSignatureException",
                        "signature: " + signed.failure());
            }
            caller = signed.session();
            Decision d = access.check(caller, "execute-api:Invoke", methodArn, "API " + request.method() + " "
                    + route.resourcePath(), "execute-api:Invoke");
            if (!d.allowed()) {
                return refuse("ACCESS_DENIED", 403, d.message(caller.principal(), "execute-api:Invoke", methodArn),
                        "AccessDeniedException", "IAM denies " + caller.name());
            }
        } else if (route.needsLambdaAuthorizer()) {
            Authorizer authorizer = api.authorizers().get(route.authorizer());
            FunctionHost host = functions.get(authorizer.function());
            ranFunction = host == null ? null : host.function().shortName();
            List<String> identity = new ArrayList<>();
            for (String source : authorizer.identitySources()) {
                String value = identityValue(source, request, event);
                if (value == null || value.isEmpty()) {
                    return refuse("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException",
                            "no identity source " + source);
                }
                identity.add(value);
            }
            String cacheKey = authorizer.logicalId() + "\n" + String.join("\n", identity);
            boolean cacheable = authorizer.resultsTtlSeconds() > 0 && !identity.isEmpty();
            Cached cached = cacheable ? cache.get(cacheKey) : null;
            JsonNode answer;
            if (cached != null && cached.expiresAtMillis() > System.currentTimeMillis()) {
                answer = cached.answer();
            } else {
                if (host == null) {
                    return refuse("AUTHORIZER_FAILURE", 500, "Authorizer function not found", "AuthorizerFailure",
                            "no function " + authorizer.function());
                }
                FunctionHost.Invocation result = host.invoke(Json.write(authorizerEvent(authorizer, methodArn,
                        event, identity)));
                if (!result.ok()) {
                    if ("Unauthorized".equals(result.errorMessage())) {
                        return refuse("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException",
                                "the authorizer said Unauthorized");
                    }
                    return refuse("AUTHORIZER_FAILURE", 500, "Internal server error",
                            "AuthorizerFailureException", "authorizer " + result.status() + ": "
                                    + result.errorMessage());
                }
                answer = Json.parse(result.payload());
                if (!answer.hasNonNull("principalId") || !answer.path("policyDocument").isObject()) {
                    return refuse("AUTHORIZER_CONFIGURATION_ERROR", 500, "Internal server error",
                            "AuthorizerConfigurationException",
                            "authorizer answer lacks principalId or policyDocument");
                }
                if (cacheable) {
                    cache.put(cacheKey, new Cached(answer, System.currentTimeMillis()
                            + authorizer.resultsTtlSeconds() * 1000L));
                }
            }
            String effect = effect(answer.path("policyDocument"), methodArn);
            if (!"Allow".equals(effect)) {
                return refuse("ACCESS_DENIED", 403, "Deny".equals(effect)
                                ? "User is not authorized to access this resource with an explicit deny"
                                : "User is not authorized to access this resource", "AccessDeniedException",
                        "the authorizer's policy " + ("Deny".equals(effect) ? "denies" : "does not allow")
                                + " " + methodArn);
            }
            ObjectNode ctx = Json.object();
            ctx.put("principalId", answer.path("principalId").asText());
            answer.path("context").fields().forEachRemaining(f -> ctx.set(f.getKey(), f.getValue()));
            authorizerContext = ctx;
        }
        String apiKey = null;
        String apiKeyId = null;
        if (route.apiKeyRequired()) {
            apiKey = request.header("x-api-key");
            apiKeyId = apiKey == null ? null : keyIdByValue.get(apiKey);
            if (apiKeyId == null) {
                return refuse("INVALID_API_KEY", 403, "Forbidden", "ForbiddenException",
                        apiKey == null ? "no x-api-key" : "unknown API key");
            }
        }
        return new Outcome(null, new Identity(caller, authorizerContext, apiKey, apiKeyId), ranFunction);
    }

    private static Outcome refuse(String type, int status, String message, String errorType, String note) {
        return new Outcome(new Refusal(type, status, message, errorType, note), null, null);
    }

    /** The value of {@code method.request.header.X} or {@code method.request.querystring.x}; null when absent. */
    static String identityValue(String source, HttpFront.Request request, ObjectNode event) {
        if (source.startsWith("method.request.header.")) {
            return request.header(source.substring("method.request.header.".length()));
        }
        if (source.startsWith("method.request.querystring.")) {
            JsonNode q = event.path("queryStringParameters").path(source.substring(
                    "method.request.querystring.".length()));
            return q.isTextual() ? q.asText() : null;
        }
        return null; // stage variables and context sources are not emulated: fail closed (401)
    }

    private static ObjectNode authorizerEvent(Authorizer authorizer, String methodArn, ObjectNode event,
                                              List<String> identity) {
        ObjectNode e = Json.object();
        if ("TOKEN".equals(authorizer.type())) {
            e.put("type", "TOKEN");
            e.put("authorizationToken", identity.isEmpty() ? "" : identity.get(0));
            e.put("methodArn", methodArn);
            return e;
        }
        e.put("type", "REQUEST");
        e.put("methodArn", methodArn);
        for (String field : List.of("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables",
                "requestContext")) {
            e.set(field, event.get(field));
        }
        return e;
    }

    /**
     * "Deny" when a statement denies {@code execute-api:Invoke} on the ARN, else "Allow" when one allows it, else
     * null. Actions and resources may be a string or a list, with {@code *} and {@code ?} wildcards.
     */
    static String effect(JsonNode policy, String methodArn) {
        boolean allowed = false;
        JsonNode statements = policy.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else if (statements.isObject()) {
            list.add(statements);
        }
        for (JsonNode s : list) {
            if (!any(s.path("Action"), "execute-api:Invoke", true) || !any(s.path("Resource"), methodArn, false)) {
                continue;
            }
            if ("Deny".equals(s.path("Effect").asText())) {
                return "Deny";
            }
            allowed |= "Allow".equals(s.path("Effect").asText());
        }
        return allowed ? "Allow" : null;
    }

    private static boolean any(JsonNode patterns, String value, boolean ignoreCase) {
        if (patterns.isTextual()) {
            return glob(patterns.asText(), value, ignoreCase);
        }
        for (JsonNode p : patterns) {
            if (glob(p.asText(), value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    static boolean glob(String pattern, String value, boolean ignoreCase) {
        if (ignoreCase) {
            pattern = pattern.toLowerCase(Locale.ROOT);
            value = value.toLowerCase(Locale.ROOT);
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return value.matches(regex.toString());
    }
}
