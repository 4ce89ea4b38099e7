package dev.serverlesskit.app.common;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts buffered during one invocation and published at its end as one CloudWatch Embedded Metric Format (EMF)
 * line on stdout, where the Lambda runtime hands it to CloudWatch Logs, which extracts the metrics.
 *
 * <p>The namespace is {@code METRICS_NAMESPACE} (required), the dimension {@code Service} is {@code SERVICE_NAME};
 * a {@code ColdStart} count on the first invocation has the dimensions Service and FunctionName, with
 * {@code function_request_id}; units are Count. The line has no {@code level}: Lambda's JSON log format counts it as
 * INFO, so the function's application log level must keep INFO (JavaFunction checks that). Why this is not Powertools
 * metrics: lambdas/README.md. Publishing is serialized: Lambda runs one invocation per JVM at a time, but tests drive
 * handlers from many threads.
 */
public final class AppMetrics {
    private static final Object LOCK = new Object();
    private static final String DEFAULT_SERVICE = "service_undefined";
    private final Map<String, Double> counts = new LinkedHashMap<>();

    /**
     * Fails init when metrics have nowhere to go: without a namespace every metric would be dropped. Called from
     * handler constructors.
     */
    public static void requireConfiguration() {
        Env.required("METRICS_NAMESPACE");
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
            String namespace = Env.required("METRICS_NAMESPACE");
            String service = Env.optional("SERVICE_NAME", DEFAULT_SERVICE);
            long now = System.currentTimeMillis();
            List<String> lines = new ArrayList<>(2);
            if (coldStart && context != null) {
                Map<String, Object> dims = new LinkedHashMap<>();
                dims.put("Service", service);
                dims.put("FunctionName", context.getFunctionName());
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("function_request_id", context.getAwsRequestId());
                lines.add(emf(namespace, now, dims, Map.of("ColdStart", 1.0), props));
            }
            if (!counts.isEmpty()) {
                lines.add(emf(namespace, now, Map.of("Service", service), counts, Map.of()));
            }
            if (!lines.isEmpty()) {
                PrintStream out = System.out;
                synchronized (LOCK) {
                    lines.forEach(out::println);
                    out.flush();
                }
            }
        } catch (RuntimeException e) {
            JsonLog.warn("metrics could not be published", Map.of("error", String.valueOf(e)));
        }
    }

    /**
     * One EMF document: {@code {"_aws": {"Timestamp", "CloudWatchMetrics": [{"Namespace", "Dimensions": [[...]],
     * "Metrics": [{"Name", "Unit"}]}]}, <dimension values>, <metric values>, <properties>}}.
     */
    static String emf(String namespace, long timestamp, Map<String, Object> dimensions, Map<String, Double> metrics,
                      Map<String, Object> properties) {
        List<Map<String, Object>> definitions = new ArrayList<>();
        metrics.keySet().forEach(name -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("Name", name);
            d.put("Unit", "Count");
            definitions.add(d);
        });
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", List.of(List.copyOf(dimensions.keySet())));
        directive.put("Metrics", definitions);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", timestamp);
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_aws", aws);
        doc.putAll(dimensions);
        doc.putAll(metrics);
        doc.putAll(properties);
        return Json.write(doc);
    }
}
