package dev.serverlesskit.app.common;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny structured logger: one JSON object per line on stdout, in the shape Lambda's JSON log format reads
 * ({@code level}, an RFC 3339 {@code timestamp}, {@code message}): Lambda ships such a line to CloudWatch Logs as it is
 * and drops it when its level is below the function's application log level. Every line also carries the service
 * ({@code SERVICE_NAME}) and the request context (correlationId, requestId, coldStart) set by the handler base
 * classes. Lines below {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda sets from that application log level, are not even
 * formatted; without it (Lambda's text format), INFO. Why this is not Powertools logging: lambdas/README.md.
 */
public final class JsonLog {
    /** Lambda's log levels. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, FATAL }

    private static final Level THRESHOLD = threshold(Env.optional("AWS_LAMBDA_LOG_LEVEL").orElse(null));
    private static final String SERVICE = Env.optional("SERVICE_NAME", "service_undefined");
    private static final ThreadLocal<Map<String, Object>> CONTEXT = ThreadLocal.withInitial(LinkedHashMap::new);

    private JsonLog() {}

    /** Sets the request-scoped fields that every following line of this thread carries. */
    public static void setContext(String correlationId, String requestId, boolean coldStart) {
        Map<String, Object> ctx = CONTEXT.get();
        ctx.clear();
        if (correlationId != null) {
            ctx.put("correlationId", correlationId);
        }
        if (requestId != null) {
            ctx.put("requestId", requestId);
        }
        ctx.put("coldStart", coldStart);
    }

    public static void clearContext() {
        CONTEXT.remove();
    }

    public static boolean enabled(Level level) {
        return level.ordinal() >= THRESHOLD.ordinal();
    }

    public static void debug(String message, Map<String, ?> fields) {
        log(Level.DEBUG, message, fields, null);
    }

    public static void info(String message, Map<String, ?> fields) {
        log(Level.INFO, message, fields, null);
    }

    public static void warn(String message, Map<String, ?> fields) {
        log(Level.WARN, message, fields, null);
    }

    public static void error(String message, Map<String, ?> fields, Throwable error) {
        log(Level.ERROR, message, fields, error);
    }

    public static void log(Level level, String message, Map<String, ?> fields, Throwable error) {
        if (!enabled(level)) {
            return;
        }
        System.out.println(format(level, message, fields, error));
    }

    static String format(Level level, String message, Map<String, ?> fields, Throwable error) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", level.name());
        line.put("timestamp", Instant.now().toString());
        line.put("message", message);
        line.put("service", SERVICE);
        line.putAll(CONTEXT.get());
        if (fields != null) {
            fields.forEach((k, v) -> {
                if (v != null && !line.containsKey(k)) {
                    line.put(k, v instanceof Number || v instanceof Boolean || v instanceof Map
                            || v instanceof Iterable ? v : String.valueOf(v));
                }
            });
        }
        if (error != null) {
            line.put("errorType", error.getClass().getName());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.put("stackTrace", trace.toString());
        }
        try {
            return JSON.std.asString(line);
        } catch (Exception e) {
            return "{\"level\":\"ERROR\",\"message\":\"log line could not be serialized\"}";
        }
    }

    /** The level of {@code AWS_LAMBDA_LOG_LEVEL}'s value; INFO when unset. */
    static Level threshold(String value) {
        if (value == null) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Environment variable AWS_LAMBDA_LOG_LEVEL must be one of "
                    + Arrays.toString(Level.values()) + ", got '" + value + "'", e);
        }
    }
}
