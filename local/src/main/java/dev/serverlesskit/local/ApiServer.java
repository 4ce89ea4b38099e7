package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.serverlesskit.local.StageModel.Api;
import dev.serverlesskit.local.StageModel.GatewayResponse;
import dev.serverlesskit.local.StageModel.Route;
import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.Sessions;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The REST API of the template on localhost, as API Gateway serves it: {@code /<stage>/<resource path>} routed by the
 * template's resource tree (literal segments before {@code {param}}, {@code {proxy+}} greedy), unknown routes 403,
 * the stage's web ACL first ({@link WebAcl}: per-client rate rules), per-method throttling from the stage's
 * MethodSettings (429), the Cognito user pool authorizer on the methods that
 * have it (401), MOCK integrations (CORS preflight) answered from their integration response, and Lambda proxy
 * integrations invoked with a REST API proxy event (v1). Errors produced by the gateway itself use the template's
 * gateway responses. Bodies are validated against the method's request model as API Gateway selects it: the model
 * of the request's media type ({@code application/json} when it sends none), else the {@code $default} model, else
 * none. The HTTP edge (limits, timeouts, malformed requests) is {@link HttpFront}'s.
 */
public final class ApiServer implements AutoCloseable {
    /** API Gateway's integration timeout. */
    static final int INTEGRATION_TIMEOUT_SECONDS = 29;

    /** Resolves an authorizer's pools to their issuer URLs and app client ids. */
    public interface AuthorizerPools {
        List<JwtVerifier.Pool> poolsOf(StageModel.Authorizer authorizer);
    }

    private final Api api;
    private final Map<String, FunctionHost> functions;
    private final AuthorizerPools pools;
    private final JwtVerifier verifier = new JwtVerifier();
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final Consumer<String> log;
    private final HttpFront server;
    private final Map<String, Map<String, Schema>> modelsByRoute = new HashMap<>();
    private final WebAcl webAcl;
    private final GatewayAuth auth;

    public ApiServer(Api api, Map<String, FunctionHost> functionsByLogicalId, AuthorizerPools pools, int port,
                     Consumer<String> log) throws IOException {
        this(api, null, functionsByLogicalId, pools, null, null, "eu-west-1", port, log);
    }

    /**
     * @param webAcl   the web ACL associated with the stage, evaluated before the API; null for none
     * @param sessions the local IAM sessions whose credentials sign requests to {@code AWS_IAM} routes, and
     *                 {@code access} the evaluation of their roles; without them every IAM route is refused
     */
    public ApiServer(Api api, WebAcl webAcl, Map<String, FunctionHost> functionsByLogicalId, AuthorizerPools pools,
                     Sessions sessions, Access access, String region, int port, Consumer<String> log)
            throws IOException {
        this.auth = new GatewayAuth(api, functionsByLogicalId, sessions, access, region);
        this.api = api;
        this.webAcl = webAcl;
        this.functions = functionsByLogicalId;
        this.pools = pools;
        this.log = log;
        for (Route r : api.routes()) {
            StageModel.Throttle t = api.throttleOf(r);
            buckets.put(r.key(), new TokenBucket(t.rateLimit(), t.burstLimit()));
        }
        SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        for (Route r : api.routes()) {
            Map<String, Schema> models = new HashMap<>();
            r.requestModels().forEach((contentType, schema) -> models.put(contentType.toLowerCase(Locale.ROOT),
                    schemas.getSchema(schema)));
            modelsByRoute.put(r.key(), models);
        }
        this.server = new HttpFront(port, this::handle, (type, status, message) ->
                gatewayError(UUID.randomUUID().toString(), type, status, message, "BadRequestException"));
    }

    public int port() {
        return server.port();
    }

    /** Each API key API Gateway would accept on the stage, by logical id (generated at start if not in the template). */
    public Map<String, String> apiKeys() {
        return auth.apiKeys();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/" + api.stageName();
    }

    private record Match(Route route, Map<String, String> pathParameters) {
    }

