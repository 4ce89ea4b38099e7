package dev.serverlesskit.app.adclicks;

import static dev.serverlesskit.app.testing.Responses.errorCode;
import static dev.serverlesskit.app.testing.Responses.errorMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.Requests;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClicksValidationTest {
    private static final RecordClickHandler RECORD = new RecordClickHandler();
    private static final CampaignStatsHandler STATS = new CampaignStatsHandler();

    static Stream<Arguments> badClicks() {
        String future = Instant.now().plusSeconds(600).toString();
        String old = Instant.now().minus(java.time.Duration.ofDays(6)).minusSeconds(60).toString();
        return Stream.of(
                Arguments.of("{\"adId\":\"ad-1\"}", "campaignId"),
                Arguments.of("{\"campaignId\":\"\",\"adId\":\"ad-1\"}", "campaignId"),
                Arguments.of("{\"campaignId\":\"summer sale\",\"adId\":\"ad-1\"}", "campaignId"),
                Arguments.of("{\"campaignId\":\"" + "c".repeat(65) + "\",\"adId\":\"ad-1\"}", "campaignId"),
                Arguments.of("{\"campaignId\":7,\"adId\":\"ad-1\"}", "campaignId"),
                Arguments.of("{\"campaignId\":\"c-1\"}", "adId"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad/1\"}", "adId"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"clickId\":\"not-a-uuid\"}", "clickId"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"occurredAt\":\"yesterday\"}", "occurredAt"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"occurredAt\":1700000000}", "occurredAt"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"occurredAt\":\"" + future + "\"}",
                        "occurredAt"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"occurredAt\":\"" + old + "\"}",
                        "occurredAt"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"occurredAt\":\"-999999999-01-01T00:00:00Z\"}",
                        "occurredAt"),
                Arguments.of("{\"campaignId\":\"c-1\",\"adId\":\"ad-1\",\"cost\":3}", "cost"));
    }

    @ParameterizedTest
    @MethodSource("badClicks")
    void recordClickRejectsBadBodiesNamingTheField(String body, String field) {
        APIGatewayProxyResponseEvent response = RECORD.handleRequest(Requests.post("/clicks").body(body).build(),
                new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(response)).contains(field);
    }

    @Test
    void recordClickMalformedJson() {
        APIGatewayProxyResponseEvent response = RECORD.handleRequest(Requests.post("/clicks").body("{oops").build(),
                new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("INVALID_JSON");
    }

    private static final String SAME_CLICK = "0f8fad5b-d9cb-469f-a165-70867728950e";

    static Stream<Arguments> badBatches() {
        String ok = "{\"campaignId\":\"c-1\",\"adId\":\"ad-1\"}";
        return Stream.of(
                Arguments.of("{}", "'clicks' is required"),
                Arguments.of("{\"clicks\":{}}", "'clicks' must be an array of objects"),
                Arguments.of("{\"clicks\":[]}", "'clicks' must hold 1..10 items, not 0"),
                Arguments.of("{\"clicks\":[" + String.join(",", java.util.Collections.nCopies(11, ok)) + "]}",
                        "'clicks' must hold 1..10 items, not 11"),
                Arguments.of("{\"clicks\":[" + ok + ",7]}", "'clicks[1]' must be an object"),
                Arguments.of("{\"clicks\":[" + ok + "," + ok + ",{\"campaignId\":\"c-1\",\"adId\":\"ad/2\"}]}",
                        "clicks[2]: field 'adId'"),
                Arguments.of("{\"clicks\":[{\"campaignId\":\"c-1\",\"adId\":\"a\",\"cost\":1}]}",
                        "clicks[0]: field 'cost' is not allowed"),
                Arguments.of("{\"clicks\":[" + ok + "],\"extra\":1}", "field 'extra' is not allowed"),
                Arguments.of("{\"clicks\":[{\"campaignId\":\"c-1\",\"adId\":\"a\",\"clickId\":\"" + SAME_CLICK
                        + "\"}," + ok + ",{\"campaignId\":\"c-1\",\"adId\":\"b\",\"clickId\":\""
                        + SAME_CLICK.toUpperCase(java.util.Locale.ROOT) + "\"}]}",
                        "clicks[2]: field 'clickId' repeats clicks[0]'s"));
    }

    @ParameterizedTest
    @MethodSource("badBatches")
    void aBatchWithOneBadClickIsRejectedWholeNamingTheClickAndField(String body, String message) {
        List<String> sent = new java.util.ArrayList<>();
        RecordClickHandler handler = new RecordClickHandler(FakeSqs.recording(sent), "queue", java.time.Clock.systemUTC());
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                Requests.post(RecordClickHandler.BATCH_RESOURCE).body(body).build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(response)).contains(message);
        assertThat(sent).as("nothing enqueued").isEmpty();
    }

    @Test
    void aBatchTravelsAsOneMessageHoldingEveryClickInRequestOrder() {
        List<String> sent = new java.util.ArrayList<>();
        String clickId = java.util.UUID.randomUUID().toString();
        APIGatewayProxyResponseEvent response = postThreeClicks(FakeSqs.recording(sent), clickId);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        List<?> clickIds = (List<?>) dev.serverlesskit.app.testing.Responses.json(response).get("clickIds");
        assertThat(clickIds).hasSize(3).first().isEqualTo(clickId);
        assertThat(sent).hasSize(1);
        List<dev.serverlesskit.app.common.JsonBody> items = Click.messageItems(
                dev.serverlesskit.app.common.Json.parseObject(sent.get(0)));
        assertThat(items).extracting(item -> Click.parse(item).clickId()).containsExactlyElementsOf(
                clickIds.stream().map(String::valueOf).toList());
        assertThat(items).extracting(item -> Click.parse(item).adId()).containsExactly("a", "b", "a");
    }

    @Test
    void aBatchSqsCannotTakeAnswers503WithEveryClickIdToRetryWith() {
        List<String> sent = new java.util.ArrayList<>();
        String clickId = java.util.UUID.randomUUID().toString();
        APIGatewayProxyResponseEvent response = postThreeClicks(FakeSqs.unreachable(sent), clickId);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(errorCode(response)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        List<?> clickIds = (List<?>) dev.serverlesskit.app.testing.Responses.json(response).get("clickIds");
        assertThat(clickIds).hasSize(3).first().isEqualTo(clickId);
        assertThat(sent).hasSize(1);
    }

    /** POST /clicks/batch of three clicks (ads a, b, a), the first with {@code firstClickId}, through {@code sqs}. */
    private static APIGatewayProxyResponseEvent postThreeClicks(software.amazon.awssdk.services.sqs.SqsClient sqs,
                                                                String firstClickId) {
        RecordClickHandler handler = new RecordClickHandler(sqs, "queue", java.time.Clock.systemUTC());
        String body = "{\"clicks\":[{\"campaignId\":\"c-1\",\"adId\":\"a\",\"clickId\":\"" + firstClickId
                + "\"},{\"campaignId\":\"c-1\",\"adId\":\"b\"},{\"campaignId\":\"c-2\",\"adId\":\"a\"}]}";
        return handler.handleRequest(Requests.post(RecordClickHandler.BATCH_RESOURCE).body(body).build(),
                new FakeContext());
    }

    static String batchOf(int n) {
        return "{\"clicks\":[" + String.join(",", java.util.Collections.nCopies(n,
                "{\"campaignId\":\"c-1\",\"adId\":\"ad-1\"}")) + "]}";
    }

    @Test
    void offsetsAreNormalizedToUtcHours() {
        assertThat(Click.instant("2026-03-01T10:15:00+02:00")).isEqualTo(Instant.parse("2026-03-01T08:15:00Z"));
        Click click = new Click("x", "c", "a", Instant.parse("2026-03-01T23:59:59.999Z"), null);
        assertThat(click.hour()).isEqualTo("2026-03-01T23");
    }

    @Test
    void statsNeedAnAdminAndAValidCampaignId() {
        APIGatewayProxyResponseEvent anonymous = STATS.handleRequest(Requests.get("/campaigns/{campaignId}/stats")
                .path("campaignId", "c-1").build(), new FakeContext());
        assertThat(anonymous.getStatusCode()).isEqualTo(401);
        APIGatewayProxyResponseEvent user = STATS.handleRequest(Requests.get("/campaigns/{campaignId}/stats")
                .path("campaignId", "c-1").user("u-1", "users").build(), new FakeContext());
        assertThat(user.getStatusCode()).isEqualTo(403);
        APIGatewayProxyResponseEvent bad = STATS.handleRequest(Requests.get("/campaigns/{campaignId}/stats")
                .path("campaignId", "c 1").admin("a-1").build(), new FakeContext());
        assertThat(bad.getStatusCode()).isEqualTo(400);
        assertThat(errorMessage(bad)).contains("campaignId");
    }

    @Test
    void poisonMessagesAreReportedOneByOneAndNeverFailTheBatch() {
        ClickProcessorHandler processor = new ClickProcessorHandler();
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message("m-1", "not json"), message("m-2", "{\"campaignId\":\"c\"}"),
                message("m-3", "[]"), message("m-4", null),
                message("m-5", "{\"campaignId\":\"c\",\"adId\":\"a\",\"clickId\":\"nope\",\"occurredAt\":\"x\"}"),
                message("m-6", "{\"clicks\":[]}"), message("m-7", "{\"clicks\":[7]}"),
                message("m-8", "{\"clicks\":[{\"campaignId\":\"c\"}]}")));
        SQSBatchResponse response = processor.handleRequest(event, new FakeContext());
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7", "m-8");
        assertThat(processor.handleRequest(new SQSEvent(), new FakeContext()).getBatchItemFailures()).isEmpty();
    }

    static SQSEvent.SQSMessage message(String id, String body) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        return m;
    }
}
