package dev.serverlesskit.app.adclicks;

import static dev.serverlesskit.app.adclicks.ClicksValidationTest.message;
import static dev.serverlesskit.app.testing.Responses.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.FaultyDynamoDb;
import dev.serverlesskit.app.testing.LocalAws;
import dev.serverlesskit.app.testing.Requests;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** The click pipeline against ElasticMQ and dynalite. */
@ExtendWith(LocalAws.class)
class ClicksIT {
    static final RecordClickHandler RECORD = new RecordClickHandler();
    static final ClickProcessorHandler PROCESSOR = new ClickProcessorHandler();
    static final CampaignStatsHandler STATS = new CampaignStatsHandler();
    /** The in-progress window the environment gives the processor (infra derives it from the queue's settings). */
    static final Duration IN_PROGRESS = ClickProcessorHandler.inProgressTimeout();

    static String campaign() {
        return "camp-" + UUID.randomUUID();
    }

    static String click(String campaignId, String adId, String clickId, String occurredAt) {
        return "{\"clickId\":\"" + clickId + "\",\"campaignId\":\"" + campaignId + "\",\"adId\":\"" + adId
                + "\",\"occurredAt\":\"" + occurredAt + "\",\"receivedAt\":\"" + occurredAt + "\"}";
    }

    static SQSEvent batch(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    static Map<String, Object> stats(String campaignId) {
        APIGatewayProxyResponseEvent response = STATS.handleRequest(Requests.get("/campaigns/{campaignId}/stats")
                .path("campaignId", campaignId).user("admin-1", "[admins, users]").build(), new FakeContext());
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return json(response);
    }

    static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    @Test
    void aPoisonMessageFailsAloneAndTheRestIsAggregated() {
        String c = campaign();
        SQSBatchResponse response = PROCESSOR.handleRequest(batch(
                message("ok-1", click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:05:00Z")),
                message("poison", "{\"campaignId\":\"" + c + "\",\"adId\":"),
                message("ok-2", click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:59:59Z")),
                message("ok-3", click(c, "ad-2", UUID.randomUUID().toString(), "2026-05-01T11:00:00Z"))),
                new FakeContext());
        assertThat(failed(response)).containsExactly("poison");

        Map<String, Object> stats = stats(c);
        assertThat(stats).containsEntry("campaignId", c).containsEntry("totalClicks", 3)
                .containsEntry("byAd", Map.of("ad-1", 2, "ad-2", 1));
        assertThat(stats.get("byHour")).isEqualTo(List.of(
                Map.of("hour", "2026-05-01T10", "adId", "ad-1", "clicks", 2),
                Map.of("hour", "2026-05-01T11", "adId", "ad-2", "clicks", 1)));
    }

    @Test
    void aBatchMakesOneCounterWritePerAdAndHourAndLeavesNoTokenBehind() {
        String c = campaign();
        List<String> counterKeys = new ArrayList<>();
        DynamoDbClient recording = onCounterUpdate(u -> counterKeys.add(u.key().get("sk").s()));
        ClickProcessorHandler processor = new ClickProcessorHandler(recording, LocalAws.env("CLICKS_TABLE"),
                Clock.systemUTC(), IN_PROGRESS);
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // 20 clicks of ad-1 in one hour, 5 of ad-2 in two hours
            String ad = i < 20 ? "ad-1" : "ad-2";
            String at = i < 23 ? "2026-05-01T10:0" + (i % 10) + ":00Z" : "2026-05-01T11:00:00Z";
            messages.add(message("m-" + i, click(c, ad, UUID.randomUUID().toString(), at)));
        }
        SQSEvent event = batch(messages.toArray(SQSEvent.SQSMessage[]::new));

        assertThat(failed(processor.handleRequest(event, new FakeContext()))).isEmpty();
        assertThat(counterKeys).containsExactly("HOUR#2026-05-01T10#AD#ad-1", "HOUR#2026-05-01T10#AD#ad-2",
                "HOUR#2026-05-01T11#AD#ad-2");
        assertThat(stats(c)).containsEntry("totalClicks", 25).containsEntry("byAd", Map.of("ad-1", 20, "ad-2", 5));
        // every marker completed, so each counter's token is removed again: the items hold only their count
        for (String sk : counterKeys) {
            assertThat(counterItem(c, sk).keySet()).as(sk)
                    .containsExactlyInAnyOrder("pk", "sk", "clicks", "campaignId", "adId", "hour");
        }

        // the same batch redelivered: every marker is complete, nothing is counted again
        counterKeys.clear();
        assertThat(failed(processor.handleRequest(event, new FakeContext()))).isEmpty();
        assertThat(counterKeys).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 25);
    }

    @Test
    void aBatchWritesOneClaimPerClickAndTwoWritesPerCounter() {
        FaultyDynamoDb dynamo = new FaultyDynamoDb();
        AtomicInteger puts = dynamo.count(r -> r instanceof PutItemRequest);
        AtomicInteger updates = dynamo.count(r -> r instanceof UpdateItemRequest);
        AtomicInteger batchWrites = dynamo.count(r -> r instanceof BatchWriteItemRequest);
        ClickProcessorHandler processor = new ClickProcessorHandler(dynamo.client(), LocalAws.env("CLICKS_TABLE"),
                Clock.systemUTC(), IN_PROGRESS);
        // 25 single clicks of 8 ads: 25 claims, 8 counter updates and 8 token removals, 1 BatchWriteItem
        String c = campaign();
        List<SQSEvent.SQSMessage> singles = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            singles.add(message("s-" + i, click(c, "ad-" + i % 8, UUID.randomUUID().toString(),
                    "2026-05-01T10:00:00Z")));
        }
        assertThat(failed(processor.handleRequest(batch(singles.toArray(SQSEvent.SQSMessage[]::new)),
                new FakeContext()))).isEmpty();
        assertThat(List.of(puts.get(), updates.get(), batchWrites.get())).containsExactly(25, 16, 1);

        // a full batch of 25 messages of ten clicks of 8 ads: 250 claims, 16 counter writes, 10 BatchWriteItems
        puts.set(0);
        updates.set(0);
        batchWrites.set(0);
        String d = campaign();
        List<SQSEvent.SQSMessage> batched = new ArrayList<>();
        for (int m = 0; m < 25; m++) {
            String[] clicks = new String[10];
            for (int k = 0; k < 10; k++) {
                clicks[k] = click(d, "ad-" + (m * 10 + k) % 8, UUID.randomUUID().toString(), "2026-05-01T10:00:00Z");
            }
            batched.add(message("b-" + m, clicksMessage(clicks)));
        }
        assertThat(failed(processor.handleRequest(batch(batched.toArray(SQSEvent.SQSMessage[]::new)),
                new FakeContext()))).isEmpty();
        assertThat(List.of(puts.get(), updates.get(), batchWrites.get())).containsExactly(250, 16, 10);
        assertThat(stats(d)).containsEntry("totalClicks", 250);
    }

