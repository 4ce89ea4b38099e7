package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.local.CognitoLocal;
import dev.serverlesskit.local.LocalRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dev stage, synthesized and run locally (dynalite, ElasticMQ, cognito-local, each function in its own class
 * loader), driven over HTTP as a client would: sign-up and sign-in through cognito-local, browsing, buying (and racing
 * for the same pet), own purchases, admin routes refused, clicks counted by the queue consumer, a poison click in the
 * DLQ, stage throttling and reserved concurrency. Access is asserted against the product's rules written here, not
 * read from the template, so a route that loses its authorizer fails {@link #signedInRoutesAreGuardedByTheGateway}.
 */
class LocalAppEndToEndTest {
    /** Which routes need a signed-in caller (the product's rules; the template must enforce them). */
    private static final Map<String, String> SIGNED_IN_ROUTES = Map.of(
            "POST /pets", "{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10}",
            "POST /purchases", "{\"petId\":\"pet-x\"}",
            "GET /purchases", "",
            "GET /campaigns/c1/stats", "");
    private static final List<String> ADMIN_ROUTES = List.of("POST /pets", "GET /campaigns/c1/stats");

    private static LocalRuntime runtime;
    private static Client api;
    private static CognitoLocal cognito;
    private static String adminToken;
    private static String userToken;

    @BeforeAll
    static void start() {
        runtime = LocalStage.runtime();
        api = new Client(runtime.apiUrl());
        cognito = new CognitoLocal(runtime.engines().cognitoEndpoint());
        adminToken = cognito.signIn(runtime.clientId(), LocalRuntime.ADMIN_USER, LocalRuntime.ADMIN_PASSWORD).idToken();
        userToken = cognito.signIn(runtime.clientId(), LocalRuntime.TEST_USER, LocalRuntime.TEST_PASSWORD).idToken();
    }

    /** A new user through the app's own sign-up flow (self sign-up, confirmation, USER_PASSWORD_AUTH sign-in). */
    private static String newUser() {
        String email = "buyer-" + UUID.randomUUID() + "@example.com";
        String password = "Buyer#" + UUID.randomUUID().toString().substring(0, 8) + "x9";
        cognito.signUp(runtime.clientId(), email, password);
        cognito.adminConfirmSignUp(runtime.userPoolId(), email);
        return cognito.signIn(runtime.clientId(), email, password).idToken();
    }

    private static String addPet(String name) {
        Client.Response created = api.post("/pets", adminToken,
                Client.json(Map.of("name", name, "species", "cat", "price", 42)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("petId").asText();
    }

    @Test
    void signUpSignInBrowseBuyAndSeeOwnPurchases() {
        String buyer = newUser();
        String petId = addPet("Tom " + UUID.randomUUID());

        Client.Response browse = api.get("/pets", null);
        assertThat(browse.status()).as(browse.toString()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        browse.json().path("items").forEach(p -> listed.add(p.path("petId").asText()));
        assertThat(listed).contains(petId);

        Client.Response bought = api.post("/purchases", buyer, Client.json(Map.of("petId", petId)));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);

        Client.Response mine = api.get("/purchases", buyer);
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(mine.json().path("items").findValuesAsText("petId")).containsExactly(petId);
        Client.Response others = api.get("/purchases", userToken);
        assertThat(others.json().path("items").findValuesAsText("petId")).doesNotContain(petId);
    }

    @Test
    void racingBuyersGetOneSaleAndConflicts() {
        String petId = addPet("Contested " + UUID.randomUUID());
        List<String> buyers = List.of(newUser(), newUser(), newUser(), newUser());
        List<CompletableFuture<Client.Response>> attempts = buyers.stream()
                .map(b -> api.sendAsync("POST", "/purchases", b, Client.json(Map.of("petId", petId)))).toList();
        List<Client.Response> results = attempts.stream().map(CompletableFuture::join).toList();
        assertThat(results).as(results.toString()).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(results).as(results.toString()).filteredOn(r -> r.status() == 409)
                .hasSize(3).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("PET_ALREADY_SOLD"));
        String winner = buyers.get(results.indexOf(results.stream().filter(r -> r.status() == 201)
                .findFirst().orElseThrow()));
        assertThat(api.get("/purchases", winner).json().path("items").findValuesAsText("petId")).contains(petId);
    }

    @Test
    void signedInRoutesAreGuardedByTheGateway() {
        String forged = forge(userToken);
        SIGNED_IN_ROUTES.forEach((route, body) -> {
            String[] r = route.split(" ", 2);
            for (String token : new String[] {null, "not-a-jwt", forged}) {
                Client.Response response = api.send(r[0], r[1], token, body.isEmpty() ? null : body);
                assertThat(response.status()).as(route + " with token " + token + ": " + response).isEqualTo(401);
                assertThat(response.fromGateway()).as(route + " must be refused by the Cognito authorizer, not"
                        + " the function: " + response).isTrue();
                assertThat(response.errorCode()).isEqualTo("UNAUTHORIZED");
            }
        });
    }

    @Test
    void adminRoutesRefuseSignedInNonAdmins() {
        for (String route : ADMIN_ROUTES) {
            String[] r = route.split(" ", 2);
            String body = SIGNED_IN_ROUTES.get(route);
            Client.Response response = api.send(r[0], r[1], userToken, body.isEmpty() ? null : body);
            assertThat(response.status()).as(route + ": " + response).isEqualTo(403);
            assertThat(response.errorCode()).isEqualTo("FORBIDDEN");
        }
        assertThat(api.get("/campaigns/c1/stats", adminToken).status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAndPreflightAreAnsweredByTheGateway() {
        Client.Response unknown = api.get("/nope", null);
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.errorCode()).isEqualTo("MISSING_AUTHENTICATION_TOKEN");
        Client.Response preflight = api.send("OPTIONS", "/pets", null, null, "Origin", "http://localhost:5173");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    }

    @Test
    void clicksAreCountedByTheQueueConsumer() {
        String campaign = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            Client.Response accepted = api.post("/clicks", null, Client.json(Map.of("campaignId", campaign,
                    "adId", "ad" + (i % 2))));
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        }
        // and three more in one batch, the route trackers use
        Client.Response batch = api.post("/clicks/batch", null, Client.json(Map.of("clicks", List.of(
                Map.of("campaignId", campaign, "adId", "ad0"), Map.of("campaignId", campaign, "adId", "ad1"),
                Map.of("campaignId", campaign, "adId", "ad2")))));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
        assertThat(batch.json().path("clickIds")).hasSize(3);
        JsonNode stats = eventually(() -> {
            Client.Response r = api.get("/campaigns/" + campaign + "/stats", adminToken);
            return r.status() == 200 && r.json().path("totalClicks").asLong() == 8 ? r.json() : null;
        }, "campaign stats to count 8 clicks");
        assertThat(stats.path("byAd").path("ad0").asLong()).isEqualTo(4);
        assertThat(stats.path("byAd").path("ad2").asLong()).isEqualTo(1);
    }

    @Test
    void aPoisonClickEndsInTheDeadLetterQueue() {
        var sqs = runtime.provisioner().sqs();
        String queue = runtime.queueUrl("AdClicksProcessorQueue");
        String dlq = runtime.queueUrl("AdClicksProcessorDeadLetterQueue");
        String poison = "{\"poison\":\"" + UUID.randomUUID() + "\"";
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(poison));
        List<String> dead = new ArrayList<>();
        eventually(() -> {
            sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(0)).messages().forEach(m -> dead.add(m.body()));
            return dead.contains(poison) ? dead : null;
        }, "the poison click in the DLQ");
        assertThat(dead).contains(poison);
    }

    @Test
    void stageThrottlingAnswers429() {
        List<Client.Response> burst = fire(80, "/pets");
        assertThat(burst).as(summary(burst)).anySatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.errorCode()).isEqualTo("THROTTLED");
            assertThat(r.header("x-amzn-ErrorType")).isEqualTo("TooManyRequestsException");
        });
    }

    @Test
    void reservedConcurrencyThrottlesLikeLambda() {
        // GET /pets/{petId} is called by no other test: its function starts cold, so concurrent requests overlap
        List<Client.Response> burst = new ArrayList<>();
        for (int round = 0; round < 3 && burst.stream().noneMatch(r -> r.status() == 500); round++) {
            burst = fire(30, "/pets/pet-" + UUID.randomUUID());
            sleep(2500); // refill the method's token bucket
        }
        List<Client.Response> all = burst;
        assertThat(all).as(summary(all)).anySatisfy(r -> {
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.errorCode()).isEqualTo("INTEGRATION_FAILURE");
        });
        assertThat(all).as(summary(all)).allSatisfy(r -> assertThat(r.status()).isIn(404, 500));
    }

    private static List<Client.Response> fire(int n, String path) {
        List<CompletableFuture<Client.Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(api.sendAsync("GET", path, null, null));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static String summary(List<Client.Response> responses) {
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        responses.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
        return "statuses " + byStatus;
    }

    /** The same claims with another signature: the authorizer must check it. */
    private static String forge(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                .replace("\"token_use\":\"id\"", "\"token_use\":\"id\",\"cognito:groups\":[\"admins\"]");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
    }

    private static <T> T eventually(Supplier<T> probe, String what) {
        long deadline = System.currentTimeMillis() + 45_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            sleep(300);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
