package dev.serverlesskit.tools.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A traffic profile ({@code tools/traffic/default.json}): requests and duration per route, invocations of functions
 * that no route calls, DynamoDB and SQS requests per request, data stored, monthly active users, log bytes, custom
 * metrics, the capacity figures of pipelines, and the always-on alternative to compare with. Traffic and data scale by
 * the stage ({@code stageScale}); fixed things (alarm notifications, KMS requests) do not. A missing figure is zero.
 */
public final class Profile {
    private final JsonNode root;
    private final double scale;
    private final boolean zero;

    private Profile(JsonNode root, double scale, boolean zero) {
        this.root = root;
        this.scale = scale;
        this.zero = zero;
    }

    public static Profile load(Path file) {
        return new Profile(Json.read(file), 1, false);
    }

    public static Profile of(JsonNode root) {
        return new Profile(root, 1, false);
    }

    /** The profile as one stage sees it. */
    public Profile forStage(String stage) {
        JsonNode s = root.path("stageScale").path(stage);
        return new Profile(root, s.isNumber() ? s.asDouble() : 1, zero);
    }

    /** No traffic, no data: what remains is the fixed floor. */
    public Profile zero() {
        return new Profile(root, 0, true);
    }

    public double scale() {
        return scale;
    }

    public JsonNode root() {
        return root;
    }

    public String description() {
        return root.path("description").asText("");
    }

    public double routeRequests(String route) {
        return scale * root.path("routes").path(route).path("requestsPerMonth").asDouble(0);
    }

    public Double routeDurationMs(String route) {
        JsonNode d = root.path("routes").path(route).path("durationMs");
        return d.isNumber() ? d.asDouble() : null;
    }

    public boolean hasRoute(String route) {
        return root.path("routes").has(route);
    }

    public double functionInvocations(String function) {
        return scale * root.path("functions").path(function).path("invocationsPerMonth").asDouble(0);
    }

    public Double functionDurationMs(String function) {
        JsonNode d = root.path("functions").path(function).path("durationMs");
        return d.isNumber() ? d.asDouble() : null;
    }

    /** DynamoDB request units per request of a route (or per invocation of a function), by table name. */
    public Map<String, double[]> dynamodb(String section, String name) {
        Map<String, double[]> map = new LinkedHashMap<>();
        root.path(section).path(name).path("dynamodb").fields().forEachRemaining(e -> map.put(e.getKey(),
                new double[] {e.getValue().path("reads").asDouble(0), e.getValue().path("writes").asDouble(0)}));
        return map;
    }

    /** SQS requests per request of a route (or per invocation of a function), by queue name. */
    public Map<String, Double> sqs(String section, String name) {
        Map<String, Double> map = new LinkedHashMap<>();
        root.path(section).path(name).path("sqs").fields().forEachRemaining(e -> map.put(e.getKey(),
                e.getValue().asDouble(0)));
        return map;
    }

    public double idleReceivesPerConsumer() {
        return root.path("queues").path("idleReceivesPerMonthPerConsumer").asDouble(0);
    }

    public double tableGb(String table) {
        return scale * root.path("tables").path(table).path("gb").asDouble(0);
    }

    public double monthlyActiveUsers() {
        return scale * root.path("monthlyActiveUsers").asDouble(0);
    }

    public double logBytesPerInvocation() {
        return root.path("logs").path("bytesPerInvocation").asDouble(0);
    }

    public double accessLogBytesPerRequest() {
        return root.path("logs").path("accessLogBytesPerRequest").asDouble(0);
    }

    public double customMetrics() {
        return zero ? 0 : root.path("customMetrics").asDouble(0);
    }

    public double xrayReservoirPerSecond() {
        return root.path("xray").path("reservoirPerSecond").asDouble(1);
    }

    public double xrayRate() {
        return root.path("xray").path("rate").asDouble(0.05);
    }

    public double topicPublishes(String topic) {
        return zero ? 0 : root.path("topics").path(topic).path("publishesPerMonth").asDouble(0);
    }

    public double topicEmails(String topic) {
        return zero ? 0 : root.path("topics").path(topic).path("emailsPerMonth").asDouble(0);
    }

    public double kmsRequests() {
        return zero ? 0 : root.path("kmsRequestsPerMonth").asDouble(0);
    }

    public JsonNode alwaysOn() {
        return root.path("alwaysOn");
    }

    public JsonNode capacity() {
        return root.path("capacity");
    }
}