    private HttpFront.Response handle(HttpFront.Request request) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String method = request.method();
        String rawPath = request.rawPath();
        String label = method + " " + rawPath;
        try {
            if (webAcl != null) { // WAF sees the request before API Gateway does
                var block = webAcl.evaluate(request.remoteAddress());
                if (block.isPresent()) {
                    log(label, "WAF", block.get().status(), started, "blocked by web ACL " + webAcl.logicalId()
                            + " rule " + block.get().rule());
                    return block.get().response();
                }
            }
            byte[] bodyBytes = request.body();
            String prefix = "/" + api.stageName();
            if (!(rawPath.equals(prefix) || rawPath.startsWith(prefix + "/"))) {
                log(label, "-", 403, started, "no such stage (the API is served under " + prefix + "/)");
                return gatewayError(requestId, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException");
            }
            String path = rawPath.substring(prefix.length());
            if (path.isEmpty()) {
                path = "/";
            }
            Match match = match(method, path);
            if (match == null) {
                log(label, "-", 403, started, "no route");
                return gatewayError(requestId, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException");
            }
            Route route = match.route();
            label = method + " " + route.resourcePath();
            if (!buckets.get(route.key()).tryTake()) {
                log(label, "-", 429, started, "throttled (stage MethodSettings)");
                return gatewayError(requestId, "THROTTLED", 429, "Too Many Requests", "TooManyRequestsException");
            }
            if (route.mock() != null) {
                HttpFront.Response mocked = mock(request, route);
                log(label, "MOCK", mocked.status(), started, "");
                return mocked;
            }
            JsonNode claims = null;
            if (route.needsCognito()) {
                StageModel.Authorizer authorizer = api.authorizers().get(route.authorizer());
                String token = request.header(authorizer.identityHeader());
                claims = token == null ? null : verifier.verify(stripBearer(token), pools.poolsOf(authorizer),
                        route.authorizationScopes()).orElse(null);
                if (claims == null) {
                    log(label, "-", 401, started, token == null ? "no token" : "token rejected");
                    return gatewayError(requestId, "UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException");
                }
            }
            GatewayAuth.Identity identity = null;
            if (route.needsIam() || route.needsLambdaAuthorizer() || route.apiKeyRequired()) {
                GatewayAuth.Outcome outcome = auth.check(route, request, path, event(request, route,
                        match.pathParameters(), path, new byte[0], null, requestId));
                if (outcome.refused()) {
                    GatewayAuth.Refusal r = outcome.refusal();
                    log(label, outcome.function() == null ? "-" : outcome.function(), r.status(), started, r.note());
                    return gatewayError(requestId, r.type(), r.status(), r.message(), r.errorType());
                }
                identity = outcome.identity();
            }
            if (route.validateRequestBody() && !bodyMatchesModel(route, request)) {
                log(label, "-", 400, started, "body does not match the request model");
                return gatewayError(requestId, "BAD_REQUEST_BODY", 400, "Invalid request body",
                        "BadRequestException");
            }
            FunctionHost host = functions.get(route.function());
            ObjectNode integrationEvent = event(request, route, match.pathParameters(), path, bodyBytes, claims,
                    requestId);
            if (identity != null) {
                withIdentity(integrationEvent, identity);
            }
            String event = Json.write(integrationEvent);
            FunctionHost.Invocation result = host.invoke(event);
            String fn = host.function().shortName();
            String temperature = result.cold() ? "cold" : "warm";
            switch (result.status()) {
                case THROTTLED -> {
                    log(label, fn, 500, started, "throttled: reserved concurrency "
                            + host.function().reservedConcurrency());
                    return gatewayError(requestId, "INTEGRATION_FAILURE", 500, "Internal server error",
                            "InternalServerErrorException");
                }
                case TIMEOUT -> {
                    boolean gatewayTimeout = host.function().timeoutSeconds() > INTEGRATION_TIMEOUT_SECONDS;
                    log(label, fn, gatewayTimeout ? 504 : 502, started, temperature + " " + result.errorMessage());
                    return gatewayError(requestId, gatewayTimeout ? "INTEGRATION_TIMEOUT" : "DEFAULT_5XX",
                            gatewayTimeout ? 504 : 502, gatewayTimeout ? "Endpoint request timed out"
                                    : "Internal server error", "InternalServerErrorException");
                }
                case FUNCTION_ERROR -> {
                    log(label, fn, 502, started, temperature + " function error " + result.errorType() + ": "
                            + result.errorMessage());
                    return gatewayError(requestId, "DEFAULT_5XX", 502, "Internal server error",
                            "InternalServerErrorException");
                }
                default -> {
                    HttpFront.Response response = proxyResponse(requestId, result.payload());
                    log(label, fn, response.status(), started, temperature);
                    return response;
                }
            }
        } catch (MalformedRequest e) {
            log(label, "-", 400, started, e.getMessage());
            return gatewayError(requestId, "DEFAULT_4XX", 400, "Bad Request: " + e.getMessage(),
                    "BadRequestException");
        } catch (RuntimeException e) {
            log(label, "-", 500, started, "local runtime error: " + e);
            return gatewayError(requestId, "DEFAULT_5XX", 500, "Internal server error",
                    "InternalServerErrorException");
        }
    }

    /** What the IAM check, the Lambda authorizer and the API key tell the integration, as API Gateway passes it. */
    private static void withIdentity(ObjectNode event, GatewayAuth.Identity identity) {
        ObjectNode ctx = (ObjectNode) event.get("requestContext");
        ObjectNode id = (ObjectNode) ctx.get("identity");
        if (identity.caller() != null) {
            id.put("accountId", GatewayAuth.ACCOUNT);
            id.put("caller", identity.caller().caller().sessionArn());
            id.put("userArn", identity.caller().principal());
            id.put("user", identity.caller().accessKeyId());
            id.put("accessKey", identity.caller().accessKeyId());
        }
        if (identity.authorizer() != null) {
            ctx.set("authorizer", identity.authorizer());
        }
        if (identity.apiKey() != null) {
            id.put("apiKey", identity.apiKey());
            id.put("apiKeyId", identity.apiKeyId());
        }
    }

    /** A request API Gateway would refuse before routing it (an undecodable path or query). */
    private static final class MalformedRequest extends RuntimeException {
        MalformedRequest(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The method's request model as API Gateway selects it, checked against the body: the model of the request's
     * media type (parameters such as charset ignored, case-insensitive; {@code application/json} when the request
     * has no Content-Type), else the {@code $default} model; without either the body is not validated. An empty
     * body is validated as {@code {}}; a body that is not JSON does not match.
     */
    boolean bodyMatchesModel(Route route, HttpFront.Request request) {
        Map<String, Schema> models = modelsByRoute.getOrDefault(route.key(), Map.of());
        String contentType = request.header("Content-Type");
        String mediaType = contentType == null || contentType.isBlank() ? "application/json"
                : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        Schema schema = models.getOrDefault(mediaType, models.get("$default"));
        if (schema == null) {
            return true;
        }
        JsonNode body;
        try {
            body = request.body().length == 0 ? Json.object() : Json.parse(utf8(request.body()));
        } catch (RuntimeException e) {
            return false;
        }
        return body != null && schema.validate(body).isEmpty();
    }

    private static String stripBearer(String token) {
        return token.regionMatches(true, 0, "Bearer ", 0, 7) ? token.substring(7).trim() : token.trim();
    }

    private void log(String label, String function, int status, long started, String note) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        log.accept(String.format("%-40s %-22s %3d %5d ms %s", label, function, status, ms, note).stripTrailing());
    }

    Match match(String method, String path) {
        String[] segments = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        Route best = null;
        Map<String, String> bestParams = null;
        int[] bestRank = null;
        for (Route r : api.routes()) {
            if (!r.httpMethod().equals(method) && !r.httpMethod().equals("ANY")) {
                continue;
            }
            String[] pattern = r.resourcePath().equals("/") ? new String[0] : r.resourcePath().substring(1).split("/");
            Map<String, String> params = new LinkedHashMap<>();
            int[] rank = new int[Math.max(pattern.length, segments.length) + 1];
            boolean ok = true;
            int i = 0;
            for (; i < pattern.length && ok; i++) {
                String p = pattern[i];
                if (p.startsWith("{") && p.endsWith("+}")) {
                    if (i >= segments.length) {
                        ok = false;
                        break;
                    }
                    params.put(p.substring(1, p.length() - 2), decode(String.join("/",
                            java.util.Arrays.copyOfRange(segments, i, segments.length))));
                    rank[i] = 1;
                    i = segments.length;
                    break;
                }
                if (i >= segments.length || segments[i].isEmpty()) {
                    ok = false;
                } else if (p.startsWith("{") && p.endsWith("}")) {
                    params.put(p.substring(1, p.length() - 1), decode(segments[i]));
                    rank[i] = 2;
                } else if (p.equals(decode(segments[i]))) {
                    rank[i] = 3;
                } else {
                    ok = false;
                }
            }
            if (!ok || i < segments.length) {
                continue;
            }
            rank[rank.length - 1] = r.httpMethod().equals(method) ? 1 : 0;
            if (bestRank == null || java.util.Arrays.compare(rank, bestRank) > 0) {
                best = r;
                bestParams = params;
                bestRank = rank;
            }
        }
        return best == null ? null : new Match(best, bestParams);
    }

    private static String decode(String s) {
        return urlDecode(s.replace("+", "%2B"), "path");
    }

    private static String urlDecode(String s, String where) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedRequest("malformed percent-encoding in the " + where);
        }
    }

