package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.app.testing.FaultyDynamoDb;
import dev.serverlesskit.app.testing.FaultyDynamoDb.Fault;
import dev.serverlesskit.app.testing.LocalAws;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Expiry, ownership and take-over rules, driven by a clock the test moves (dynalite has no TTL: expiry is read-side),
 * and under lost responses and delayed writes.
 */
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
    void releaseLetsARetryRunButOnlyTheOwnerReleasesAndNeverACompletedRecord() {
        String key = "k-" + UUID.randomUUID();
        assertThat(store.begin(key, "h", IdempotencyStore.Claim.by("owner-1")).kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(store.release(key, "owner-2")).as("not owner-2's claim").isFalse();
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.IN_PROGRESS);
        assertThat(store.release(key, "owner-1")).isTrue();
        assertThat(record(key).get("status").s()).as("marked, not deleted").isEqualTo("RELEASED");
        // a released record is claimed again at once, by any request (as if it had never been claimed)
        assertThat(store.begin(key, "other-hash", IdempotencyStore.Claim.by("owner-3")).kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(store.release(key, "owner-1")).as("owner-1's claim is gone").isFalse();
        store.complete(key);
        assertThat(store.release(key, "owner-3")).isFalse();
        assertThat(store.begin(key, "other-hash").kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
    }

    @Test
    void aClaimWhosePutTookEffectUnseenRecognisesItsOwnRecord() {
        // the SDK retries a put whose response was lost: the retry fails its condition on the claim's own record
        FaultyDynamoDb faults = new FaultyDynamoDb().on(FaultyDynamoDb.put(p -> true), Fault.APPLIED_THEN_500, 1);
        AtomicInteger puts = faults.count(FaultyDynamoDb.put(p -> true));
        IdempotencyStore flaky = IdempotencyStore.builder(faults.client(), LocalAws.env("IDEMPOTENCY_TABLE"))
                .clock(clock).ttl(Duration.ofHours(1)).inProgressTimeout(Duration.ofSeconds(30)).build();
        String key = "k-" + UUID.randomUUID();
        assertThat(flaky.begin(key, "h", IdempotencyStore.Claim.by("me")).kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(puts.get()).as("the put and the SDK's retry of it").isEqualTo(2);
        assertThat(record(key).get("owner").s()).isEqualTo("me");
        // anyone else still finds it in progress
        assertThat(store.begin(key, "h", IdempotencyStore.Claim.by("someone-else")).kind())
                .isEqualTo(IdempotencyStore.Kind.IN_PROGRESS);
    }

    @Test
    void aDelayedClaimNeverLandsOnARecordItsOwnerReleasedMeanwhile() {
        // the first put of "late" reaches DynamoDB only after the client gave up, and after "quick" claimed and
        // released the key: a deleted record would let it land (an owner's claim nobody knows about)
        FaultyDynamoDb faults = new FaultyDynamoDb().on(FaultyDynamoDb.put(p -> true), Fault.DELAYED, 1);
        IdempotencyStore stalled = IdempotencyStore.builder(faults.client(), LocalAws.env("IDEMPOTENCY_TABLE"))
                .clock(clock).ttl(Duration.ofHours(1)).inProgressTimeout(Duration.ofSeconds(30)).build();
        String key = "k-" + UUID.randomUUID();
        assertThatThrownBy(() -> stalled.begin(key, "h", IdempotencyStore.Claim.by("late")))
                .isInstanceOf(SdkClientException.class);
        assertThat(store.begin(key, "h", IdempotencyStore.Claim.by("quick")).kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(store.release(key, "quick")).isTrue();
        assertThat(faults.applyLate()).singleElement().isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(record(key).get("owner").s()).isEqualTo("quick");
    }

    @Test
    void anAbandonedClaimWhoseWorkTookEffectIsCompletedInsteadOfTakenOver() {
        String key = "k-" + UUID.randomUUID();
        Map<String, AttributeValue> note = Map.of("note", AttributeValue.fromS("what the owner did"));
        assertThat(store.begin(key, "h", new IdempotencyStore.Claim("crashed", note,
                IdempotencyStore.AbandonedClaim.NEVER_TOOK_EFFECT)).kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        clock.advance(Duration.ofSeconds(31));
        List<Map<String, AttributeValue>> shown = new ArrayList<>();
        IdempotencyStore.Claim tookEffect = new IdempotencyStore.Claim("taker", Map.of(), abandoned -> {
            shown.add(abandoned);
            return true;
        });
        assertThat(store.begin(key, "h", tookEffect).kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
        assertThat(shown).singleElement().satisfies(abandoned -> {
            assertThat(abandoned.get("owner").s()).isEqualTo("crashed");
            assertThat(abandoned.get("note").s()).isEqualTo("what the owner did");
        });
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);

        // not settled (the check throws): the record stays as it is, and the next contender decides
        String other = "k-" + UUID.randomUUID();
        store.begin(other, "h", IdempotencyStore.Claim.by("crashed-too"));
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> store.begin(other, "h", new IdempotencyStore.Claim("taker", Map.of(), abandoned -> {
            throw new IllegalStateException("cannot tell now");
        }))).hasMessage("cannot tell now");
        assertThat(record(other).get("owner").s()).isEqualTo("crashed-too");
        assertThat(store.begin(other, "h", IdempotencyStore.Claim.by("next")).kind())
                .isEqualTo(IdempotencyStore.Kind.STARTED);
    }

    private static Map<String, AttributeValue> record(String key) {
        return LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("IDEMPOTENCY_TABLE"))
                .key(Map.of("idempotencyKey", AttributeValue.fromS(key))).consistentRead(true)).item();
    }

    @Test
    void completeAllOfOneClaimCompletesItWithTheUpdateItemACallerHasLoadedAlready() {
        FaultyDynamoDb dynamo = new FaultyDynamoDb();
        AtomicInteger batchWrites = dynamo.count(FaultyDynamoDb.batchWrite());
        AtomicInteger updates = dynamo.count(FaultyDynamoDb.update(u -> true));
        IdempotencyStore counting = IdempotencyStore.builder(dynamo.client(), LocalAws.env("IDEMPOTENCY_TABLE"))
                .clock(clock).ttl(Duration.ofHours(1)).inProgressTimeout(Duration.ofSeconds(30)).build();
        String key = "k-" + UUID.randomUUID();
        assertThat(counting.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.STARTED);
        assertThat(counting.completeAll(java.util.Map.of(key, "h"))).isEmpty();
        // a first BatchWriteItem costs a cold start its model classes (bench/cold-start)
        assertThat(List.of(batchWrites.get(), updates.get())).containsExactly(0, 1);
        assertThat(record(key).get("status").s()).isEqualTo("COMPLETED");
        assertThat(store.begin(key, "h").kind()).isEqualTo(IdempotencyStore.Kind.COMPLETED);
        assertThat(store.begin(key, "other").kind()).isEqualTo(IdempotencyStore.Kind.HASH_MISMATCH);
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
