package dev.serverlesskit.app.adclicks;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.JsonBody;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A normalized ad click: {@link #toJson()} is {@code {"clickId","campaignId","adId","occurredAt","receivedAt"}}
 * (occurredAt/receivedAt ISO-8601 UTC). A message on the clicks queue holds one click as that object, or several
 * as {@code {"clicks": [...]}} ({@link #BATCH_FIELD}, what {@code POST /clicks/batch} sends).
 */
record Click(String clickId, String campaignId, String adId, Instant occurredAt, Instant receivedAt) {
    static final String BATCH_FIELD = "clicks";
    /**
     * The most clicks one queue message may hold: more than {@code POST /clicks/batch} sends
     * ({@link RecordClickHandler#MAX_BATCH}), so that a later intake may batch more.
     */
    static final int MAX_PER_MESSAGE = 100;
    /**
     * How long a counted clickId is remembered (the processor's markers): a click sent again within it is not
     * counted twice. Here, not in ClickProcessorHandler, because the intake's jar does not hold the processor.
     */
    static final Duration DEDUPLICATION_WINDOW = Duration.ofDays(7);
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String ID_RULE = "1..64 characters of letters, digits, '-' or '_'";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Fields common to the API body and the queue message; missing clickId/occurredAt are left null. */
    static Click parse(JsonBody body) {
        String campaignId = body.requiredMatching("campaignId", ID, ID_RULE);
        String adId = body.requiredMatching("adId", ID, ID_RULE);
        String clickId = body.optionalMatching("clickId", UUID, "a UUID");
        String occurredAt = body.optionalString("occurredAt", 64);
        return new Click(clickId == null ? null : clickId.toLowerCase(Locale.ROOT), campaignId, adId,
                occurredAt == null ? null : instant(occurredAt), null);
    }

    /** The click objects of a queue message: its {@code clicks} array, or the message itself. */
    static List<JsonBody> messageItems(JsonBody message) {
        return message.asMap().containsKey(BATCH_FIELD) ? message.requiredObjects(BATCH_FIELD, MAX_PER_MESSAGE)
                : List.of(message);
    }

    static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiException.validation("field 'occurredAt' must be an ISO-8601 instant, e.g. "
                        + "2026-01-01T12:00:00Z");
            }
        }
    }

    /** {@code yyyy-MM-ddTHH} in UTC: the aggregation bucket. */
    String hour() {
        return HOUR.format(occurredAt);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clickId", clickId);
        json.put("campaignId", campaignId);
        json.put("adId", adId);
        json.put("occurredAt", occurredAt.truncatedTo(ChronoUnit.MILLIS).toString());
        if (receivedAt != null) {
            json.put("receivedAt", receivedAt.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        return json;
    }
}
