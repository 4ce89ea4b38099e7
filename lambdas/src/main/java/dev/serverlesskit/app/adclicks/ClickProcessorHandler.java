package dev.serverlesskit.app.adclicks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.AppMetrics;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.IdempotencyStore;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.common.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Consumes the clicks queue and keeps hourly per-ad counters in the Clicks table ({@code CLICKS_TABLE}, keys
 * {@code pk}/{@code sk}). Returns partial batch failures: only the messages that failed are retried, and a poison
 * message (unparseable or invalid) is reported on its own until SQS moves it to the DLQ after maxReceiveCount.
 * The batch as a whole never fails.
 *
 * <p>Per click: claim the marker {@code pk=CLICK#<clickId>, sk=MARKER} through {@link IdempotencyStore}
 * (expiresAt 7 days, checked on read); a COMPLETED marker means the click was already counted (duplicate, skipped);
 * then {@code ADD clicks :one} on {@code pk=CAMPAIGN#<campaignId>, sk=HOUR#<yyyy-MM-ddTHH>#AD#<adId>}; then mark the
 * marker COMPLETED. If the counter update fails the marker is deleted and the message reported as failed, so the
 * retry counts it. The same clickId arriving for another campaign or ad is rejected as poison.
 *
 * <p><b>Remaining at-least-once window:</b> without transactions (which dynalite lacks, and which would double the
 * write cost) the counter update and the marker completion are two writes. If the function dies between them
 * (timeout, crash, throttled marker write that is not retried) the marker stays IN_PROGRESS; when the message comes
 * back after the visibility timeout and the marker's {@code inProgressUntil} (2 minutes) has passed, the click is
 * counted a second time. A failed completion write alone does not cause this: the message is then acknowledged and
 * the marker just expires. Keep the queue's visibility timeout above the function timeout so redelivery does not
 * race a still-running invocation.
 */
public class ClickProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final Duration MARKER_TTL = Duration.ofDays(7);
    static final Duration MARKER_IN_PROGRESS = Duration.ofMinutes(2);
    private static final AtomicBoolean COLD_START = new AtomicBoolean(true);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final IdempotencyStore markers;
    private final DynamoPriming priming;

    public ClickProcessorHandler() {
        this(AwsClients.dynamoDb(), Env.required("CLICKS_TABLE"), Clock.systemUTC());
    }

    ClickProcessorHandler(DynamoDbClient dynamoDb, String table, Clock clock) {
        AppMetrics.requireConfiguration();
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.markers = IdempotencyStore.builder(dynamoDb, table)
                .keyAttribute("pk")
                .fixedKeyAttribute("sk", "MARKER")
                .clock(clock)
                .ttl(MARKER_TTL)
                .inProgressTimeout(MARKER_IN_PROGRESS)
                .build();
        this.priming = DynamoPriming.register(dynamoDb, table,
                Map.of("pk", AttributeValue.fromS("PRIMING"), "sk", AttributeValue.fromS("NEVER-EXISTS")),
                () -> Json.write(new Click("00000000-0000-0000-0000-000000000000", "c", "a",
                        java.time.Instant.EPOCH, null).toJson()));
    }

    private enum Result { AGGREGATED, DUPLICATE, REJECTED, RETRY }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        long started = System.nanoTime();
        boolean coldStart = COLD_START.getAndSet(false);
        String requestId = context == null ? null : context.getAwsRequestId();
        JsonLog.setContext(requestId, requestId, coldStart);
        AppMetrics metrics = new AppMetrics();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<Result, Integer> tally = new LinkedHashMap<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            Result result = process(message);
            tally.merge(result, 1, Integer::sum);
            switch (result) {
                case AGGREGATED -> metrics.count("ClicksAggregated");
                case DUPLICATE -> metrics.count("ClicksDuplicate");
                case REJECTED -> metrics.count("ClicksRejected");
                default -> { }
            }
            if (result == Result.REJECTED || result == Result.RETRY) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", records.size());
        tally.forEach((k, v) -> summary.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        summary.put("failed", failures.size());
        summary.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        JsonLog.info("batch processed", summary);
        metrics.publish(context, coldStart);
        JsonLog.clearContext();
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private Result process(SQSEvent.SQSMessage message) {
        String messageId = message.getMessageId();
        Click click;
        try {
            click = Click.parse(Json.parseObject(message.getBody()));
            if (click.clickId() == null || click.occurredAt() == null) {
                throw ApiException.validation("fields 'clickId' and 'occurredAt' are required on the queue");
            }
        } catch (ApiException e) {
            JsonLog.warn("poison click message", Map.of("messageId", String.valueOf(messageId),
                    "reason", e.getMessage()));
            return Result.REJECTED;
        }
        String markerKey = "CLICK#" + click.clickId();
        try {
            IdempotencyStore.Outcome outcome = markers.begin(markerKey,
                    Json.sha256Hex(click.campaignId() + "\n" + click.adId()));
            switch (outcome.kind()) {
                case COMPLETED:
                    return Result.DUPLICATE;
                case IN_PROGRESS:
                    JsonLog.info("click is being processed elsewhere, retry later",
                            Map.of("messageId", messageId, "clickId", click.clickId()));
                    return Result.RETRY;
                case HASH_MISMATCH:
                    JsonLog.warn("clickId reused for another campaign or ad", Map.of("messageId", messageId,
                            "clickId", click.clickId()));
                    return Result.REJECTED;
                case STARTED:
                default:
                    break;
            }
        } catch (SdkException e) {
            JsonLog.error("marker could not be claimed", Map.of("messageId", messageId), e);
            return Result.RETRY;
        }
        try {
            aggregate(click);
        } catch (RuntimeException e) {
            JsonLog.error("counter update failed, click will be retried", Map.of("messageId", messageId), e);
            try {
                markers.release(markerKey);
            } catch (RuntimeException releaseFailure) {
                JsonLog.warn("marker could not be released; it is taken over after inProgressUntil",
                        Map.of("messageId", messageId));
            }
            return Result.RETRY;
        }
        try {
            markers.complete(markerKey);
        } catch (RuntimeException e) {
            // counted already: acknowledging the message is safer than a retry that would count it twice
            JsonLog.error("marker could not be completed", Map.of("messageId", messageId), e);
        }
        return Result.AGGREGATED;
    }

    private void aggregate(Click click) {
        String hour = click.hour();
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + click.campaignId()),
                        "sk", AttributeValue.fromS("HOUR#" + hour + "#AD#" + click.adId())))
                .updateExpression("ADD #clicks :one SET #campaignId = :campaignId, #adId = :adId, #hour = :hour")
                .expressionAttributeNames(Map.of("#clicks", "clicks", "#campaignId", "campaignId",
                        "#adId", "adId", "#hour", "hour"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":campaignId", AttributeValue.fromS(click.campaignId()),
                        ":adId", AttributeValue.fromS(click.adId()),
                        ":hour", AttributeValue.fromS(hour)))
                .build());
    }
}
