package dev.serverlesskit.app.common;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Idempotency records in a DynamoDB table, built on conditional writes only (no transactions: they work on
 * dynalite too). A record is {@code <key attribute> = key} (plus fixed key attributes such as a sort key), status
 * {@code IN_PROGRESS|COMPLETED|RELEASED}, {@code requestHash}, {@code owner} (who claimed it), optional
 * {@code responseStatus}/{@code responseBody}, {@code expiresAt} and {@code inProgressUntil} (epoch seconds), plus
 * whatever attributes the claim records beside ({@link Claim#attributes()}).
 *
 * <p>Expiry is checked on read, through {@link Clock}: the table's TTL on {@code expiresAt} is only AWS-side
 * clean-up, which can lag by days.
 *
 * <p>Protocol: {@link #begin} claims the key with a conditional put ({@code attribute_not_exists OR expired}). On a
 * conflict it reads the record (consistently): a different request hash is {@link Kind#HASH_MISMATCH}; a completed
 * record is {@link Kind#COMPLETED} (replay); an in-progress record of the same owner is {@link Kind#STARTED} (an
 * earlier attempt of this very claim, for example the SDK's own retry of a put whose response was lost, took
 * effect); an in-progress record of another owner still within {@code inProgressUntil} is {@link Kind#IN_PROGRESS};
 * a released record is claimed again. An abandoned in-progress record (its owner crashed, or its claim landed after
 * the owner gave up on it) is first shown to the claim's {@link AbandonedClaim}: when the owner's work took effect
 * the record is completed ({@link Kind#COMPLETED}), otherwise it is taken over ({@link Kind#STARTED}). Take-overs
 * and completions of another's record are conditioned on the owner that was read, so exactly one contender wins.
 * Then {@link #complete} (or {@link #completeAll} for many claims at once) or {@link #release}.
 *
 * <p>Records are never deleted before they expire: a release marks the record RELEASED. A delayed copy of a claim's
 * put (a request DynamoDB applies after the client gave up on it) therefore never lands on a record a release
 * freed, and a write conditioned on an owner never lands on another owner's claim (owners are unique per claim).
 */
public final class IdempotencyStore {
    public static final String STATUS_IN_PROGRESS = "IN_PROGRESS";
    public static final String STATUS_COMPLETED = "COMPLETED";
    public static final String STATUS_RELEASED = "RELEASED";
    private static final int MAX_ATTEMPTS = 4;
    private static final int BATCH_WRITE_LIMIT = 25;

    public enum Kind { STARTED, COMPLETED, IN_PROGRESS, HASH_MISMATCH }

    /** Result of {@link #begin}; status and body are set for {@link Kind#COMPLETED} records that stored them. */
    public record Outcome(Kind kind, Integer responseStatus, String responseBody) {
        static Outcome of(Kind kind) {
            return new Outcome(kind, null, null);
        }
    }

    /**
     * Decides what became of an abandoned claim's work before the claim is taken over.
     */
    @FunctionalInterface
    public interface AbandonedClaim {
        /** The default: the owner's work never took effect (the claim is taken over and the work done again). */
        AbandonedClaim NEVER_TOOK_EFFECT = record -> false;

        /**
         * @param record the abandoned record (IN_PROGRESS, past {@code inProgressUntil}), with its owner and the
         *               attributes its claim recorded
         * @return true when the owner's work took effect (the record is completed instead of taken over); false
         *         when it did not and never will
         * @throws RuntimeException when that cannot be settled now: the record is left as it is
         */
        boolean tookEffect(Map<String, AttributeValue> record);
    }

    /**
     * Who claims (unique per claim: an invocation's own id, never reused), what the record keeps beside (for
     * whoever finds it abandoned), and how an abandoned claim of another owner is settled.
     */
    public record Claim(String owner, Map<String, AttributeValue> attributes, AbandonedClaim abandoned) {
        public Claim {
            Objects.requireNonNull(owner, "owner");
            attributes = Map.copyOf(attributes);
            Objects.requireNonNull(abandoned, "abandoned");
        }

        /** A claim by {@code owner} recording nothing more, whose abandoned claims never took effect. */
        public static Claim by(String owner) {
            return new Claim(owner, Map.of(), AbandonedClaim.NEVER_TOOK_EFFECT);
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

    /** How long a claim stays in progress before another owner may take it over. */
    public Duration inProgressTimeout() {
        return inProgressTimeout;
    }

    /** {@link #begin(String, String, Claim)} by a new owner of its own (who can never recognise a lost response). */
    public Outcome begin(String key, String requestHash) {
        return begin(key, requestHash, Claim.by(UUID.randomUUID().toString()));
    }

    public Outcome begin(String key, String requestHash, Claim claim) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long now = clock.instant().getEpochSecond();
            try {
                dynamoDb.putItem(PutItemRequest.builder()
                        .tableName(tableName)
                        .item(claimItem(key, requestHash, claim, now))
                        .conditionExpression("attribute_not_exists(#k) OR #exp < :now")
                        .expressionAttributeNames(Map.of("#k", keyAttribute, "#exp", "expiresAt"))
                        .expressionAttributeValues(Map.of(":now", num(now)))
                        .build());
                return Outcome.of(Kind.STARTED);
            } catch (ConditionalCheckFailedException taken) {
                // someone holds the key (maybe this very claim, through a lost response): look at what they left
            }
            Map<String, AttributeValue> existing = dynamoDb.getItem(GetItemRequest.builder()
                    .tableName(tableName).key(key(key)).consistentRead(true).build()).item();
            now = clock.instant().getEpochSecond();
            if (existing == null || existing.isEmpty() || longOf(existing, "expiresAt") < now) {
                continue; // expired meanwhile: claim again
            }
            String status = stringOf(existing, "status");
            if (STATUS_RELEASED.equals(status)) {
                if (replace(existing, STATUS_RELEASED, claimItem(key, requestHash, claim, now))) {
                    return Outcome.of(Kind.STARTED);
                }
                continue;
            }
            if (!requestHash.equals(stringOf(existing, "requestHash"))) {
                return Outcome.of(Kind.HASH_MISMATCH);
            }
            if (STATUS_COMPLETED.equals(status)) {
                String responseStatus = existing.containsKey("responseStatus") ? existing.get("responseStatus").n()
                        : null;
                return new Outcome(Kind.COMPLETED, responseStatus == null ? null : Integer.valueOf(responseStatus),
                        stringOf(existing, "responseBody"));
            }
            if (claim.owner().equals(stringOf(existing, "owner"))) {
                return Outcome.of(Kind.STARTED); // this claim's own put took effect before a retry of it
            }
            if (longOf(existing, "inProgressUntil") >= now) {
                return Outcome.of(Kind.IN_PROGRESS);
            }
            if (claim.abandoned().tookEffect(existing)) {
                Map<String, AttributeValue> completed = new LinkedHashMap<>(existing);
                completed.put("status", AttributeValue.fromS(STATUS_COMPLETED));
                if (replace(existing, STATUS_IN_PROGRESS, completed)) {
                    return Outcome.of(Kind.COMPLETED);
                }
            } else if (replace(existing, STATUS_IN_PROGRESS, claimItem(key, requestHash, claim, now))) {
                return Outcome.of(Kind.STARTED);
            }
            // another contender changed it first: look again
        }
        return Outcome.of(Kind.IN_PROGRESS);
    }

    /**
     * Puts {@code item} in place of {@code existing} if the record is still the one read: same status and owner (a
     * record of a version without owners: same {@code inProgressUntil}).
     *
     * @return false when the record changed meanwhile
     */
    private boolean replace(Map<String, AttributeValue> existing, String seenStatus, Map<String, AttributeValue> item) {
        Map<String, String> names = new HashMap<>(Map.of("#status", "status", "#owner", "owner"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":seenStatus", AttributeValue.fromS(seenStatus)));
        String sameOwner;
        if (existing.containsKey("owner")) {
            sameOwner = "#owner = :seenOwner";
            values.put(":seenOwner", existing.get("owner"));
        } else {
            sameOwner = "attribute_not_exists(#owner) AND #until = :seenUntil";
            names.put("#until", "inProgressUntil");
            values.put(":seenUntil", existing.getOrDefault("inProgressUntil", num(0)));
        }
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("#status = :seenStatus AND " + sameOwner)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
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
     * rewritten whole as COMPLETED, unconditionally, which is safe only for keys this caller has claimed with
     * {@link #begin} (STARTED) and whose work has taken effect, so that COMPLETED is true for good whoever holds the
     * record by the time the write lands. Items DynamoDB leaves unprocessed are retried a few times. A single key is
     * completed by {@link #complete(String)} instead: one request either way, and UpdateItem is an operation the
     * caller has used already (its claims' releases, or the work itself), where a first BatchWriteItem in a new
     * execution environment loads its own request and response model (~10 ms of a cold start, bench/README.md).
     *
     * @param requestHashByKey the claimed keys and the request hash each was claimed with
     * @return the keys that could not be completed (empty when all were): their claims stay IN_PROGRESS until
     *         {@code inProgressUntil}, as after a failed {@link #complete}
     * @throws RuntimeException when a request fails (the records not yet written stay IN_PROGRESS)
     */
    public List<String> completeAll(Map<String, String> requestHashByKey) {
        if (requestHashByKey.size() == 1) {
            complete(requestHashByKey.keySet().iterator().next());
            return List.of();
        }
        long now = clock.instant().getEpochSecond();
        List<WriteRequest> puts = new ArrayList<>();
        requestHashByKey.forEach((key, requestHash) -> {
            Map<String, AttributeValue> item = baseItem(key, requestHash, now);
            item.put("status", AttributeValue.fromS(STATUS_COMPLETED));
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        });
        return writeAll(puts).stream().map(left -> left.putRequest().item().get(keyAttribute).s()).toList();
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

    /**
     * Releases {@code owner}'s in-progress claim (its work did not take effect and never will), so that a retry can
     * claim the key again at once. The record is marked RELEASED, not deleted (see the class comment). A record
     * completed, or claimed by another owner meanwhile, stays as it is.
     *
     * @return false when the record was not (or no longer) {@code owner}'s claim in progress
     */
    public boolean release(String key, String owner) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key(key))
                    .updateExpression("SET #status = :released")
                    .conditionExpression("#status = :inProgress AND #owner = :owner")
                    .expressionAttributeNames(Map.of("#status", "status", "#owner", "owner"))
                    .expressionAttributeValues(Map.of(":inProgress", AttributeValue.fromS(STATUS_IN_PROGRESS),
                            ":released", AttributeValue.fromS(STATUS_RELEASED), ":owner", AttributeValue.fromS(owner)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException notOwnersClaim) {
            return false;
        }
    }

    private Map<String, AttributeValue> claimItem(String key, String requestHash, Claim claim, long now) {
        Map<String, AttributeValue> item = baseItem(key, requestHash, now);
        item.putAll(claim.attributes());
        item.put("owner", AttributeValue.fromS(claim.owner()));
        return item;
    }

    private Map<String, AttributeValue> baseItem(String key, String requestHash, long now) {
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
