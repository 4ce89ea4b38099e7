package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serverlesskit.local.StageModel.Api;
import dev.serverlesskit.local.StageModel.GatewayResponse;
import dev.serverlesskit.local.StageModel.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The REST API of the template on localhost, as API Gateway serves it: {@code /<stage>/<resource path>} routed by the
 * template's resource tree (literal segments before {@code {param}}, {@code {proxy+}} greedy), unknown routes 403,
 * per-method throttling from the stage's MethodSettings (429), the Cognito user pool authorizer on the methods that
 * have it (401), MOCK integrations (CORS preflight) answered from their integration response, and Lambda proxy
 * integrations invoked with a REST API proxy event (v1). Errors produced by the gateway itself use the template's
 * gateway responses.
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
    private final HttpServer server;
    private final ExecutorService executor;

    static {
        // Answer without Nagle's algorithm: with it, the JDK server held every small response ~50 ms waiting for
        // the client's delayed ACK (bench/local-runtime: p99 64.6 ms vs 15.7 ms with TCP_NODELAY). Must be set
        // before the JDK's HTTP server classes load; an explicit -Dsun.net.httpserver.nodelay still wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public ApiServer(Api api, Map<String, FunctionHost> functionsByLogicalId, AuthorizerPools pools, int port,
                     Consumer<String> log) throws IOException {
        this.api = api;
        this.functions = functionsByLogicalId;
        this.pools = pools;
        this.log = log;
        for (Route r : api.routes()) {
            StageModel.Throttle t = api.throttleOf(r);
            buckets.put(r.key(), new TokenBucket(t.rateLimit(), t.burstLimit()));
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
        this.executor = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/" + api.stageName();
    }

    private record Match(Route route, Map<String, String> pathParameters) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        String label = method + " " + rawPath;
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] bodyBytes = body.readAllBytes();
            String prefix = "/" + api.stageName();
            if (!(rawPath.equals(prefix) || rawPath.startsWith(prefix + "/"))) {
                gatewayError(exchange, requestId, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException");
                log(label, "-", 403, started, "no such stage (the API is served under " + prefix + "/)");
                return;
            }
            String path = rawPath.substring(prefix.length());
            if (path.isEmpty()) {
                path = "/";
            }
            Match match = match(method, path);
            if (match == null) {
                gatewayError(exchange, requestId, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                        "MissingAuthenticationTokenException");
                log(label, "-", 403, started, "no route");
                return;
            }
            Route route = match.route();
            label = method + " " + route.resourcePath();
            if (!buckets.get(route.key()).tryTake()) {
                gatewayError(exchange, requestId, "THROTTLED", 429, "Too Many Requests", "TooManyRequestsException");
                log(label, "-", 429, started, "throttled (stage MethodSettings)");
                return;
            }
            if (route.mock() != null) {
                mock(exchange, route);
                log(label, "MOCK", exchange.getResponseCode(), started, "");
                return;
            }
            JsonNode claims = null;
            if (route.needsCognito()) {
                StageModel.Authorizer authorizer = api.authorizers().get(route.authorizer());
                String token = exchange.getRequestHeaders().getFirst(authorizer.identityHeader());
                claims = token == null ? null : verifier.verify(stripBearer(token), pools.poolsOf(authorizer),
                        route.authorizationScopes()).orElse(null);
                if (claims == null) {
                    gatewayError(exchange, requestId, "UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException");
                    log(label, "-", 401, started, token == null ? "no token" : "token rejected");
                    return;
                }
            }
            FunctionHost host = functions.get(route.function());
            String event = Json.write(event(exchange, route, match.pathParameters(), path, bodyBytes, claims,
                    requestId));
            FunctionHost.Invocation result = host.invoke(event);
            String fn = host.function().shortName();
            String temperature = result.cold() ? "cold" : "warm";
            switch (result.status()) {
                case THROTTLED -> {
                    gatewayError(exchange, requestId, "INTEGRATION_FAILURE", 500, "Internal server error",
                            "InternalServerErrorException");
                    log(label, fn, 500, started, "throttled: reserved concurrency "
                            + host.function().reservedConcurrency());
                }
                case TIMEOUT -> {
                    boolean gatewayTimeout = host.function().timeoutSeconds() > INTEGRATION_TIMEOUT_SECONDS;
                    gatewayError(exchange, requestId, gatewayTimeout ? "INTEGRATION_TIMEOUT" : "DEFAULT_5XX",
                            gatewayTimeout ? 504 : 502, gatewayTimeout ? "Endpoint request timed out"
                                    : "Internal server error", "InternalServerErrorException");
                    log(label, fn, gatewayTimeout ? 504 : 502, started, temperature + " " + result.errorMessage());
                }
                case FUNCTION_ERROR -> {
                    gatewayError(exchange, requestId, "DEFAULT_5XX", 502, "Internal server error",
                            "InternalServerErrorException");
                    log(label, fn, 502, started, temperature + " function error " + result.errorType() + ": "
                            + result.errorMessage());
                }
                case OK -> {
                    int status = proxyResponse(exchange, requestId, result.payload());
                    log(label, fn, status, started, temperature);
                }
            }
        } catch (RuntimeException e) {
            try {
                gatewayError(exchange, requestId, "DEFAULT_5XX", 500, "Internal server error",
                        "InternalServerErrorException");
            } catch (IOException | RuntimeException ignored) {
                // the client went away
            }
            log(label, "-", 500, started, "local runtime error: " + e);
        }
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
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private void mock(HttpExchange exchange, Route route) throws IOException {
        JsonNode response = route.mock().path("IntegrationResponses").path(0);
        int status = response.path("StatusCode").asInt(200);
        response.path("ResponseParameters").fields().forEachRemaining(e -> {
            String key = e.getKey();
            if (key.startsWith("method.response.header.")) {
                exchange.getResponseHeaders().add(key.substring("method.response.header.".length()),
                        TemplateReader.unquote(e.getValue().asText()));
            }
        });
        exchange.sendResponseHeaders(status, -1);
    }

    private ObjectNode event(HttpExchange exchange, Route route, Map<String, String> pathParameters, String path,
                             byte[] body, JsonNode claims, String requestId) {
        ObjectNode e = Json.object();
        e.put("resource", route.resourcePath());
        e.put("path", path);
        e.put("httpMethod", exchange.getRequestMethod());
        ObjectNode headers = Json.object();
        ObjectNode multiHeaders = Json.object();
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            var arr = multiHeaders.putArray(name);
            values.forEach(arr::add);
        });
        e.set("headers", headers.isEmpty() ? null : headers);
        e.set("multiValueHeaders", multiHeaders.isEmpty() ? null : multiHeaders);
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            ObjectNode query = Json.object();
            ObjectNode multiQuery = Json.object();
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
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
        ctx.put("httpMethod", exchange.getRequestMethod());
        ctx.put("path", "/" + api.stageName() + path);
        ctx.put("stage", api.stageName());
        ctx.put("requestId", requestId);
        ctx.put("extendedRequestId", requestId);
        ctx.put("protocol", exchange.getProtocol());
        ctx.put("requestTime", new SimpleDateFormat("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).format(new Date(now)));
        ctx.put("requestTimeEpoch", now);
        ctx.put("domainName", "127.0.0.1");
        ObjectNode identity = ctx.putObject("identity");
        identity.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        identity.put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
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
    private int proxyResponse(HttpExchange exchange, String requestId, String payload) throws IOException {
        JsonNode r;
        try {
            r = Json.parse(payload);
        } catch (RuntimeException e) {
            r = null;
        }
        if (r == null || !r.isObject() || !r.path("statusCode").canConvertToInt()) {
            gatewayError(exchange, requestId, "DEFAULT_5XX", 502, "Internal server error",
                    "InternalServerErrorException");
            return 502;
        }
        int status = r.path("statusCode").asInt();
        var h = exchange.getResponseHeaders();
        r.path("multiValueHeaders").fields().forEachRemaining(f -> f.getValue().forEach(v -> h.add(f.getKey(),
                v.asText())));
        r.path("headers").fields().forEachRemaining(f -> h.set(f.getKey(), f.getValue().asText()));
        h.set("x-amzn-RequestId", requestId);
        byte[] body;
        JsonNode b = r.get("body");
        if (b == null || b.isNull()) {
            body = new byte[0];
        } else if (r.path("isBase64Encoded").asBoolean(false)) {
            body = Base64.getDecoder().decode(b.asText());
        } else {
            body = b.asText().getBytes(StandardCharsets.UTF_8);
        }
        send(exchange, status, body);
        return status;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body.length == 0 || "HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** A response API Gateway itself produces, rendered with the template's gateway response if it has one. */
    private void gatewayError(HttpExchange exchange, String requestId, String type, int status, String message,
                              String errorType) throws IOException {
        GatewayResponse response = api.gatewayResponses().get(type);
        if (response == null) {
            response = api.gatewayResponses().get(status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
        }
        String body = Json.write(Map.of("message", message));
        var h = exchange.getResponseHeaders();
        if (response != null) {
            response.headers().forEach(h::set);
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
        h.set("Content-Type", "application/json");
        h.set("x-amzn-RequestId", requestId);
        h.set("x-amzn-ErrorType", errorType);
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
