package dev.serverlesskit.app.common;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Counts buffered during one invocation and published at its end as one EMF document through the Powertools
 * functional API. Publishing is serialized: Lambda runs one invocation per JVM at a time, but tests drive
 * handlers from many threads and the Powertools instance is shared.
 */
public final class AppMetrics {
    private static final Object LOCK = new Object();
    private final Map<String, Double> counts = new LinkedHashMap<>();

    /**
     * Fails init when metrics have nowhere to go: without a namespace Powertools drops every flush, silently.
     * Called from handler constructors.
     */
    public static void requireConfiguration() {
        Env.required("POWERTOOLS_METRICS_NAMESPACE");
    }

    public void count(String name) {
        count(name, 1);
    }

    public void count(String name, double value) {
        counts.merge(name, value, Double::sum);
    }

    public Map<String, Double> counts() {
        return counts;
    }

    /** Never throws: metrics must not turn a good response into an error. */
    public void publish(Context context, boolean coldStart) {
        try {
            synchronized (LOCK) {
                Metrics metrics = MetricsFactory.getMetricsInstance();
                if (coldStart && context != null) {
                    metrics.captureColdStartMetric(context);
                }
                if (!counts.isEmpty()) {
                    counts.forEach((name, value) -> metrics.addMetric(name, value, MetricUnit.COUNT));
                    metrics.flush();
                }
            }
        } catch (RuntimeException e) {
            JsonLog.warn("metrics could not be published", Map.of("error", String.valueOf(e)));
        }
    }
}
