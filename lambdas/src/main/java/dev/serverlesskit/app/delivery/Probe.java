package dev.serverlesskit.app.delivery;

import dev.serverlesskit.app.common.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A harmless request to one function of the app and what a working version must answer. Reads read; requests to
 * functions that write are refused by their own validation before any write; the click processor gets a probe
 * message it must recognise and acknowledge without counting it.
 */
public enum Probe {
    /** {@code GET /pets?limit=1}: 200 with an {@code items} list. */
    LIST_PETS("list-pets"),
    /** {@code GET /pets/{petId}} of a pet the catalog lists (200, the same pet), else of no pet (404 JSON). */
    GET_PET("get-pet"),
    /** {@code POST /pets} by an admin with an empty object: 400 naming a field, nothing written. */
    ADD_PET("add-pet"),
    /** {@code POST /purchases} with an empty object: 400 naming a field, nothing bought. */
    PURCHASE_PET("purchase-pet"),
    /** {@code GET /purchases} of a caller who never bought: 200 with no items. */
    LIST_PURCHASES("list-purchases"),
    /** {@code POST /clicks} with an empty object: 400 naming a field, nothing enqueued. */
    RECORD_CLICK("record-click"),
    /** {@code GET /campaigns/{campaignId}/stats} as an admin: 200 with the campaign's counts (a number). */
    CAMPAIGN_STATS("campaign-stats"),
    /** An SQS batch of one probe message: acknowledged (no batch item failure) and not counted. */
    PROCESS_CLICKS("process-clicks");

    /** The caller the probes sign in as: never a real user (Cognito subs are UUIDs). */
    public static final String PROBE_SUB = "pre-traffic-hook";
    /** The campaign the stats probe reads (anyone may send clicks for it: only the answer's shape is checked). */
    public static final String PROBE_CAMPAIGN = "pre-traffic-hook";
    /** The pet id read when the catalog is empty: valid, but never generated (pet ids are {@code pet-} and a UUID). */
    public static final String ABSENT_PET = "pet-pre-traffic-hook";

    private final String id;

    Probe(String id) {
        this.id = id;
    }

    /** The name used in the hook's configuration ({@code HOOK_TARGETS}). */
    public String id() {
        return id;
    }

