package dev.serverlesskit.app.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.JsonLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduled synthetic check of a stage's public routes ({@link SyntheticCheck}) against {@code API_URL}. A
 * failed check fails the invocation, which the function's errors alarm turns into a notification (a page in prod).
 * An event may name another {@code apiUrl} (a run against the local runtime); the schedule sends none.
 */
public final class SyntheticCheckHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String apiUrl = event != null && event.get("apiUrl") instanceof String url ? url : Env.required("API_URL");
        JsonLog.setContext(context == null ? null : context.getAwsRequestId(),
                context == null ? null : context.getAwsRequestId(), false);
        // a client per run (every few minutes): nothing made at init that a SnapStart snapshot would share
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        List<String> failures = SyntheticCheck.run(apiUrl, (method, url, body) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("X-Correlation-Id", "synthetic-check");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new SyntheticCheck.Http.Response(r.statusCode(), r.body());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("apiUrl", apiUrl);
        result.put("failures", failures);
        try {
            if (!failures.isEmpty()) {
                JsonLog.error("synthetic check failed", result, null);
                throw new IllegalStateException("synthetic check of " + apiUrl + " failed: "
                        + String.join("; ", failures));
            }
            JsonLog.info("synthetic check passed", result);
            return result;
        } finally {
            JsonLog.clearContext();
        }
    }
}
