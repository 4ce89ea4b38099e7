package dev.serverlesskit.app.petstore;

import static dev.serverlesskit.app.petstore.PetStoreIT.addPet;
import static dev.serverlesskit.app.testing.Responses.errorCode;
import static dev.serverlesskit.app.testing.Responses.items;
import static dev.serverlesskit.app.testing.Responses.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.serverlesskit.app.common.IdempotencyStore;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.FaultyDynamoDb;
import dev.serverlesskit.app.testing.FaultyDynamoDb.Fault;
import dev.serverlesskit.app.testing.LocalAws;
import dev.serverlesskit.app.testing.Requests;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Purchases against dynalite: the conditional sale under contention, idempotency (also when the sale's or the
 * claim's response is lost) and per-user listing.
 */
@ExtendWith(LocalAws.class)
class PurchaseIT {
    static final PurchasePetHandler PURCHASE = new PurchasePetHandler();
    static final ListPurchasesHandler PURCHASES = new ListPurchasesHandler();

    static APIGatewayProxyResponseEvent buy(String sub, String petId, String idempotencyKey) {
        return buy(PURCHASE, sub, petId, idempotencyKey);
    }

    static APIGatewayProxyResponseEvent buy(PurchasePetHandler handler, String sub, String petId,
                                            String idempotencyKey) {
        Requests r = Requests.post("/purchases").user(sub, null).body("{\"petId\":\"" + petId + "\"}");
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        return handler.handleRequest(r.build(), new FakeContext());
    }

    /** The purchase handler on a DynamoDB client that fails as {@code faults} says. */
    static PurchasePetHandler purchaseHandler(FaultyDynamoDb faults) {
        return new PurchasePetHandler(faults.client(), LocalAws.env("PETS_TABLE"), LocalAws.env("IDEMPOTENCY_TABLE"),
                Clock.systemUTC());
    }

    /** The sale: the conditional UpdateItem of the pet. */
    static Predicate<SdkRequest> saleOf(String petId) {
        return FaultyDynamoDb.update(u -> u.key().get("petId") != null && u.key().get("petId").s().equals(petId));
    }

    static Map<String, AttributeValue> petItem(String petId) {
        return LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("PETS_TABLE"))
                .key(Map.of("petId", AttributeValue.fromS(petId))).consistentRead(true)).item();
    }

    @Test
    void sixteenConcurrentBuyersExactlyOneWins() throws Exception {
        String petId = addPet("Contended", "dog", "300", null);
        int buyers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(buyers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayProxyResponseEvent>> results = new ArrayList<>();
        try {
            for (int i = 0; i < buyers; i++) {
                String sub = "racer-" + i + "-" + UUID.randomUUID();
                results.add(pool.submit(() -> {
                    start.await();
                    return buy(sub, petId, null);
                }));
            }
            start.countDown();
            List<APIGatewayProxyResponseEvent> responses = new ArrayList<>();
            for (Future<APIGatewayProxyResponseEvent> f : results) {
                responses.add(f.get(60, TimeUnit.SECONDS));
            }
            List<APIGatewayProxyResponseEvent> winners = responses.stream()
                    .filter(r -> r.getStatusCode() == 201).toList();
            assertThat(winners).hasSize(1);
            assertThat(responses).filteredOn(r -> r.getStatusCode() != 201)
                    .hasSize(buyers - 1)
                    .allSatisfy(r -> {
                        assertThat(r.getStatusCode()).isEqualTo(409);
                        assertThat(errorCode(r)).isEqualTo("PET_ALREADY_SOLD");
                    });
            Map<String, Object> sale = json(winners.get(0));
            Map<String, AttributeValue> pet = petItem(petId);
            assertThat(pet.get("status").s()).isEqualTo("SOLD");
            assertThat(pet.get("buyerId").s()).isEqualTo(sale.get("buyerId"));
            assertThat(pet.get("purchaseId").s()).isEqualTo(sale.get("purchaseId"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void purchaseOfAMissingPetIs404() {
        APIGatewayProxyResponseEvent response = buy("u-" + UUID.randomUUID(), "pet-nope-" + UUID.randomUUID(), null);
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(errorCode(response)).isEqualTo("NOT_FOUND");
    }

    @Test
    void retryWithTheSameKeyReplaysTheFirstResponse() {
        String sub = "u-" + UUID.randomUUID();
        String petId = addPet("Idem", "cat", "120", null);
        APIGatewayProxyResponseEvent first = buy(sub, petId, "key-1");
        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(first.getHeaders()).doesNotContainKey("Idempotent-Replayed");
        Map<String, Object> sale = json(first);
        assertThat(sale).containsEntry("petId", petId).containsEntry("buyerId", sub)
                .containsKeys("purchaseId", "price", "soldAt");

        APIGatewayProxyResponseEvent retry = buy(sub, petId, "key-1");
        assertThat(retry.getStatusCode()).isEqualTo(201);
        assertThat(retry.getBody()).isEqualTo(first.getBody());
        assertThat(retry.getHeaders()).containsEntry("Idempotent-Replayed", "true");

        // one purchase happened: the pet records the first purchase id and the buyer has exactly one purchase
        assertThat(petItem(petId).get("purchaseId").s()).isEqualTo(sale.get("purchaseId"));
        APIGatewayProxyResponseEvent mine = PURCHASES.handleRequest(Requests.get("/purchases").user(sub, null).build(),
                new FakeContext());
        assertThat(items(mine)).hasSize(1);

        String otherPet = addPet("Other", "cat", "10", null);
        APIGatewayProxyResponseEvent reused = buy(sub, otherPet, "key-1");
        assertThat(reused.getStatusCode()).isEqualTo(422);
        assertThat(errorCode(reused)).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(petItem(otherPet).get("status").s()).isEqualTo("AVAILABLE");

        // keys are per user: someone else's "key-1" is a new request (and loses: the pet is sold)
        APIGatewayProxyResponseEvent stranger = buy("u-" + UUID.randomUUID(), petId, "key-1");
        assertThat(stranger.getStatusCode()).isEqualTo(409);
        assertThat(stranger.getHeaders()).doesNotContainKey("Idempotent-Replayed");
    }

    @Test
    void conflictOutcomesAreStoredAndReplayedToo() {
        String petId = addPet("Gone", "dog", "10", null);
        assertThat(buy("first-" + UUID.randomUUID(), petId, null).getStatusCode()).isEqualTo(201);
        String sub = "late-" + UUID.randomUUID();
        APIGatewayProxyResponseEvent lost = buy(sub, petId, "late-key");
        assertThat(lost.getStatusCode()).isEqualTo(409);
        APIGatewayProxyResponseEvent replay = buy(sub, petId, "late-key");
        assertThat(replay.getStatusCode()).isEqualTo(409);
        assertThat(replay.getBody()).isEqualTo(lost.getBody());
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");
    }

    @Test
    void aRetryWhileTheFirstIsStillRunningIs409InProgress() {
        String sub = "u-" + UUID.randomUUID();
        String petId = addPet("Slow", "dog", "10", null);
        IdempotencyStore store = IdempotencyStore.builder(LocalAws.dynamoDb(), LocalAws.env("IDEMPOTENCY_TABLE")).build();
        String hash = Json.sha256Hex(Json.canonical(Map.of("petId", petId)));
        assertThat(store.begin(sub + "#slow-key", hash).kind()).isEqualTo(IdempotencyStore.Kind.STARTED);

        APIGatewayProxyResponseEvent response = buy(sub, petId, "slow-key");
        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(errorCode(response)).isEqualTo("REQUEST_IN_PROGRESS");
        assertThat(petItem(petId).get("status").s()).isEqualTo("AVAILABLE");
    }

    @Test
    void everyBuyerSeesOnlyTheirOwnPurchases() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        List<String> alicePets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String petId = addPet("A" + i, "dog", "10", null);
            assertThat(buy(alice, petId, null).getStatusCode()).isEqualTo(201);
            alicePets.add(petId);
        }
        String bobPet = addPet("B", "dog", "10", null);
        assertThat(buy(bob, bobPet, null).getStatusCode()).isEqualTo(201);

        List<Map<String, Object>> aliceSeen = new ArrayList<>();
        String cursor = null;
        String aliceCursor = null;
        do {
            Requests r = Requests.get("/purchases").user(alice, null).query("limit", "2");
            if (cursor != null) {
                r.query("cursor", cursor);
            }
            APIGatewayProxyResponseEvent page = PURCHASES.handleRequest(r.build(), new FakeContext());
            assertThat(page.getStatusCode()).isEqualTo(200);
            aliceSeen.addAll(items(page));
            cursor = (String) json(page).get("nextCursor");
            aliceCursor = aliceCursor == null ? cursor : aliceCursor;
        } while (cursor != null);
        assertThat(aliceSeen).extracting(p -> (String) p.get("petId")).containsExactlyInAnyOrderElementsOf(alicePets);
        assertThat(aliceSeen).allSatisfy(p -> assertThat(p).containsEntry("buyerId", alice));

        APIGatewayProxyResponseEvent bobs = PURCHASES.handleRequest(Requests.get("/purchases").user(bob, null).build(),
                new FakeContext());
        assertThat(items(bobs)).extracting(p -> (String) p.get("petId")).containsExactly(bobPet);

        APIGatewayProxyResponseEvent stolenCursor = PURCHASES.handleRequest(Requests.get("/purchases").user(bob, null)
                .query("cursor", aliceCursor).build(), new FakeContext());
        assertThat(stolenCursor.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(stolenCursor)).isEqualTo("INVALID_CURSOR");
    }

    @Test
    void aKeyedRetryAfterASaleWhoseResponseWasLostGetsTheBuyersSale() {
        String sub = "u-" + UUID.randomUUID();
        String petId = addPet("Lost", "dog", "75", null);
        // the sale is applied, then the client times out: the buyer gets a 503, and nothing is stored for the key
        FaultyDynamoDb faults = new FaultyDynamoDb().on(saleOf(petId), Fault.APPLIED_THEN_TIMEOUT, 1);
        PurchasePetHandler handler = purchaseHandler(faults);
        APIGatewayProxyResponseEvent unknown = buy(handler, sub, petId, "order-1");
        assertThat(unknown.getStatusCode()).isEqualTo(503);

        // the buyer retries with the key: their own sale, 201 with the body the sale itself would have answered
        APIGatewayProxyResponseEvent retry = buy(handler, sub, petId, "order-1");
        assertThat(retry.getStatusCode()).as(retry.getBody()).isEqualTo(201);
        assertThat(retry.getHeaders()).doesNotContainKey("Idempotent-Replayed");
        Map<String, AttributeValue> pet = petItem(petId);
        assertThat(json(retry)).isEqualTo(Map.of("purchaseId", pet.get("purchaseId").s(), "petId", petId,
                "buyerId", sub, "name", "Lost", "species", "dog", "price", 75, "soldAt", pet.get("soldAt").s()));
        // which is what the key replays from now on
        APIGatewayProxyResponseEvent replay = buy(handler, sub, petId, "order-1");
        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(replay.getBody()).isEqualTo(retry.getBody());
        assertThat(replay.getHeaders()).containsEntry("Idempotent-Replayed", "true");

        // another request of the same buyer (another key) did not buy it: 409
        APIGatewayProxyResponseEvent otherKey = buy(handler, sub, petId, "order-2");
        assertThat(otherKey.getStatusCode()).isEqualTo(409);
        assertThat(errorCode(otherKey)).isEqualTo("PET_ALREADY_SOLD");
        assertThat(buy(handler, sub, petId, null).getStatusCode()).as("nor did a request without a key")
                .isEqualTo(409);
    }

    @Test
    void aSaleTheSdkRetriedIsTheBuyersSaleNotAConflict() {
        String sub = "u-" + UUID.randomUUID();
        String petId = addPet("Twice", "cat", "30", null);
        // the sale is applied, its response is a 500, and the SDK's retry fails the condition on that very sale
        FaultyDynamoDb faults = new FaultyDynamoDb().on(saleOf(petId), Fault.APPLIED_THEN_500, 1);
        AtomicInteger attempts = faults.count(saleOf(petId));
        APIGatewayProxyResponseEvent response = buy(purchaseHandler(faults), sub, petId, null);
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(json(response)).containsEntry("purchaseId", petItem(petId).get("purchaseId").s())
                .containsEntry("buyerId", sub);
    }

    @Test
    void anIdempotencyClaimWhoseResponseWasLostIsNotTakenForAnotherRequestInProgress() {
        String sub = "u-" + UUID.randomUUID();
        String petId = addPet("Claimed", "dog", "40", null);
        FaultyDynamoDb faults = new FaultyDynamoDb().on(FaultyDynamoDb.put(p -> p.tableName()
                .equals(LocalAws.env("IDEMPOTENCY_TABLE"))), Fault.APPLIED_THEN_500, 1);
        APIGatewayProxyResponseEvent response = buy(purchaseHandler(faults), sub, petId, "order-claim");
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    }
}
