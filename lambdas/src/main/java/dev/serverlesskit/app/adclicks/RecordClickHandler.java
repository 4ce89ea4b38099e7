package dev.serverlesskit.app.adclicks;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@code POST /clicks} (public): body {@code {"campaignId", "adId": [A-Za-z0-9_-]{1,64}, "clickId": optional UUID
 * (generated when absent), "occurredAt": optional ISO-8601 instant, at most 5 minutes in the future (default
 * now)}}. Validates, normalizes and enqueues the click on {@code CLICKS_QUEUE_URL}; 202 {@code {"clickId"}}.
 * Counting happens asynchronously in {@link ClickProcessorHandler}; a client may retry with the same clickId
 * safely (it is counted once).
 */
public class RecordClickHandler extends ApiHandler {
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);
    private static final Set<String> FIELDS = Set.of("campaignId", "adId", "clickId", "occurredAt");

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
        Click parsed = Click.parse(request.jsonBody().allowOnly(FIELDS));
        Instant now = clock.instant();
        if (parsed.occurredAt() != null && parsed.occurredAt().isAfter(now.plus(MAX_FUTURE))) {
            throw ApiException.validation("field 'occurredAt' must not be more than 5 minutes in the future");
        }
        Click click = new Click(parsed.clickId() == null ? UUID.randomUUID().toString() : parsed.clickId(),
                parsed.campaignId(), parsed.adId(), parsed.occurredAt() == null ? now : parsed.occurredAt(), now);
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(Json.write(click.toJson()))
                .build());
        request.metrics().count("ClicksAccepted");
        return ApiResponse.json(202, Map.of("clickId", click.clickId()));
    }
}
