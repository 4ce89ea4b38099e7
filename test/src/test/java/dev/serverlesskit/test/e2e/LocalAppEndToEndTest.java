package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.local.CognitoLocal;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.StageModel;
import dev.serverlesskit.local.iam.Sessions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stage, synthesized and run locally (dynalite, ElasticMQ, cognito-local, each function in its own class loader,
 * with its own role's credentials and every engine call checked against its role's policies), driven over HTTP as a
 * client would: sign-up and sign-in through cognito-local, browsing, buying (and racing for the same pet), own
 * purchases, admin routes refused, clicks counted by the queue consumer, a poison click in the DLQ, stage throttling
 * and reserved concurrency. Access is asserted against the product's rules written here, not read from the
 * template, so a route that loses its authorizer fails {@link #signedInRoutesAreGuardedByTheGateway}. A test during
 * which IAM refused a call fails ({@link IamWatch}). One subclass per stage: dev (on-demand functions, access-key
 * credentials) and staging (SnapStart: container credentials, CRaC hooks).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(IamWatch.class)
abstract class LocalAppEndToEndTest implements IamWatch.Watched {
    /** Which routes need a signed-in caller (the product's rules; the template must enforce them). */
    private static final Map<String, String> SIGNED_IN_ROUTES = Map.of(
            "POST /pets", "{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10}",
            "POST /purchases", "{\"petId\":\"pet-x\"}",
            "GET /purchases", "",
            "GET /campaigns/c1/stats", "");
    private static final List<String> ADMIN_ROUTES = List.of("POST /pets", "GET /campaigns/c1/stats");

    private final String stage;
    /** The browser origin the stage's API serves (the product's setting for that stage). */
    private final String siteOrigin;
    private LocalRuntime runtime;
    private Client api;
    private CognitoLocal cognito;
    private String adminToken;
    private String userToken;

    LocalAppEndToEndTest(String stage, String siteOrigin) {
        this.stage = stage;
        this.siteOrigin = siteOrigin;
    }

    /** The runtime this class drives: the stage's, from the suite's shared synthesis. */
    LocalRuntime start() {
        return LocalStage.runtime(stage);
    }

    @Override
    public LocalRuntime runtime() {
        return runtime;
    }

    @BeforeAll
    void startStage() {
        runtime = start();
        api = new Client(runtime.apiUrl());
        cognito = new CognitoLocal(runtime.engines().cognitoEndpoint());
        adminToken = signIn(LocalRuntime.ADMIN_USER, LocalRuntime.ADMIN_PASSWORD);
        userToken = signIn(LocalRuntime.TEST_USER, LocalRuntime.TEST_PASSWORD);
    }

    /**
     * Signs a user in the way the stage's app client allows: USER_PASSWORD_AUTH where the template allows it (dev);
     * otherwise (staging and prod allow only SRP, which cognito-local does not implement) with cognito-local's
     * administrator flow, AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH. Either way the API gets a pool-signed ID
     * token, which is what its authorizer checks.
     */
    private String signIn(String email, String password) {
        StageModel.UserPoolClient client = runtime.userClient();
        if (client.explicitAuthFlows().contains("ALLOW_USER_PASSWORD_AUTH")) {
            return cognito.signIn(runtime.clientId(), email, password).idToken();
        }
        return cognito.adminSignIn(runtime.userPoolId(), runtime.clientId(), email, password).idToken();
    }

    /**
     * What CodeDeploy does before shifting each function's alias to its new version: the pre-traffic hook named in
     * the alias's update policy checks the function (invoking it through the local Lambda endpoint with the hook's
     * own role) and reports Succeeded to the local CodeDeploy. Every function of the stage is deployed this way.
     */
    @Test
    void everyFunctionsNewVersionPassesItsPreTrafficHook() {
        List<String> deployed = PreTrafficHookTest.deployedFunctions(runtime);
        assertThat(deployed).hasSize(8);
        for (String function : deployed) {
            LocalRuntime.HookRun run = runtime.runPreTrafficHook(function);
            assertThat(run.invocation().ok()).as(function + ": " + run.invocation()).isTrue();
            assertThat(run.status()).as(function + ": " + run.invocation().payload()).isEqualTo("Succeeded");
            assertThat(run.invocation().payload()).contains("\"failures\":[]");
        }
    }

    /** The stage's scheduled synthetic check passes against the stage's API (here, the local one). */
    @Test
    void theSyntheticCheckOfThePublicRoutesPasses() {
        var run = PreTrafficHookTest.runSyntheticCheck(runtime);
        assertThat(run.ok()).as(run.toString()).isTrue();
        assertThat(run.payload()).contains("\"failures\":[]");
    }

    /**
     * The pipeline's smoke tests pass against the stage, run as the pipeline's step runs them: their own users from
     * the stage's secrets, provisioned and signed in with the smoke role's credentials (each call checked against
     * that role), then browse, buy with an Idempotency-Key (the retry answers the same 201), click and read the stats.
     */
    @Test
    void thePipelinesSmokeTestsPass() {
        // the stage's users keep signing in through the web client, never the smoke tests' admin-flow client
        assertThat(runtime.userClient().logicalId()).startsWith("UsersUserPoolWebClient");
        PipelineSmokeTests.Run run = PipelineSmokeTests.run(runtime);
        assertThat(run.exitStatus()).as(run.toString()).isZero();
        assertThat(run.output()).contains("ok      GET /pets/{petId} of this run's pet",
                "ok      POST /purchases retried with the same Idempotency-Key answers the same 201",
                "ok      GET /campaigns/smoke-test/stats as admin counts the click", "smoke tests passed");
    }

    /** A new user through the app's own sign-up flow (self sign-up, confirmation, sign-in). */
    private String newUser() {
        String email = "buyer-" + UUID.randomUUID() + "@example.com";
        String password = "Buyer#" + UUID.randomUUID().toString().substring(0, 8) + "x9";
        cognito.signUp(runtime.clientId(), email, password);
        cognito.adminConfirmSignUp(runtime.userPoolId(), email);
        return signIn(email, password);
    }

    private String addPet(String name) {
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
        Client.Response cats = api.get("/pets?species=cat&maxPrice=50", null);
        assertThat(cats.status()).as(cats.toString()).isEqualTo(200);
        assertThat(cats.json().path("items").findValuesAsText("petId")).contains(petId);

        Client.Response bought = api.post("/purchases", buyer, Client.json(Map.of("petId", petId)));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);

        Client.Response mine = api.get("/purchases", buyer);
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(mine.json().path("items").findValuesAsText("petId")).containsExactly(petId);
        Client.Response others = api.get("/purchases", userToken);
        assertThat(others.json().path("items").findValuesAsText("petId")).doesNotContain(petId);
    }

    @Test
    void aRetriedPurchaseReplaysItsFirstResponseAndAReusedKeyIsRefused() {
        String buyer = newUser();
        String petId = addPet("Retry " + UUID.randomUUID());
        String key = "order-" + UUID.randomUUID();
        String body = Client.json(Map.of("petId", petId));
        Client.Response first = api.send("POST", "/purchases", buyer, body, "Idempotency-Key", key);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Client.Response retry = api.send("POST", "/purchases", buyer, body, "Idempotency-Key", key);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json()).isEqualTo(first.json());
        Client.Response reused = api.send("POST", "/purchases", buyer, Client.json(Map.of("petId", "pet-other")),
                "Idempotency-Key", key);
        assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
        assertThat(reused.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
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
        Client.Response preflight = api.send("OPTIONS", "/pets", null, null, "Origin", siteOrigin);
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(siteOrigin);
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
    void eachFunctionGetsCredentialsOfItsOwnAsLambdaDeliversThem() {
        Set<String> keys = new HashSet<>();
        for (StageModel.Function f : runtime.model().functions()) {
            Map<String, String> env = runtime.functions().get(f.logicalId()).environment();
            Sessions.Session session = runtime.sessions().get(f.logicalId());
            assertThat(session.role().logicalId()).as(f.shortName() + "'s credentials are its role's")
                    .isEqualTo(f.role());
            assertThat(keys.add(session.accessKeyId())).as(f.shortName() + " shares its credentials").isTrue();
            if (f.snapStart()) {
                assertThat(env).as(f.shortName() + " (SnapStart)").doesNotContainKeys("AWS_ACCESS_KEY_ID",
                        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
                        .containsEntry("AWS_CONTAINER_CREDENTIALS_FULL_URI", runtime.credentialsEndpoint().uri())
                        .containsEntry("AWS_CONTAINER_AUTHORIZATION_TOKEN", session.containerToken())
                        .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
            } else {
                assertThat(env).as(f.shortName()).doesNotContainKeys("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN")
                        .containsEntry("AWS_ACCESS_KEY_ID", session.accessKeyId())
                        .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            }
        }
    }

    @Test
    void stageThrottlingAnswers429() {
        // faster than the stage's rate, on kept-alive connections, until the bucket runs dry (at most 4x its size)
        StageModel.Throttle throttle = runtime.model().api().orElseThrow().stageThrottle();
        List<Client.Response> burst = fireUntil429(4 * throttle.burstLimit(), 16, "/pets");
        assertThat(burst).as(summary(burst)).anySatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.errorCode()).isEqualTo("THROTTLED");
            assertThat(r.header("x-amzn-ErrorType")).isEqualTo("TooManyRequestsException");
            assertThat(r.header("Retry-After")).isEqualTo("1");
        });
    }

    @Test
    void overReservedConcurrencyIs429WithRetryAfterNot500() {
        // GET /pets/{petId} is called by no other test: its function starts cold, so concurrent requests overlap.
        // Lambda refuses what exceeds the reserved concurrency; API Gateway answers INTEGRATION_FAILURE, which the
        // template's gateway response maps to 429 with Retry-After (unmapped it is a 500, and 5xx alarms page).
        int reserved = runtime.model().functions().stream()
                .filter(f -> f.handlerClass().endsWith(".GetPetHandler")).findFirst().orElseThrow()
                .reservedConcurrency();
        List<Client.Response> burst = new ArrayList<>();
        for (int round = 0; round < 3 && burst.stream().noneMatch(r -> "INTEGRATION_FAILURE".equals(r.errorCode()));
             round++) {
            burst = fire(Math.max(30, 3 * reserved), "/pets/pet-" + UUID.randomUUID());
            sleep(2500); // refill the method's token bucket
        }
        List<Client.Response> all = burst;
        assertThat(all).as(summary(all)).anySatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.errorCode()).isEqualTo("INTEGRATION_FAILURE");
            assertThat(r.header("Retry-After")).isEqualTo("1");
        });
        assertThat(all).as(summary(all)).allSatisfy(r -> assertThat(r.status()).isIn(404, 429));
    }

    /**
     * Up to {@code max} GETs from {@code threads} clients, each sending one after another, stopping at the stage's
     * 429 (THROTTLED; a 429 INTEGRATION_FAILURE, the function over its concurrency, does not stop them).
     */
    private List<Client.Response> fireUntil429(int max, int threads, String path) {
        List<Client.Response> out = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean throttled = new java.util.concurrent.atomic.AtomicBoolean();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    while (!throttled.get() && sent.incrementAndGet() <= max) {
                        Client.Response r = api.get(path, null);
                        out.add(r);
                        throttled.compareAndSet(false, r.status() == 429 && "THROTTLED".equals(r.errorCode()));
                    }
                }, pool));
            }
            clients.forEach(CompletableFuture::join);
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(out);
    }

    private List<Client.Response> fire(int n, String path) {
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