    public static Probe byId(String id) {
        for (Probe p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown probe '" + id + "'");
    }

    /** The event to invoke the function with; {@code knownPetId} is a pet the catalog listed, or null. */
    String event(String knownPetId) {
        return switch (this) {
            case LIST_PETS -> api("GET", "/pets", "/pets", Map.of(), Map.of("limit", "1"), null, null);
            case GET_PET -> {
                String petId = knownPetId == null ? ABSENT_PET : knownPetId;
                yield api("GET", "/pets/{petId}", "/pets/" + petId, Map.of("petId", petId), null, null, null);
            }
            case ADD_PET -> api("POST", "/pets", "/pets", Map.of(), null, "admins", "{}");
            case PURCHASE_PET -> api("POST", "/purchases", "/purchases", Map.of(), null, "", "{}");
            case LIST_PURCHASES -> api("GET", "/purchases", "/purchases", Map.of(), null, "", null);
            case RECORD_CLICK -> api("POST", "/clicks", "/clicks", Map.of(), null, null, "{}");
            case CAMPAIGN_STATS -> api("GET", "/campaigns/{campaignId}/stats", "/campaigns/" + PROBE_CAMPAIGN + "/stats",
                    Map.of("campaignId", PROBE_CAMPAIGN), null, "admins", null);
            case PROCESS_CLICKS -> Json.write(Map.of("Records", List.of(Map.of(
                    "messageId", "pre-traffic-hook-probe",
                    "body", ProbeMessage.BODY,
                    "eventSource", "aws:sqs",
                    "attributes", Map.of("ApproximateReceiveCount", "1")))));
        };
    }

    /**
     * What is wrong with the answer, or null when it is right.
     *
     * @param functionError Lambda's {@code FunctionError} (the handler threw or timed out), or null
     */
    String check(String functionError, String payload, String knownPetId) {
        if (functionError != null) {
            return "the function failed (" + functionError + "): " + abbreviate(payload);
        }
        Map<String, Object> answer;
        try {
            answer = object(Json.parse(payload));
        } catch (IOException | RuntimeException e) {
            return "the answer is not a JSON object: " + abbreviate(payload);
        }
        if (this == PROCESS_CLICKS) {
            Object failures = answer.get("batchItemFailures");
            return failures instanceof List<?> list && list.isEmpty() ? null
                    : "the probe message was not acknowledged: " + abbreviate(payload);
        }
        int status = answer.get("statusCode") instanceof Number n ? n.intValue() : -1;
        Map<String, Object> body;
        try {
            body = object(Json.parse(String.valueOf(answer.get("body"))));
        } catch (IOException | RuntimeException e) {
            return "status " + status + " with a body that is not a JSON object: " + abbreviate(payload);
        }
        return switch (this) {
            case LIST_PETS -> status == 200 && body.get("items") instanceof List<?> ? null
                    : unexpected(200, status, body);
            case GET_PET -> knownPetId == null
                    ? status == 404 && body.get("error") instanceof Map<?, ?> ? null : unexpected(404, status, body)
                    : status == 200 && knownPetId.equals(body.get("petId")) ? null
                    : "expected 200 with petId " + knownPetId + ", got " + status + " " + abbreviate(Json.write(body));
            case ADD_PET, PURCHASE_PET, RECORD_CLICK -> status == 400 && body.get("error") instanceof Map<?, ?> error
                    && String.valueOf(error.get("message")).contains("'") ? null : unexpected(400, status, body);
            case LIST_PURCHASES -> status == 200 && body.get("items") instanceof List<?> items && items.isEmpty()
                    ? null : unexpected(200, status, body);
            case CAMPAIGN_STATS -> status == 200 && PROBE_CAMPAIGN.equals(body.get("campaignId"))
                    && body.get("totalClicks") instanceof Number n && n.longValue() >= 0
                    && body.get("byAd") instanceof Map<?, ?> ? null
                    : unexpected(200, status, body);
            case PROCESS_CLICKS -> throw new IllegalStateException("checked above");
        };
    }

    /** The first pet id of a list-pets answer, or null. */
    static String firstPetId(String payload) {
        try {
            Map<String, Object> body = object(Json.parse(String.valueOf(object(Json.parse(payload)).get("body"))));
            if (body.get("items") instanceof List<?> items && !items.isEmpty()
                    && items.get(0) instanceof Map<?, ?> pet && pet.get("petId") instanceof String id) {
                return id;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String unexpected(int expected, int status, Map<String, Object> body) {
        return "expected " + expected + ", got " + status + " " + abbreviate(Json.write(body));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("not an object");
    }

    private static String abbreviate(String s) {
        return s == null ? "(nothing)" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** An API Gateway REST proxy event; {@code groups} null: anonymous, "" a signed-in caller in no group. */
    private static String api(String method, String resource, String path, Map<String, String> pathParameters,
                              Map<String, String> query, String groups, String body) {
        Map<String, Object> requestContext = new LinkedHashMap<>();
        requestContext.put("requestId", "pre-traffic-hook");
        requestContext.put("resourcePath", resource);
        requestContext.put("httpMethod", method);
        if (groups != null) {
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("sub", PROBE_SUB);
            if (!groups.isEmpty()) {
                claims.put("cognito:groups", groups);
            }
            requestContext.put("authorizer", Map.of("claims", claims));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resource", resource);
        event.put("path", path);
        event.put("httpMethod", method);
        event.put("headers", Map.of("X-Correlation-Id", "pre-traffic-hook", "Content-Type", "application/json"));
        event.put("pathParameters", pathParameters.isEmpty() ? null : pathParameters);
        event.put("queryStringParameters", query);
        event.put("requestContext", requestContext);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return Json.write(event);
    }
}