    static Map<String, AttributeValue> counterItem(String campaignId, String sk) {
        return LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("CLICKS_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaignId), "sk", AttributeValue.fromS(sk)))
                .consistentRead(true)).item();
    }

    @Test
    void closeToItsTimeoutTheProcessorLeavesTheBatchToTheRetryWithoutClaiming() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        String body = click(c, "ad-1", clickId, "2026-05-01T10:00:00Z");
        SQSBatchResponse late = PROCESSOR.handleRequest(batch(message("m-1", body), message("m-2",
                click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"))),
                new FakeContext().remaining(2_000));
        assertThat(failed(late)).containsExactly("m-1", "m-2");
        assertThat(marker(clickId)).isEmpty();

        // the retry, with time to spare, counts it
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext().remaining(9_000))))
                .isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 1);
        assertThat(marker(clickId).get("status").s()).isEqualTo("COMPLETED");
    }

    static Map<String, AttributeValue> marker(String clickId) {
        return LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("CLICKS_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS("CLICK#" + clickId), "sk", AttributeValue.fromS("MARKER")))
                .consistentRead(true)).item();
    }

    @Test
    void aRedeliveredClickIsCountedOnce() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        String body = click(c, "ad-1", clickId, "2026-05-01T10:00:00Z");
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        // redelivered later, and duplicated inside one batch
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-2", body), message("m-3", body)),
                new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 1);
    }

    @Test
    void aClickIdReusedForAnotherAdIsRejected() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        PROCESSOR.handleRequest(batch(message("m-1", click(c, "ad-1", clickId, "2026-05-01T10:00:00Z"))),
                new FakeContext());
        SQSBatchResponse response = PROCESSOR.handleRequest(batch(
                message("m-2", click(c, "ad-2", clickId, "2026-05-01T10:00:00Z"))), new FakeContext());
        assertThat(failed(response)).containsExactly("m-2");
        assertThat(stats(c)).containsEntry("totalClicks", 1);
    }

    @Test
    void aThrottledCounterUpdateIsFencedAndReleasesTheMarkerSoTheRetryCounts() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        DynamoDbClient failingCounters = onCounterUpdate(u -> {
            throw ProvisionedThroughputExceededException.builder().message("throttled").build();
        });
        ClickProcessorHandler flaky = new ClickProcessorHandler(failingCounters, LocalAws.env("CLICKS_TABLE"),
                Clock.systemUTC(), IN_PROGRESS);
        String body = click(c, "ad-1", clickId, "2026-05-01T10:00:00Z");
        assertThat(failed(flaky.handleRequest(batch(message("m-1", body)), new FakeContext()))).containsExactly("m-1");
        // the update's outcome was settled (its token fenced: it can never apply), so the claim is given up at once
        assertThat(marker(clickId).get("status").s()).isEqualTo("RELEASED");

        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 1);
    }

    @Test
    void aBatchPostIsEnqueuedAndCountedLikeSingleClicks() {
        String c = campaign();
        String given = UUID.randomUUID().toString();
        StringBuilder body = new StringBuilder("{\"clicks\":[");
        for (int i = 0; i < 10; i++) {
            body.append(i == 0 ? "" : ",").append("{\"campaignId\":\"").append(c).append("\",\"adId\":\"ad-")
                    .append(i % 3).append('"').append(i == 0 ? ",\"clickId\":\"" + given + "\"" : "").append('}');
        }
        body.append("]}");
        APIGatewayProxyResponseEvent accepted = RECORD.handleRequest(
                Requests.post(RecordClickHandler.BATCH_RESOURCE).body(body.toString()).build(), new FakeContext());
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        List<?> clickIds = (List<?>) json(accepted).get("clickIds");
        assertThat(clickIds).hasSize(10).doesNotHaveDuplicates().first().isEqualTo(given);

        Set<Object> counted = drainAndProcess(c, 10);
        assertThat(counted).containsExactlyInAnyOrderElementsOf(clickIds);
        assertThat(stats(c)).containsEntry("totalClicks", 10)
                .containsEntry("byAd", Map.of("ad-0", 4, "ad-1", 3, "ad-2", 3));
    }

    static String clicksMessage(String... clicks) {
        return "{\"clicks\":[" + String.join(",", clicks) + "]}";
    }

    @Test
    void aClickIdTwiceInOneBatchIsClaimedOnceAndCountedOnce() {
        String c = campaign();
        String twice = UUID.randomUUID().toString();
        String body = click(c, "ad-1", twice, "2026-05-01T10:00:00Z");
        SQSBatchResponse response = PROCESSOR.handleRequest(batch(
                message("m-1", clicksMessage(body, click(c, "ad-1", UUID.randomUUID().toString(),
                        "2026-05-01T10:01:00Z"), body)),
                message("m-2", body)), new FakeContext());
        assertThat(failed(response)).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 2);
        assertThat(marker(twice).get("status").s()).isEqualTo("COMPLETED");
    }

    @Test
    void aFailedCounterUpdateInAMessageOfManyClicksRetriesTheMessageAndCountsOnlyWhatWasMissing() {
        String c = campaign();
        DynamoDbClient failingAd2 = onCounterUpdate(u -> {
            if (u.key().get("sk").s().endsWith("#AD#ad-2")) {
                throw ProvisionedThroughputExceededException.builder().message("throttled").build();
            }
        });
        ClickProcessorHandler flaky = new ClickProcessorHandler(failingAd2, LocalAws.env("CLICKS_TABLE"),
                Clock.systemUTC(), IN_PROGRESS);
        String body = clicksMessage(click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"),
                click(c, "ad-2", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"),
                click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"));
        assertThat(failed(flaky.handleRequest(batch(message("m-1", body)), new FakeContext()))).containsExactly("m-1");
        assertThat(stats(c)).containsEntry("totalClicks", 2).containsEntry("byAd", Map.of("ad-1", 2));

        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 3).containsEntry("byAd", Map.of("ad-1", 2, "ad-2", 1));
    }

    @Test
    void runningLateInsideAMessageOfManyClicksLeavesItsOtherClicksAndTheNextMessagesToTheRetry() {
        String c = campaign();
        String first = click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z");
        String message1 = clicksMessage(first, click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"),
                click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"));
        String message2 = click(c, "ad-2", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z");
        // reads: message 1 (in time), then 1 s left: message 2 is not started and message 1's clicks are not
        // claimed (each claim reads the time before it starts), so all of it waits for the retry
        SQSBatchResponse late = PROCESSOR.handleRequest(batch(message("m-1", message1), message("m-2", message2)),
                new FakeContext().runningLateAfter(1, 1_000));
        assertThat(failed(late)).containsExactly("m-1", "m-2");
        assertThat(marker(first)).as("not claimed").isEmpty();

        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", message1), message("m-2", message2)),
                new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 4).containsEntry("byAd", Map.of("ad-1", 3, "ad-2", 1));
    }

    @Test
    void outOfTimeBeforeTheCountersTheClaimsAreReleasedAndTheRetryCountsEveryClick() {
        String c = campaign();
        String first = UUID.randomUUID().toString();
        String body = clicksMessage(click(c, "ad-1", first, "2026-05-01T10:00:00Z"),
                click(c, "ad-2", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"));
        // reads: the message, its two clicks (in time), then 0.4 s left before the first counter update
        SQSBatchResponse late = PROCESSOR.handleRequest(batch(message("m-1", body)),
                new FakeContext().runningLateAfter(3, 400));
        assertThat(failed(late)).containsExactly("m-1");
        assertThat(marker(first).get("status").s()).as("claim released").isEqualTo("RELEASED");
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 2).containsEntry("byAd", Map.of("ad-1", 1, "ad-2", 1));
    }

    @Test
    void markersABatchWriteLeavesAreCompletedOneByOne() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        DynamoDbClient failingBatchWrites = before("batchWriteItem", request -> {
            throw ProvisionedThroughputExceededException.builder().message("throttled").build();
        });
        ClickProcessorHandler processor = new ClickProcessorHandler(failingBatchWrites, LocalAws.env("CLICKS_TABLE"),
                Clock.systemUTC(), IN_PROGRESS);
        String body = clicksMessage(click(c, "ad-1", clickId, "2026-05-01T10:00:00Z"),
                click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:00:00Z"));
        assertThat(failed(processor.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(marker(clickId).get("status").s()).isEqualTo("COMPLETED");
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 2);
    }

    /**
     * The real local DynamoDB client, with {@code action} run before each counter update that adds clicks (it may
     * throw; a token's fence or removal is left alone).
     */
    private static DynamoDbClient onCounterUpdate(java.util.function.Consumer<UpdateItemRequest> action) {
        return before("updateItem", request -> {
            if (request instanceof UpdateItemRequest u && u.key().get("pk").s().startsWith("CAMPAIGN#")
                    && u.updateExpression().startsWith("ADD ")) {
                action.accept(u);
            }
        });
    }

    /** The real local DynamoDB client, with {@code action} run on the request before each {@code method} call. */
    private static DynamoDbClient before(String method, java.util.function.Consumer<Object> action) {
        DynamoDbClient real = LocalAws.dynamoDb();
        return (DynamoDbClient) Proxy.newProxyInstance(ClicksIT.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, called, args) -> {
                    if (called.getName().equals(method) && args != null && args.length == 1) {
                        action.accept(args[0]);
                    }
                    try {
                        return called.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Receives the queue's messages of campaign {@code c} (until {@code expected}), processes and deletes them. */
    private static Set<Object> drainAndProcess(String c, int expected) {
        String queueUrl = LocalAws.env("CLICKS_QUEUE_URL");
        Set<Object> seen = new HashSet<>();
        for (int round = 0; round < 20 && seen.size() < expected; round++) {
            ReceiveMessageResponse received = LocalAws.sqs().receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1));
            List<SQSEvent.SQSMessage> records = new ArrayList<>();
            received.messages().forEach(m -> records.add(message(m.messageId(), m.body())));
            if (records.isEmpty()) {
                continue;
            }
            List<String> failures = failed(PROCESSOR.handleRequest(batch(records.toArray(SQSEvent.SQSMessage[]::new)),
                    new FakeContext()));
            for (Message m : received.messages()) {
                if (!failures.contains(m.messageId())) {
                    LocalAws.sqs().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    if (m.body().contains(c)) {
                        clicksOf(m.body()).forEach(click -> seen.add(click.get("clickId")));
                    }
                }
            }
        }
        return seen;
    }

    /** The clicks of a queue message: its "clicks" array, or the message itself. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> clicksOf(String body) {
        Map<String, Object> message = parse(body);
        return message.containsKey("clicks") ? (List<Map<String, Object>>) message.get("clicks") : List.of(message);
    }

    @Test
    void aMessageOfManyClicksIsCountedOnceAndAnInvalidClickSendsItToTheRetryAlone() {
        String c = campaign();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String valid = "{\"clicks\":[" + click(c, "ad-1", first, "2026-05-01T10:00:00Z") + ","
                + click(c, "ad-2", second, "2026-05-01T10:01:00Z") + "]}";
        // the same two clicks again, next to a click without a clickId (only RecordClick's own bug could send it)
        String withInvalid = "{\"clicks\":[" + click(c, "ad-1", first, "2026-05-01T10:00:00Z") + ","
                + "{\"campaignId\":\"" + c + "\",\"adId\":\"ad-3\",\"occurredAt\":\"2026-05-01T10:02:00Z\"},"
                + click(c, "ad-1", UUID.randomUUID().toString(), "2026-05-01T10:03:00Z") + "]}";
        SQSBatchResponse response = PROCESSOR.handleRequest(batch(message("m-1", valid),
                message("m-2", click(c, "ad-2", UUID.randomUUID().toString(), "2026-05-01T10:04:00Z"))),
                new FakeContext());
        assertThat(failed(response)).isEmpty();
        assertThat(stats(c)).containsEntry("totalClicks", 3).containsEntry("byAd", Map.of("ad-1", 1, "ad-2", 2));

        // the invalid click fails its message; its valid new click is counted, the duplicate is not
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-3", withInvalid)), new FakeContext())))
                .containsExactly("m-3");
        assertThat(stats(c)).containsEntry("totalClicks", 4).containsEntry("byAd", Map.of("ad-1", 2, "ad-2", 2));
        // every redelivery (until the DLQ takes it) fails again and counts nothing more; so does m-1's
        assertThat(failed(PROCESSOR.handleRequest(batch(message("m-3", withInvalid), message("m-1", valid)),
                new FakeContext()))).containsExactly("m-3");
        assertThat(stats(c)).containsEntry("totalClicks", 4);
    }

    @Test
    void endToEndThroughTheQueue() {
        String c = campaign();
        List<String> clickIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String body = "{\"campaignId\":\"" + c + "\",\"adId\":\"ad-" + (i % 2) + "\"}";
            APIGatewayProxyResponseEvent accepted = RECORD.handleRequest(Requests.post("/clicks").body(body).build(),
                    new FakeContext());
            assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
            clickIds.add((String) json(accepted).get("clickId"));
        }
        // a client retry of the first click with its id: accepted again, counted once
        String retry = "{\"campaignId\":\"" + c + "\",\"adId\":\"ad-0\",\"clickId\":\"" + clickIds.get(0) + "\"}";
        assertThat(RECORD.handleRequest(Requests.post("/clicks").body(retry).build(), new FakeContext())
                .getStatusCode()).isEqualTo(202);
        assertThat(new HashSet<>(clickIds)).hasSize(5);

        String queueUrl = LocalAws.env("CLICKS_QUEUE_URL");
        Set<String> seenClickIds = new HashSet<>();
        int processed = 0;
        for (int round = 0; round < 20 && processed < 6; round++) {
            ReceiveMessageResponse received = LocalAws.sqs().receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1));
            if (received.messages().isEmpty()) {
                continue;
            }
            List<SQSEvent.SQSMessage> records = new ArrayList<>();
            for (Message m : received.messages()) {
                SQSEvent.SQSMessage record = message(m.messageId(), m.body());
                records.add(record);
                if (m.body().contains(c)) {
                    processed++;
                }
            }
            SQSBatchResponse response = PROCESSOR.handleRequest(batch(records.toArray(SQSEvent.SQSMessage[]::new)),
                    new FakeContext());
            List<String> failures = failed(response);
            for (Message m : received.messages()) {
                if (!failures.contains(m.messageId())) {
                    LocalAws.sqs().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    if (m.body().contains(c)) {
                        seenClickIds.add(parse(m.body()).get("clickId").toString());
                    }
                }
            }
        }
        assertThat(processed).isEqualTo(6);
        assertThat(seenClickIds).containsExactlyInAnyOrderElementsOf(clickIds);
        Map<String, Object> stats = stats(c);
        assertThat(stats).containsEntry("totalClicks", 5).containsEntry("byAd", Map.of("ad-0", 3, "ad-1", 2));
    }

    static Map<String, Object> parse(String body) {
        try {
            return com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
