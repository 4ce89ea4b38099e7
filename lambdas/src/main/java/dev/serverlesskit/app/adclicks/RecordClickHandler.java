package dev.serverlesskit.app.adclicks;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.common.JsonBody;
import dev.serverlesskit.app.common.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The click intake, two routes (both public) served by one function:
 * <ul>
 *   <li>{@code POST /clicks}: body {@code {"campaignId", "adId": [A-Za-z0-9_-]{1,64}, "clickId": optional UUID
 *       (generated when absent), "occurredAt": optional ISO-8601 instant, at most 5 minutes in the future and 6
 *       days in the past (default now)}}; 202 {@code {"clickId"}}.</li>
 *   <li>{@code POST /clicks/batch}: body {@code {"clicks": [1..10 such objects]}}, for trackers and ad servers
 *       that buffer clicks: the whole batch travels as <em>one</em> SQS message {@code {"clicks": [...]}} (see
 *       {@link ClickProcessorHandler}), one request to SQS and one message to receive, deliver and delete instead
 *       of ten; 202 {@code {"clickIds": [...]}} in request order. One invalid click, or a clickId given twice,
 *       rejects the whole batch (400 naming {@code clicks[i]} and the field) and enqueues nothing. If SQS cannot
 *       be reached (after the SDK's retries), 503 {@code {"error", "clickIds"}}: the batch may be sent again with
 *       these clickIds, and a click that did reach the queue is still counted once.</li>
 * </ul>
 * Each click is validated, normalized and enqueued on {@code CLICKS_QUEUE_URL}; counting happens asynchronously in
 * {@link ClickProcessorHandler}, and a client may retry with the same clickId safely (it is counted once).
 */
public class RecordClickHandler extends ApiHandler {
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);
    /**
     * How old a click may be: a day less than clickIds are remembered ({@link Click#DEDUPLICATION_WINDOW}), so a
     * click a client retries with its own occurredAt is refused before its marker expires, never counted twice; and
     * no client can add counter rows for any hour in history.
     */
    static final Duration MAX_AGE = Click.DEDUPLICATION_WINDOW.minusDays(1);
    /** The most clicks one {@code POST /clicks/batch} request may carry. */
    static final int MAX_BATCH = 10;
    static final String BATCH_RESOURCE = "/clicks/batch";
    private static final Set<String> FIELDS = Set.of("campaignId", "adId", "clickId", "occurredAt");
    private static final Set<String> BATCH_FIELDS = Set.of(Click.BATCH_FIELD);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Clock clock;

    public RecordClickHandler() {
        this(AwsClients.sqs(), Env.required("CLICKS_QUEUE_URL"), Clock.systemUTC());
    }

    RecordClickHandler(SqsClient sqs, String queueUrl, Clock clock) {
        super("POST /clicks", Set.of());
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.clock = clock;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        if (BATCH_RESOURCE.equals(request.event().getResource())) {
            return handleBatch(request);
        }
        Click click = normalize(request.jsonBody().allowOnly(FIELDS), clock.instant());
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(Json.write(click.toJson()))
                .build());
        request.metrics().count("ClicksAccepted");
        return ApiResponse.json(202, Map.of("clickId", click.clickId()));
    }

    private ApiResponse handleBatch(ApiRequest request) {
        List<JsonBody> items = request.jsonBody().allowOnly(BATCH_FIELDS)
                .requiredObjects(Click.BATCH_FIELD, MAX_BATCH);
        Instant now = clock.instant();
        List<Click> clicks = new ArrayList<>();
        Map<String, Integer> indexByClickId = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Click click;
            try {
                click = normalize(items.get(i).allowOnly(FIELDS), now);
            } catch (ApiException e) {
                throw ApiException.validation("clicks[" + i + "]: " + e.getMessage());
            }
            Integer first = indexByClickId.putIfAbsent(click.clickId(), i);
            if (first != null) {
                throw ApiException.validation("clicks[" + i + "]: field 'clickId' repeats clicks[" + first + "]'s");
            }
            clicks.add(click);
        }
        List<String> clickIds = clicks.stream().map(Click::clickId).toList();
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .messageBody(Json.write(Map.of(Click.BATCH_FIELD, clicks.stream().map(Click::toJson).toList())))
                    .build());
        } catch (SdkException e) {
            JsonLog.error("click batch not enqueued", Map.of("clicks", clicks.size()), e);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", Map.of("code", "DEPENDENCY_UNAVAILABLE", "message", "the " + clicks.size()
                    + " clicks could not be enqueued; send the batch again with these clickIds"));
            body.put("clickIds", clickIds);
            return ApiResponse.json(503, body);
        }
        request.metrics().count("ClicksAccepted", clicks.size());
        return ApiResponse.json(202, Map.of("clickIds", clickIds));
    }

    /** Validates one click and fills in what the client may leave out (clickId, occurredAt). */
    private static Click normalize(JsonBody body, Instant now) {
        Click parsed = Click.parse(body);
        if (parsed.occurredAt() != null && parsed.occurredAt().isAfter(now.plus(MAX_FUTURE))) {
            throw ApiException.validation("field 'occurredAt' must not be more than 5 minutes in the future");
        }
        if (parsed.occurredAt() != null && parsed.occurredAt().isBefore(now.minus(MAX_AGE))) {
            throw ApiException.validation("field 'occurredAt' must not be more than " + MAX_AGE.toDays()
                    + " days in the past");
        }
        return new Click(parsed.clickId() == null ? UUID.randomUUID().toString() : parsed.clickId(),
                parsed.campaignId(), parsed.adId(), parsed.occurredAt() == null ? now : parsed.occurredAt(), now);
    }
}
