package dev.serverlesskit.app.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Base of every API route handler (API Gateway REST API, Lambda proxy integration). It owns what all routes share:
 * correlation id, unknown query parameter rejection, error mapping (4xx from {@link ApiException}, 503 for
 * dependency failures, 500 for bugs with the stack trace logged only), the response headers, one access log
 * line per request and the metrics flush. Subclasses implement {@link #handle(ApiRequest)} only.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private static final Pattern SANE_CORRELATION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MAX_QUERY_VALUE_LENGTH = 200;
    /** One function = one handler class, so one flag per JVM is one flag per function instance. */
    private static final AtomicBoolean COLD_START = new AtomicBoolean(true);

    /** The route named in logs when the event names none (tests, direct invocations). */
    private final String defaultRoute;
    private final Set<String> allowedQueryParameters;
    private final RouteAccess routeAccess;
    private final Set<String> corsAllowOrigins;

    /**
     * @param route                  the route named in logs when the event names none
     * @param allowedQueryParameters the only query parameters the route accepts
     */
    protected ApiHandler(String route, Set<String> allowedQueryParameters) {
        this(route, allowedQueryParameters, RouteAccess.fromEnvironment());
    }

    ApiHandler(String route, Set<String> allowedQueryParameters, RouteAccess routeAccess) {
        AppMetrics.requireConfiguration();
        this.defaultRoute = route;
        this.allowedQueryParameters = Set.copyOf(allowedQueryParameters);
        this.routeAccess = routeAccess;
        this.corsAllowOrigins = corsOrigins(Env.optional(CORS_ORIGINS_VARIABLE).orElse(""));
    }

    /** Browser origins allowed by CORS, comma-separated; a response names the request's origin when it is one. */
    public static final String CORS_ORIGINS_VARIABLE = "CORS_ALLOW_ORIGINS";

    static Set<String> corsOrigins(String value) {
        Set<String> origins = new java.util.LinkedHashSet<>();
        for (String origin : value.split(",")) {
            if (!origin.isBlank()) {
                origins.add(origin.trim());
            }
        }
        return Set.copyOf(origins);
    }

    protected abstract ApiResponse handle(ApiRequest request);

    /**
     * The route a request came in on, as API Gateway names it ({@code POST /clicks/batch}), for the logs: one
     * function may serve several routes; {@code fallback} (the handler's own) when the event does not say.
     */
    static String routeOf(APIGatewayProxyRequestEvent event, String fallback) {
        return event.getHttpMethod() == null || event.getResource() == null ? fallback
                : event.getHttpMethod() + " " + event.getResource();
    }

    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        long started = System.nanoTime();
        boolean coldStart = COLD_START.getAndSet(false);
        String awsRequestId = context == null ? null : context.getAwsRequestId();
        APIGatewayProxyRequestEvent safeEvent = event == null ? new APIGatewayProxyRequestEvent() : event;
        String correlationId = correlationId(safeEvent, awsRequestId);
        String route = routeOf(safeEvent, defaultRoute);
        JsonLog.setContext(correlationId, awsRequestId, coldStart);
        AppMetrics metrics = new AppMetrics();
        ApiResponse response;
        String errorCode = null;
        try {
            ApiRequest request = new ApiRequest(safeEvent, context, correlationId, metrics);
            // the declared access first: a caller who may not call the route learns nothing else about it
            routeAccess.check(safeEvent.getHttpMethod() + " " + safeEvent.getResource(), request);
            checkQueryParameters(safeEvent);
            response = handle(request);
        } catch (ApiException e) {
            errorCode = e.code();
            response = ApiResponse.error(e.status(), e.code(), e.getMessage());
        } catch (SdkException e) {
            if (rejectedRequest(e)) {
                // the service refused what this code asked (a malformed request, a missing grant): a bug here, not
                // an outage, so not "retry later"
                errorCode = "INTERNAL_ERROR";
                JsonLog.error("a backing service rejected the request", Map.of("route", route), e);
                response = ApiResponse.error(500, errorCode, "internal error");
            } else {
                errorCode = "DEPENDENCY_UNAVAILABLE";
                JsonLog.error("dependency call failed", Map.of("route", route), e);
                response = ApiResponse.error(503, errorCode, "a backing service is unavailable, retry later");
            }
        } catch (RuntimeException e) {
            errorCode = "INTERNAL_ERROR";
            JsonLog.error("unexpected error", Map.of("route", route), e);
            response = ApiResponse.error(500, errorCode, "internal error");
        }
        APIGatewayProxyResponseEvent out = toEvent(response, correlationId, ApiRequest.headerOf(safeEvent, "Origin"));
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("route", route);
        access.put("method", safeEvent.getHttpMethod());
        access.put("path", safeEvent.getPath());
        access.put("status", response.status());
        access.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        access.put("errorCode", errorCode);
        JsonLog.info("request completed", access);
        metrics.publish(context, coldStart);
        JsonLog.clearContext();
        return out;
    }

    /** A 4xx from the service that is not throttling: the request itself was refused (validation, access). */
    static boolean rejectedRequest(SdkException e) {
        return e instanceof AwsServiceException service && !service.isThrottlingException()
                && service.statusCode() >= 400 && service.statusCode() < 500;
    }

    private APIGatewayProxyResponseEvent toEvent(ApiResponse response, String correlationId, String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(CORRELATION_HEADER, correlationId);
        if (!corsAllowOrigins.isEmpty()) {
            // the request's own origin when it is allowed, none otherwise; caches must key on it
            headers.put("Vary", "Origin");
            if (origin != null && corsAllowOrigins.contains(origin)) {
                headers.put("Access-Control-Allow-Origin", origin);
                headers.put("Access-Control-Expose-Headers", CORRELATION_HEADER + ", Idempotent-Replayed");
            }
        }
        headers.putAll(response.headers());
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }

    /**
     * The caller's {@code X-Correlation-Id} when sane (at most 128 of [A-Za-z0-9._-]), else API Gateway's request id,
     * else the Lambda request id.
     */
    static String correlationId(APIGatewayProxyRequestEvent event, String awsRequestId) {
        String header = ApiRequest.headerOf(event, CORRELATION_HEADER);
        if (header != null && SANE_CORRELATION_ID.matcher(header).matches()) {
            return header;
        }
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                && !event.getRequestContext().getRequestId().isBlank()) {
            return event.getRequestContext().getRequestId();
        }
        return awsRequestId == null ? "unknown" : awsRequestId;
    }

    private void checkQueryParameters(APIGatewayProxyRequestEvent event) {
        Map<String, String> query = event.getQueryStringParameters();
        if (query != null) {
            for (Map.Entry<String, String> e : new TreeSet<>(query.keySet()).stream()
                    .map(k -> Map.entry(k, String.valueOf(query.get(k)))).toList()) {
                if (!allowedQueryParameters.contains(e.getKey())) {
                    throw ApiException.validation("query parameter '" + JsonBody.abbreviate(e.getKey())
                            + "' is not supported" + (allowedQueryParameters.isEmpty() ? " by this route"
                            : "; supported: " + String.join(", ", new TreeSet<>(allowedQueryParameters))));
                }
                // cursors carry whole DynamoDB keys; Cursor bounds them itself
                if (!"cursor".equals(e.getKey()) && e.getValue().length() > MAX_QUERY_VALUE_LENGTH) {
                    throw ApiException.validation("query parameter '" + e.getKey() + "' must be at most "
                            + MAX_QUERY_VALUE_LENGTH + " characters");
                }
            }
        }
        Map<String, List<String>> multi = event.getMultiValueQueryStringParameters();
        if (multi != null) {
            for (Map.Entry<String, List<String>> e : multi.entrySet()) {
                if (e.getValue() != null && e.getValue().size() > 1) {
                    throw ApiException.validation("query parameter '" + JsonBody.abbreviate(e.getKey())
                            + "' must be given at most once");
                }
            }
        }
    }
}
