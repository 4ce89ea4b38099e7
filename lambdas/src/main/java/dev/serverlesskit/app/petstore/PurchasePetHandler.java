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
 * ({@code status = AVAILABLE} -> SOLD with buyer, purchase id and time), so concurrent buyers cannot both win:
 * exactly one gets 201, the others 409 PET_ALREADY_SOLD (404 NOT_FOUND when the pet does not exist).
 *
 * <p>Optional {@code Idempotency-Key} header (1..64 of [A-Za-z0-9_-]): records live in {@code IDEMPOTENCY_TABLE}
 * under {@code <sub>#<key>} (so keys of different users never collide) for {@code IDEMPOTENCY_TTL_SECONDS}
 * (default 86400). A retry with the same key and body replays the stored 201/404/409 with header
 * {@code Idempotent-Replayed: true}; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; a retry while
 * the first is still running is 409 REQUEST_IN_PROGRESS. 5xx outcomes are not stored (the record is deleted), so
 * the client can retry.
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
            return purchase(request, caller, petId);
        }

        String recordKey = caller.sub() + "#" + key;
        String requestHash = Json.sha256Hex(Json.canonical(Map.of("petId", petId)));
        IdempotencyStore.Outcome outcome = idempotency.begin(recordKey, requestHash);
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
            response = purchase(request, caller, petId);
        } catch (ApiException e) {
            if (STORED_STATUSES.contains(e.status())) {
                ApiResponse error = ApiResponse.error(e.status(), e.code(), e.getMessage());
                completeQuietly(recordKey, error);
            } else {
                idempotency.release(recordKey);
            }
            throw e;
        } catch (RuntimeException e) {
            releaseQuietly(recordKey);
            throw e;
        }
        completeQuietly(recordKey, response);
        return response;
    }

    private ApiResponse purchase(ApiRequest request, Caller caller, String petId) {
        String purchaseId = UUID.randomUUID().toString();
        String soldAt = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        Map<String, AttributeValue> sold;
        try {
            sold = dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of("petId", AttributeValue.fromS(petId)))
                    .conditionExpression("#status = :available")
                    .updateExpression("SET #status = :sold, buyerId = :buyer, purchaseId = :purchase, soldAt = :at")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":available", AttributeValue.fromS(Pets.STATUS_AVAILABLE),
                            ":sold", AttributeValue.fromS(Pets.STATUS_SOLD),
                            ":buyer", AttributeValue.fromS(caller.sub()),
                            ":purchase", AttributeValue.fromS(purchaseId),
                            ":at", AttributeValue.fromS(soldAt)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("petId", AttributeValue.fromS(petId))).consistentRead(true).build()).item();
            if (existing == null || existing.isEmpty()) {
                throw ApiException.notFound("pet '" + petId + "' does not exist");
            }
            request.metrics().count("PurchaseConflicts");
            throw ApiException.conflict("PET_ALREADY_SOLD", "pet '" + petId + "' is not available");
        }
        request.metrics().count("PetsSold");
        return ApiResponse.json(201, Pets.purchaseView(sold));
    }

    /**
     * The purchase already happened: failing to record its outcome must not turn it into an error. The record then
     * stays IN_PROGRESS until {@code inProgressUntil}; a retry after that re-runs and gets 409 PET_ALREADY_SOLD.
     */
    private void completeQuietly(String recordKey, ApiResponse response) {
        try {
            idempotency.complete(recordKey, response.status(), response.body());
        } catch (RuntimeException e) {
            JsonLog.error("idempotency record could not be completed", Map.of("status", response.status()), e);
        }
    }

    private void releaseQuietly(String recordKey) {
        try {
            idempotency.release(recordKey);
        } catch (RuntimeException e) {
            // the record expires by itself (inProgressUntil); the original error is what matters
        }
    }
}
