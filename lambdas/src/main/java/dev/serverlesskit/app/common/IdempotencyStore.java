package dev.serverlesskit.app.common;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Idempotency records in a DynamoDB table, built on conditional writes only (no transactions: they work on
 * dynalite too). A record is {@code <key attribute> = key} (plus fixed key attributes such as a sort key), status
 * {@code IN_PROGRESS|COMPLETED}, {@code requestHash}, optional {@code responseStatus}/{@code responseBody},
 * {@code expiresAt} and {@code inProgressUntil} (epoch seconds).
 *
 * <p>Expiry is checked on read, through {@link Clock}: the table's TTL on {@code expiresAt} is only AWS-side
 * clean-up, which can lag by days.
 *
 * <p>Protocol: {@link #begin} claims the key with a conditional put ({@code attribute_not_exists OR expired}). On a
 * conflict it reads the record (consistently): a different request hash is {@link Kind#HASH_MISMATCH}; a completed
 * record is {@link Kind#COMPLETED} (replay); an in-progress record still within {@code inProgressUntil} is
 * {@link Kind#IN_PROGRESS}; an abandoned in-progress record (the owner crashed) is taken over with a put conditioned
 * on the very {@code inProgressUntil} that was read, so exactly one contender wins. Then {@link #complete} (or
 * {@link #completeAll} for many claims at once) or {@link #release} (delete, so a retry can run again; or
 * {@link #releaseAll}).
 */
public final class IdempotencyStore {
    public static final String STATUS_IN_PROGRESS = "IN_PROGRESS";
    public static final String STATUS_COMPLETED = "COMPLETED";
    private static final int MAX_ATTEMPTS = 4;
    private static final int BATCH_WRITE_LIMIT = 25;

    public enum Kind { STARTED, COMPLETED, IN_PROGRESS, HASH_MISMATCH }

    /** Result of {@link #begin}; status and body are set for {@link Kind#COMPLETED} records that stored them. */
    public record Outcome(Kind kind, Integer responseStatus, String responseBody) {
        static Outcome of(Kind kind) {
            return new Outcome(kind, null, null);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final String keyAttribute;
    private final Map<String, AttributeValue> fixedKey;
    private final Clock clock;
    private final Duration ttl;
    private final Duration inProgressTimeout;

    private IdempotencyStore(Builder b) {
        this.dynamoDb = Objects.requireNonNull(b.dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(b.tableName, "tableName");
        this.keyAttribute = b.keyAttribute;
        this.fixedKey = Map.copyOf(b.fixedKey);
        this.clock = b.clock;
        this.ttl = b.ttl;
        this.inProgressTimeout = b.inProgressTimeout;
    }

    public static Builder builder(DynamoDbClient dynamoDb, String tableName) {
        return new Builder(dynamoDb, tableName);
    }

    public Outcome begin(String key, String requestHash) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long now = clock.instant().getEpochSecond();
            try {
                dynamoDb.putItem(PutItemRequest.builder()
                        .tableName(tableName)
                        .item(inProgressItem(key, requestHash, now))
                        .conditionExpression("attribute_not_exists(#k) OR #exp < :now")
                        .expressionAttributeNames(Map.of("#k", keyAttribute, "#exp", "expiresAt"))
                        .expressionAttributeValues(Map.of(":now", num(now)))
                        .build());
                return Outcome.of(Kind.STARTED);
            } catch (ConditionalCheckFailedException taken) {
                // someone holds the key: look at what they left
            }
            Map<String, AttributeValue> existing = dynamoDb.getItem(GetItemRequest.builder()
                    .tableName(tableName).key(key(key)).consistentRead(true).build()).item();
            now = clock.instant().getEpochSecond();
            if (existing == null || existing.isEmpty() || longOf(existing, "expiresAt") < now) {
                continue; // released or expired meanwhile: claim again
            }
            if (!requestHash.equals(stringOf(existing, "requestHash"))) {
                return Outcome.of(Kind.HASH_MISMATCH);
            }
            if (STATUS_COMPLETED.equals(stringOf(existing, "status"))) {
                String status = existing.containsKey("responseStatus") ? existing.get("responseStatus").n() : null;
                return new Outcome(Kind.COMPLETED, status == null ? null : Integer.valueOf(status),
                        stringOf(existing, "responseBody"));
            }
            long inProgressUntil = longOf(existing, "inProgressUntil");
            if (inProgressUntil >= now) {
                return Outcome.of(Kind.IN_PROGRESS);
            }
            try {
                dynamoDb.putItem(PutItemRequest.builder()
                        .tableName(tableName)
                        .item(inProgressItem(key, requestHash, now))
                        .conditionExpression("#status = :inProgress AND #until = :seenUntil")
                        .expressionAttributeNames(Map.of("#status", "status", "#until", "inProgressUntil"))
                        .expressionAttributeValues(Map.of(":inProgress", AttributeValue.fromS(STATUS_IN_PROGRESS),
                                ":seenUntil", num(inProgressUntil)))
                        .build());
                return Outcome.of(Kind.STARTED);
            } catch (ConditionalCheckFailedException lostRace) {
                // another contender took it over first (or it completed): look again
            }
        }
        return Outcome.of(Kind.IN_PROGRESS);
    }

    /** Marks the key completed, without a stored response. */
    public void complete(String key) {
        complete(key, null, null);
    }

    /** Marks the key completed and stores the response to replay. */
    public void complete(String key, Integer responseStatus, String responseBody) {
        Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":completed", AttributeValue.fromS(STATUS_COMPLETED)));
        StringBuilder update = new StringBuilder("SET #status = :completed");
        if (responseStatus != null) {
            update.append(", responseStatus = :rs, responseBody = :rb");
            values.put(":rs", num(responseStatus));
            values.put(":rb", AttributeValue.fromS(responseBody));
        }
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(tableName)
                .key(key(key))
                .updateExpression(update.toString())
                .conditionExpression("attribute_exists(#k)")
                .expressionAttributeNames(withKeyName(names))
                .expressionAttributeValues(values)
                .build());
    }

    /**
     * Marks many keys completed (no stored response) with BatchWriteItem, 25 records a request: each record is
     * rewritten whole as COMPLETED, unconditionally, which is safe only for keys this caller has just claimed with
     * {@link #begin} (STARTED) and whose claim cannot have been taken over yet ({@code inProgressTimeout} above the
     * caller's own time limit). Items DynamoDB leaves unprocessed are retried a few times.
     *
     * @param requestHashByKey the claimed keys and the request hash each was claimed with
     * @return the keys that could not be completed (empty when all were): their claims stay IN_PROGRESS until
     *         {@code inProgressUntil}, as after a failed {@link #complete}
     */
    public List<String> completeAll(Map<String, String> requestHashByKey) {
        long now = clock.instant().getEpochSecond();
        List<WriteRequest> puts = new ArrayList<>();
        requestHashByKey.forEach((key, requestHash) -> {
            Map<String, AttributeValue> item = inProgressItem(key, requestHash, now);
            item.put("status", AttributeValue.fromS(STATUS_COMPLETED));
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        });
        return writeAll(puts).stream().map(left -> left.putRequest().item().get(keyAttribute).s()).toList();
    }

    /**
     * Deletes many records with BatchWriteItem, 25 a request, unconditionally: as for {@link #completeAll}, only for
     * keys this caller has just claimed and not completed (a way out of time: one request for 25 records instead of
     * 25 conditional deletes). Items DynamoDB leaves unprocessed are retried a few times.
     *
     * @return the keys that could not be deleted: they are taken over after {@code inProgressUntil}
     */
    public List<String> releaseAll(List<String> keys) {
        List<WriteRequest> deletes = keys.stream().map(key -> WriteRequest.builder()
                .deleteRequest(DeleteRequest.builder().key(key(key)).build()).build()).toList();
        return writeAll(deletes).stream().map(left -> left.deleteRequest().key().get(keyAttribute).s()).toList();
    }

    /** BatchWriteItem, 25 requests at a time, unprocessed ones retried a few times; returns those never written. */
    private List<WriteRequest> writeAll(List<WriteRequest> writes) {
        List<WriteRequest> notWritten = new ArrayList<>();
        for (int from = 0; from < writes.size(); from += BATCH_WRITE_LIMIT) {
            Map<String, List<WriteRequest>> pending = Map.of(tableName,
                    writes.subList(from, Math.min(writes.size(), from + BATCH_WRITE_LIMIT)));
            for (int attempt = 0; attempt < MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
                Map<String, List<WriteRequest>> unprocessed = dynamoDb.batchWriteItem(BatchWriteItemRequest.builder()
                        .requestItems(pending).build()).unprocessedItems();
                pending = unprocessed == null ? Map.of() : unprocessed;
            }
            notWritten.addAll(pending.getOrDefault(tableName, List.of()));
        }
        return notWritten;
    }

    /** Deletes an in-progress record (the operation failed and may be retried). A completed record stays. */
    public void release(String key) {
        try {
            dynamoDb.deleteItem(DeleteItemRequest.builder()
                    .tableName(tableName)
                    .key(key(key))
                    .conditionExpression("#status = :inProgress")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":inProgress", AttributeValue.fromS(STATUS_IN_PROGRESS)))
                    .build());
        } catch (ConditionalCheckFailedException alreadyGoneOrCompleted) {
            // nothing to release
        }
    }

    private Map<String, AttributeValue> inProgressItem(String key, String requestHash, long now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(key));
        item.put("status", AttributeValue.fromS(STATUS_IN_PROGRESS));
        item.put("requestHash", AttributeValue.fromS(requestHash));
        item.put("expiresAt", num(now + ttl.getSeconds()));
        item.put("inProgressUntil", num(now + inProgressTimeout.getSeconds()));
        return item;
    }

    private Map<String, AttributeValue> key(String key) {
        Map<String, AttributeValue> k = new LinkedHashMap<>(fixedKey);
        k.put(keyAttribute, AttributeValue.fromS(key));
        return k;
    }

    private Map<String, String> withKeyName(Map<String, String> names) {
        names.put("#k", keyAttribute);
        return names;
    }

    private static AttributeValue num(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String stringOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long longOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            return Long.MAX_VALUE; // no expiry recorded: treat as not expired
        }
        return Long.parseLong(v.n());
    }

    public static final class Builder {
        private final DynamoDbClient dynamoDb;
        private final String tableName;
        private String keyAttribute = "idempotencyKey";
        private final Map<String, AttributeValue> fixedKey = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Duration ttl = Duration.ofDays(1);
        private Duration inProgressTimeout = Duration.ofSeconds(60);

        private Builder(DynamoDbClient dynamoDb, String tableName) {
            this.dynamoDb = dynamoDb;
            this.tableName = tableName;
        }

        /** Partition key attribute holding the idempotency key (default {@code idempotencyKey}). */
        public Builder keyAttribute(String name) {
            this.keyAttribute = name;
            return this;
        }

        /** A key attribute with the same value on every record, e.g. sort key {@code sk = MARKER}. */
        public Builder fixedKeyAttribute(String name, String value) {
            this.fixedKey.put(name, AttributeValue.fromS(value));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How long a record counts (completed responses are replayed this long). */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** How long an unfinished claim blocks others; after that it is considered abandoned and taken over. */
        public Builder inProgressTimeout(Duration timeout) {
            this.inProgressTimeout = timeout;
            return this;
        }

        public IdempotencyStore build() {
            return new IdempotencyStore(this);
        }
    }
}
