package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.Caller;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.IdempotencyStore;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.common.JsonBody;
import dev.serverlesskit.app.common.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@code POST /purchases} (signed in): body {@code {"petId": "..."}}. The sale is ONE conditional UpdateItem
 * ({@code status = AVAILABLE} -> SOLD with buyer, purchase id, time and the request that bought it), so concurrent
 * buyers cannot both win: exactly one gets 201, the others 409 PET_ALREADY_SOLD (404 NOT_FOUND when the pet does
 * not exist). The 201's body is derived from the sold pet alone ({@link Pets#purchaseView}).
 *
 * <p>Optional {@code Idempotency-Key} header (1..64 of [A-Za-z0-9_-]): records live in {@code IDEMPOTENCY_TABLE}
 * under {@code <sub>#<key>} (so keys of different users never collide) for {@code IDEMPOTENCY_TTL_SECONDS}
 * (default 86400). A retry with the same key and body replays the stored 201/404/409 with header
 * {@code Idempotent-Replayed: true}; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; a retry while
 * the first is still running is 409 REQUEST_IN_PROGRESS. 5xx outcomes are not stored (the record is released), so
 * the client can retry.
 *
 * <p><b>Ambiguous failures.</b> A sale whose UpdateItem times out on the client may still be applied (later, or by
 * the SDK's own retry, which then fails the condition on its own sale). So when the condition fails the pet is read
 * (consistently), and a pet sold to this caller by this request is this request's sale: 201 with the body the first
 * attempt would have returned. "This request" is the purchase id (the same call, the SDK's retry) or, with an
 * {@code Idempotency-Key}, the key: the pet records {@code purchaseRequest}, a hash of the caller and the key. A
 * failure whose outcome is unknown answers 503 and stores nothing, and the keyed retry then gets the buyer's 201.
 * Without a key, a new request after such a 503 cannot tell the earlier sale from another one of the same buyer:
 * it gets 409, and the buyer finds the pet in {@code GET /purchases}.
 */
public class PurchasePetHandler extends ApiHandler {
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<Integer> STORED_STATUSES = Set.of(201, 404, 409);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final IdempotencyStore idempotency;
    private final Clock clock;
    private final DynamoPriming priming;

    public PurchasePetHandler() {
        this(AwsClients.dynamoDb(), Env.required("PETS_TABLE"), Env.required("IDEMPOTENCY_TABLE"),
                Clock.systemUTC());
    }

    PurchasePetHandler(DynamoDbClient dynamoDb, String table, String idempotencyTable, Clock clock) {
        super("POST /purchases", Set.of());
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
        this.idempotency = IdempotencyStore.builder(dynamoDb, idempotencyTable)
                .keyAttribute("idempotencyKey")
                .clock(clock)
                .ttl(Duration.ofSeconds(Env.optionalLong("IDEMPOTENCY_TTL_SECONDS", 86400)))
                .inProgressTimeout(Duration.ofSeconds(30))
                .build();
        this.priming = Pets.registerPriming(dynamoDb, table);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        Caller caller = request.requireCaller();
        String key = request.header(IDEMPOTENCY_HEADER);
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.validation("header '" + IDEMPOTENCY_HEADER
                    + "' must be 1..64 characters of letters, digits, '-' or '_'");
        }
        JsonBody body = request.jsonBody().allowOnly(Set.of("petId"));
        String petId = Pets.checkPetId(body.requiredString("petId", 1, 200), "field 'petId'");
        if (key == null) {
            return purchase(request, caller, petId, UUID.randomUUID().toString(), null);
        }

        String recordKey = caller.sub() + "#" + key;
        String requestHash = Json.sha256Hex(Json.canonical(Map.of("petId", petId)));
        String purchaseId = UUID.randomUUID().toString();
        IdempotencyStore.Outcome outcome = idempotency.begin(recordKey, requestHash,
                IdempotencyStore.Claim.by(purchaseId));
        switch (outcome.kind()) {
            case HASH_MISMATCH:
                throw new ApiException(422, "IDEMPOTENCY_KEY_REUSED", "header '" + IDEMPOTENCY_HEADER
                        + "' was already used with a different request body");
            case IN_PROGRESS:
                throw ApiException.conflict("REQUEST_IN_PROGRESS", "a request with this '" + IDEMPOTENCY_HEADER
                        + "' is still being processed, retry later");
            case COMPLETED:
                request.metrics().count("IdempotentReplays");
                return ApiResponse.raw(outcome.responseStatus(), outcome.responseBody())
                        .header("Idempotent-Replayed", "true");
            case STARTED:
            default:
                break;
        }
        ApiResponse response;
        try {
            response = purchase(request, caller, petId, purchaseId, purchaseRequest(caller, key));
        } catch (ApiException e) {
            if (STORED_STATUSES.contains(e.status())) {
                ApiResponse error = ApiResponse.error(e.status(), e.code(), e.getMessage());
                completeQuietly(recordKey, error);
            } else {
                releaseQuietly(recordKey, purchaseId);
            }
            throw e;
        } catch (RuntimeException e) {
            releaseQuietly(recordKey, purchaseId); // the sale may or may not have happened: the retry finds out
            throw e;
        }
        completeQuietly(recordKey, response);
        return response;
    }

    /** What the sold pet records of a keyed request: a hash of the caller and the key (null without a key). */
    static String purchaseRequest(Caller caller, String idempotencyKey) {
        return idempotencyKey == null ? null : Json.sha256Hex(caller.sub() + "\n" + idempotencyKey);
    }

    /**
     * The sale, as {@code purchaseId}; {@code purchaseRequest} (null without an idempotency key) is recorded on the
     * pet so that a keyed retry recognises the sale as its own.
     */
    private ApiResponse purchase(ApiRequest request, Caller caller, String petId, String purchaseId,
                                 String purchaseRequest) {
        String soldAt = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":available", AttributeValue.fromS(Pets.STATUS_AVAILABLE),
                ":sold", AttributeValue.fromS(Pets.STATUS_SOLD),
                ":buyer", AttributeValue.fromS(caller.sub()),
                ":purchase", AttributeValue.fromS(purchaseId),
                ":at", AttributeValue.fromS(soldAt)));
        String update = "SET #status = :sold, buyerId = :buyer, purchaseId = :purchase, soldAt = :at";
        if (purchaseRequest != null) {
            update += ", purchaseRequest = :request";
            values.put(":request", AttributeValue.fromS(purchaseRequest));
        }
        Map<String, AttributeValue> sold;
        try {
            sold = dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of("petId", AttributeValue.fromS(petId)))
                    .conditionExpression("#status = :available")
                    .updateExpression(update)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("petId", AttributeValue.fromS(petId))).consistentRead(true).build()).item();
            if (existing == null || existing.isEmpty()) {
                throw ApiException.notFound("pet '" + petId + "' does not exist");
            }
            if (!soldBy(existing, caller, purchaseId, purchaseRequest)) {
                request.metrics().count("PurchaseConflicts");
                throw ApiException.conflict("PET_ALREADY_SOLD", "pet '" + petId + "' is not available");
            }
            JsonLog.info("the sale this request made is recognised after its response was lost",
                    Map.of("petId", petId));
            sold = existing;
        }
        request.metrics().count("PetsSold");
        return ApiResponse.json(201, Pets.purchaseView(sold));
    }

    /** Whether {@code pet} was sold to the caller by this request (its purchase id or its idempotency key). */
    private static boolean soldBy(Map<String, AttributeValue> pet, Caller caller, String purchaseId,
                                  String purchaseRequest) {
        return Pets.STATUS_SOLD.equals(Pets.s(pet, "status")) && caller.sub().equals(Pets.s(pet, "buyerId"))
                && (purchaseId.equals(Pets.s(pet, "purchaseId"))
                        || purchaseRequest != null && purchaseRequest.equals(Pets.s(pet, "purchaseRequest")));
    }

    /**
     * The purchase already happened: failing to record its outcome must not turn it into an error. The record then
     * stays IN_PROGRESS until {@code inProgressUntil}; a retry after that re-runs and recognises its sale (201).
     */
    private void completeQuietly(String recordKey, ApiResponse response) {
        try {
            idempotency.complete(recordKey, response.status(), response.body());
        } catch (RuntimeException e) {
            JsonLog.error("idempotency record could not be completed", Map.of("status", response.status()), e);
        }
    }

    private void releaseQuietly(String recordKey, String owner) {
        try {
            idempotency.release(recordKey, owner);
        } catch (RuntimeException e) {
            // the record expires by itself (inProgressUntil); the original error is what matters
        }
    }
}
