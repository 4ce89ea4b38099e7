package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.app.testing.LocalAws;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Expiry and take-over rules, driven by a clock the test moves (dynalite has no TTL: expiry is read-side). */
@ExtendWith(LocalAws.class)
class IdempotencyStoreIT {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private final MovableClock clock = new MovableClock();
    private final IdempotencyStore store = IdempotencyStore.builder(LocalAws.dynamoDb(), LocalAws.env("IDEMPOTENCY_TABLE"))
            .clock(clock).ttl(Duration.ofHours(1)).inProgressTimeout(Duration.ofSeconds(30)).build();

    @Test
    void completedRecordsReplayUntilTheyExpire() {
        String key = "k-" + UUID.randomUUID();
        assertThat(store.begin(key, "h1").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        store.complete(key, 201, "{\"ok\":true}");
        IdempotencyStore.Outcome replay = store.begin(key, "h1");
        assertThat(replay.kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
        assertThat(replay.responseStatus()).isEqualTo(201);
        assertThat(replay.responseBody()).isEqualTo("{\"ok\":true}");
        assertThat(store.begin(key, "h2").kind()).isEqualTo(IdempotencyStore.Kind.HASH_MISMATCH);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(store.begin(key, "h2").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
    }

    @Test
    void anAbandonedClaimIsTakenOverByExactlyOneContender() {
        String key = "k-" + UUID.randomUUID();
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.IN_PROGRESS);
        clock.advance(Duration.ofSeconds(31));
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.IN_PROGRESS);
    }

    @Test
    void releaseLetsARetryRunButNeverDeletesACompletedRecord() {
        String key = "k-" + UUID.randomUUID();
        store.begin(key, "h");
        store.release(key);
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        store.complete(key);
        store.release(key);
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
    }

    @Test
    void completeAllCompletesEveryClaimAcrossBatchWriteRequests() {
        java.util.Map<String, String> claimed = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 30; i++) { // more than one BatchWriteItem request (25 items each)
            String key = "k-" + UUID.randomUUID();
            assertThat(store.begin(key, "h" + i).kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
            claimed.put(key, "h" + i);
        }
        assertThat(store.completeAll(claimed)).isEmpty();
        int i = 0;
        for (String key : claimed.keySet()) {
            assertThat(store.begin(key, "h" + i).kind()).as(key).isEqualTo(IdempotencyStore.Kind.COMPLETED);
            assertThat(store.begin(key, "other").kind()).as(key).isEqualTo(IdempotencyStore.Kind.HASH_MISMATCH);
            i++;
        }
        clock.advance(Duration.ofHours(1).plusSeconds(1)); // completed records expire like complete()'s
        assertThat(store.begin(claimed.keySet().iterator().next(), "h0").kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
    }

    @Test
    void releaseAllLetsEveryClaimRunAgainAcrossBatchWriteRequests() {
        java.util.List<String> claimed = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) { // more than one BatchWriteItem request (25 items each)
            String key = "k-" + UUID.randomUUID();
            assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
            assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.IN_PROGRESS);
            claimed.add(key);
        }
        assertThat(store.releaseAll(claimed)).isEmpty();
        for (String key : claimed) {
            assertThat(store.begin(key, "h").kind()).as(key).isEqualTo(IdempotencyStore.Kind.STARTED);
        }
    }

    @Test
    void worksWithAnotherKeyAttributeAndAFixedSortKey() {
        IdempotencyStore markers = IdempotencyStore.builder(LocalAws.dynamoDb(), LocalAws.env("CLICKS_TABLE"))
                .keyAttribute("pk").fixedKeyAttribute("sk", "MARKER").clock(clock).ttl(Duration.ofDays(7)).build();
        String key = "CLICK#" + UUID.randomUUID();
        assertThat(markers.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        Map<String, AttributeValue> item = LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("CLICKS_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS("MARKER")))).item();
        assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
        assertThat(Long.parseLong(item.get("expiresAt").n()))
                .isEqualTo(clock.instant().plus(Duration.ofDays(7)).getEpochSecond());
        markers.complete(key);
        assertThat(markers.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
    }
}