    /** A MOCK integration's first response: its static headers, then those its template overrides. */
    private HttpFront.Response mock(HttpFront.Request request, Route route) {
        JsonNode response = route.mock().path("IntegrationResponses").path(0);
        int status = response.path("StatusCode").asInt(200);
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("ResponseParameters").fields().forEachRemaining(e -> {
            String key = e.getKey();
            if (key.startsWith("method.response.header.")) {
                headers.put(key.substring("method.response.header.".length()),
                        TemplateReader.unquote(e.getValue().asText()));
            }
        });
        JsonNode template = response.path("ResponseTemplates").path("application/json");
        if (template.isTextual()) {
            headers.putAll(MockTemplate.headerOverrides(template.asText(), name -> {
                for (Map.Entry<String, String> h : request.headers()) {
                    if (h.getKey().equals(name)) {
                        return h.getValue();
                    }
                }
                return null;
            }));
        }
        return new HttpFront.Response(status, new ArrayList<>(headers.entrySet()), new byte[0]);
    }

    private ObjectNode event(HttpFront.Request request, Route route, Map<String, String> pathParameters, String path,
                             byte[] body, JsonNode claims, String requestId) {
        ObjectNode e = Json.object();
        e.put("resource", route.resourcePath());
        e.put("path", path);
        e.put("httpMethod", request.method());
        ObjectNode headers = Json.object();
        ObjectNode multiHeaders = Json.object();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.put(h.getKey(), h.getValue());
            (multiHeaders.has(h.getKey()) ? (com.fasterxml.jackson.databind.node.ArrayNode) multiHeaders.get(h.getKey())
                    : multiHeaders.putArray(h.getKey())).add(h.getValue());
        }
        e.set("headers", headers.isEmpty() ? null : headers);
        e.set("multiValueHeaders", multiHeaders.isEmpty() ? null : multiHeaders);
        String rawQuery = request.rawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            ObjectNode query = Json.object();
            ObjectNode multiQuery = Json.object();
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = urlDecode(eq < 0 ? pair : pair.substring(0, eq), "query string");
                String value = eq < 0 ? "" : urlDecode(pair.substring(eq + 1), "query string");
                query.put(name, value);
                (multiQuery.has(name) ? (com.fasterxml.jackson.databind.node.ArrayNode) multiQuery.get(name)
                        : multiQuery.putArray(name)).add(value);
            }
            e.set("queryStringParameters", query);
            e.set("multiValueQueryStringParameters", multiQuery);
        } else {
            e.putNull("queryStringParameters");
            e.putNull("multiValueQueryStringParameters");
        }
        if (pathParameters.isEmpty()) {
            e.putNull("pathParameters");
        } else {
            ObjectNode pp = e.putObject("pathParameters");
            pathParameters.forEach(pp::put);
        }
        e.putNull("stageVariables");
        ObjectNode ctx = e.putObject("requestContext");
        long now = System.currentTimeMillis();
        ctx.put("accountId", Engines.LOCAL_ACCOUNT);
        ctx.put("apiId", "local");
        ctx.put("resourceId", route.methodLogicalId());
        ctx.put("resourcePath", route.resourcePath());
        ctx.put("httpMethod", request.method());
        ctx.put("path", "/" + api.stageName() + path);
        ctx.put("stage", api.stageName());
        ctx.put("requestId", requestId);
        ctx.put("extendedRequestId", requestId);
        ctx.put("protocol", request.protocol());
        ctx.put("requestTime", new SimpleDateFormat("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).format(new Date(now)));
        ctx.put("requestTimeEpoch", now);
        ctx.put("domainName", "127.0.0.1");
        ObjectNode identity = ctx.putObject("identity");
        identity.put("sourceIp", request.remoteAddress());
        identity.put("userAgent", request.header("User-Agent"));
        if (claims != null) {
            ObjectNode c = ctx.putObject("authorizer").putObject("claims");
            claims.fields().forEachRemaining(f -> c.put(f.getKey(), claimValue(f.getKey(), f.getValue())));
        }
        if (body.length == 0) {
            e.putNull("body");
            e.put("isBase64Encoded", false);
        } else {
            String text = utf8(body);
            e.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
            e.put("isBase64Encoded", text == null);
        }
        return e;
    }

    /**
     * Claims as the REST API Cognito authorizer passes them: every value a string, times as dates
     * ({@code Tue Mar 06 10:05:00 UTC 2018}), lists comma-separated.
     */
    static String claimValue(String name, JsonNode value) {
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(v.asText()));
            return String.join(",", parts);
        }
        if (value.isNumber() && List.of("exp", "iat", "auth_time", "nbf").contains(name)) {
            SimpleDateFormat f = new SimpleDateFormat("EEE MMM dd HH:mm:ss zzz yyyy", Locale.US);
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            return f.format(new Date(value.asLong() * 1000));
        }
        return value.asText();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Maps the function's proxy result to the HTTP response; a malformed result is API Gateway's 502. */
    private HttpFront.Response proxyResponse(String requestId, String payload) {
        JsonNode r;
        try {
            r = Json.parse(payload);
        } catch (RuntimeException e) {
            r = null;
        }
        if (r == null || !r.isObject() || !r.path("statusCode").canConvertToInt()) {
            return gatewayError(requestId, "DEFAULT_5XX", 502, "Internal server error",
                    "InternalServerErrorException");
        }
        int status = r.path("statusCode").asInt();
        Map<String, List<String>> h = new LinkedHashMap<>();
        r.path("multiValueHeaders").fields().forEachRemaining(f -> f.getValue().forEach(v ->
                h.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(v.asText())));
        r.path("headers").fields().forEachRemaining(f -> h.put(f.getKey(), new ArrayList<>(List.of(f.getValue()
                .asText()))));
        h.put("x-amzn-RequestId", List.of(requestId));
        byte[] body;
        JsonNode b = r.get("body");
        if (b == null || b.isNull()) {
            body = new byte[0];
        } else if (r.path("isBase64Encoded").asBoolean(false)) {
            body = Base64.getDecoder().decode(b.asText());
        } else {
            body = b.asText().getBytes(StandardCharsets.UTF_8);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        h.forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        return new HttpFront.Response(status, headers, body);
    }

    /** A response API Gateway itself produces, rendered with the template's gateway response if it has one. */
    private HttpFront.Response gatewayError(String requestId, String type, int status, String message,
                                            String errorType) {
        GatewayResponse response = api.gatewayResponses().get(type);
        if (response == null) {
            response = api.gatewayResponses().get(status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
        }
        String body = Json.write(Map.of("message", message));
        Map<String, String> h = new LinkedHashMap<>();
        if (response != null) {
            h.putAll(response.headers());
            if (response.statusCode() != null) {
                status = response.statusCode();
            }
            if (response.template() != null) {
                body = response.template()
                        .replace("$context.error.responseType", type)
                        .replace("$context.error.messageString", Json.write(message))
                        .replace("$context.error.message", message)
                        .replace("$context.requestId", requestId);
            }
        }
        h.put("Content-Type", "application/json");
        h.put("x-amzn-RequestId", requestId);
        h.put("x-amzn-ErrorType", errorType);
        return new HttpFront.Response(status, new ArrayList<>(h.entrySet()), body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
