package dev.serverlesskit.app.adclicks;

import dev.serverlesskit.app.common.JsonLog;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The hourly per-ad counters of the Clicks table ({@code pk=CAMPAIGN#<campaignId>, sk=HOUR#<hour>#AD#<adId>},
 * attribute {@code clicks}), each update made under the token of the invocation that makes it, so that whether it
 * took effect can always be settled, by that invocation or by whoever takes over its clicks later.
 *
 * <p>An invocation's update of a counter is {@code ADD clicks :n SET t_<token> = <epoch millis>}, conditioned on
 * {@code attribute_not_exists(t_<token>)}: a token applies at most once per counter. The update is sent once (the
 * SDK's own retries are off for it): a second copy of it could otherwise land after the token was removed and count
 * the clicks again. An update whose outcome is unknown (timeout, throttling, 5xx) is settled with {@link #settle},
 * which is safe to retry. Once every click an applied token counted is marked counted, the token is removed
 * ({@link #removeToken}), so counters stay small.
 */
final class ClickCounters {
    /** What became of a token's update of a counter. */
    enum Outcome {
        /** Applied: its clicks are counted. */
        APPLIED,
        /** Not applied, and fenced: it never will be. */
        NOT_APPLIED,
        /** Could not be settled (DynamoDB kept failing): it may still be applied, until someone settles it. */
        UNKNOWN
    }

    /** The value that fences a token: its update can no longer apply. */
    static final String ABORTED = "aborted";
    private static final int SETTLE_ATTEMPTS = 3;
    /** One HTTP attempt for the counter update itself (see the class comment). */
    private static final SdkPlugin SINGLE_ATTEMPT = config -> config.overrideConfiguration(
            o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));

    private final DynamoDbClient dynamoDb;
    private final String table;

    ClickCounters(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The counter's attribute that records {@code token}'s update: top level, so no map has to exist first. */
    static String tokenAttribute(String token) {
        return "t_" + token;
    }

    static Map<String, AttributeValue> key(String campaignId, String hour, String adId) {
        return Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaignId),
                "sk", AttributeValue.fromS("HOUR#" + hour + "#AD#" + adId));
    }

    /**
     * Adds {@code clicks} to the counter under {@code token}, once: the update, and when its outcome is unknown,
     * {@link #settle}.
     */
    Outcome add(String token, String campaignId, String hour, String adId, int clicks, long nowMillis) {
        Map<String, AttributeValue> key = key(campaignId, hour, adId);
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("ADD #clicks :n SET #campaignId = :campaignId, #adId = :adId, #hour = :hour,"
                            + " #tok = :now")
                    .conditionExpression("attribute_not_exists(#tok)")
                    .expressionAttributeNames(Map.of("#clicks", "clicks", "#campaignId", "campaignId",
                            "#adId", "adId", "#hour", "hour", "#tok", tokenAttribute(token)))
                    .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(clicks)),
                            ":campaignId", AttributeValue.fromS(campaignId),
                            ":adId", AttributeValue.fromS(adId),
                            ":hour", AttributeValue.fromS(hour),
                            ":now", AttributeValue.fromN(Long.toString(nowMillis))))
                    .overrideConfiguration(o -> o.addPlugin(SINGLE_ATTEMPT))
                    .build());
            return Outcome.APPLIED;
        } catch (ConditionalCheckFailedException e) {
            // the token is there already: fenced by someone who took these clicks over (this invocation ran past
            // their claims' inProgressUntil), or applied
            Outcome seen = read(key, token);
            return seen == null ? Outcome.UNKNOWN : seen;
        } catch (RuntimeException e) {
            JsonLog.warn("counter update failed: settling whether it was applied", Map.of("clicks", clicks,
                    "error", String.valueOf(e.getMessage())));
            try {
                return settle(token, key);
            } catch (RuntimeException unsettled) {
                return Outcome.UNKNOWN;
            }
        }
    }

    /**
     * Settles {@code token}'s update of the counter for good: fences the token ({@code SET t_<token> = "aborted"}
     * if absent), so an update still in flight can never apply, or finds it applied. Safe to retry, and what
     * another invocation does before it takes over an abandoned claim of {@code token}'s.
     *
     * @return APPLIED or NOT_APPLIED
     * @throws RuntimeException when DynamoDB fails, or the token keeps disappearing (removed after its clicks were
     *         marked counted, which a claim still in progress rules out)
     */
    Outcome settle(String token, String campaignId, String hour, String adId) {
        return settle(token, key(campaignId, hour, adId));
    }

    private Outcome settle(String token, Map<String, AttributeValue> key) {
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
            try {
                dynamoDb.updateItem(UpdateItemRequest.builder()
                        .tableName(table)
                        .key(key)
                        .updateExpression("SET #tok = :aborted")
                        .conditionExpression("attribute_not_exists(#tok)")
                        .expressionAttributeNames(Map.of("#tok", tokenAttribute(token)))
                        .expressionAttributeValues(Map.of(":aborted", AttributeValue.fromS(ABORTED)))
                        .build());
                return Outcome.NOT_APPLIED;
            } catch (ConditionalCheckFailedException e) {
                Outcome seen = read(key, token);
                if (seen != null) {
                    return seen;
                }
            }
        }
        throw new IllegalStateException("token " + token + " could not be settled on " + key.get("sk").s());
    }

    /** The token's state on the counter: APPLIED (a number), NOT_APPLIED (aborted), or null when absent. */
    private Outcome read(Map<String, AttributeValue> key, String token) {
        String attribute = tokenAttribute(token);
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder()
                .tableName(table)
                .key(key)
                .consistentRead(true)
                .projectionExpression("#tok")
                .expressionAttributeNames(Map.of("#tok", attribute))
                .build()).item();
        AttributeValue value = item == null ? null : item.get(attribute);
        if (value == null) {
            return null;
        }
        if (value.n() != null) {
            return Outcome.APPLIED;
        }
        if (ABORTED.equals(value.s())) {
            return Outcome.NOT_APPLIED;
        }
        throw new IllegalStateException("unexpected value of " + attribute + " on " + key.get("sk").s());
    }

    /**
     * Removes an applied token once every click it counted is marked counted: nothing can need it any more (no claim
     * of its clicks is left in progress to be taken over, and its update was sent once).
     */
    void removeToken(String token, String campaignId, String hour, String adId) {
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(key(campaignId, hour, adId))
                .updateExpression("REMOVE #tok")
                .expressionAttributeNames(Map.of("#tok", tokenAttribute(token)))
                .build());
    }
}
