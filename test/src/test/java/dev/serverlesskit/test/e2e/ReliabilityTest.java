package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.local.CloudAssembly;
import dev.serverlesskit.local.CognitoLocal;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.Redrive;
import dev.serverlesskit.local.StageModel;
import dev.serverlesskit.local.TemplateReader;
import dev.serverlesskit.local.gateway.Faults;
import dev.serverlesskit.local.gateway.Faults.Kind;
import dev.serverlesskit.local.gateway.Faults.Rule;
import dev.serverlesskit.local.gateway.Service;
import dev.serverlesskit.test.Synthesis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The dev stage under injected faults ({@link Faults}, at the gateways between the functions and the engines):
 * every accepted click is counted exactly once after the queue drains, under each fault kind and a paused DynamoDB,
 * and none ends in the dead-letter queue; a keyed purchase retried after an ambiguous failure gets the buyer's 201.
 *
 * <p>Failed messages are retried after {@link #retryDelaySeconds} (the local shortcut for the visibility timeout),
 * chosen from the template as the real timing is: the last receive before the DLQ comes after the processor's
 * in-progress window, so a claim that landed after its invocation gave up is taken over, not parked in the DLQ.
 * Each rule is seeded (the same seed, the same picks in arrival order) and bounded, so a run takes about a minute.
 */
@Order(2) // after the dev stage's classes: this one runs a dev stage of its own, with the real retry timing
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(IamWatch.class)
class ReliabilityTest implements IamWatch.Watched {
    private static final String PROCESSOR = "AdClicksProcessorConsumerFunction";
    private static final String PURCHASE = "PetStorePurchasePetFunction";
    private static final String PETS_TABLE = "PetStorePetsTable";
    private static final int CLICKS = 30;
    private static final long DRAIN_MS = 120_000;

    private LocalRuntime runtime;
    private Faults faults;
    private Client api;
    private CognitoLocal cognito;
    private String adminToken;

    @BeforeAll
    void start() throws java.io.IOException {
        Path cdkOut = Synthesis.shared().outdir();
        // on a data directory, as --data keeps it: a killed engine comes back with what it had answered
        Path data = java.nio.file.Files.createTempDirectory(java.nio.file.Files.createDirectories(
                dev.serverlesskit.infra.ProjectFiles.root().resolve("test/target")), "faults-data");
        runtime = LocalStage.runtime("dev-faults", "dev", cdkOut, retryDelaySeconds(cdkOut), data);
        faults = runtime.faults();
        api = new Client(runtime.apiUrl());
        cognito = new CognitoLocal(runtime.engines().cognitoEndpoint());
        adminToken = cognito.signIn(runtime.clientId(), LocalRuntime.ADMIN_USER, LocalRuntime.ADMIN_PASSWORD)
                .idToken();
    }

    @Override
    public LocalRuntime runtime() {
        return runtime;
    }

    /**
     * The shortest retry delay that keeps the template's promise: (maxReceiveCount - 1) receives later than the
     * first, the processor's in-progress window ({@code IN_PROGRESS_TIMEOUT_SECONDS}) has passed.
     */
    static int retryDelaySeconds(Path cdkOut) {
        StageModel model = TemplateReader.read(CloudAssembly.load(cdkOut, "dev"));
        StageModel.Function processor = model.functions().stream()
                .filter(f -> f.logicalId().startsWith(PROCESSOR)).findFirst().orElseThrow();
        int window = Integer.parseInt(processor.environment().get("IN_PROGRESS_TIMEOUT_SECONDS").asText());
        StageModel.Queue queue = model.queues().stream()
                .filter(q -> q.logicalId().startsWith("AdClicksProcessorQueue")).findFirst().orElseThrow();
        return window / (queue.maxReceiveCount() - 1) + 1;
    }

    @AfterEach
    void noFaults() {
        faults.clear();
    }

    static Stream<Arguments> clickFaults() {
        return Stream.of(
                Arguments.of("throttling", rule(Kind.THROTTLE).share(0.3).limit(40)),
                Arguments.of("5xx", rule(Kind.ERROR_5XX).share(0.3).limit(40)),
                Arguments.of("latency", rule(Kind.LATENCY).share(0.5).millis(400)),
                Arguments.of("timeouts", rule(Kind.TIMEOUT).share(0.2).limit(3)),
                Arguments.of("applied then 5xx", rule(Kind.APPLY_THEN_5XX).share(0.3).limit(20)),
                Arguments.of("applied then timeout", rule(Kind.APPLY_THEN_TIMEOUT).share(0.2).limit(3)),
                // the ambiguous counter update itself: applied, its answer lost, every retry of it failing
                Arguments.of("counter update applied, then failing", rule(Kind.APPLY_THEN_5XX).operation("UpdateItem")
                        .limit(1)),
                // the processor's environment dies mid-invocation: its claims stay until taken over, nothing of
                // the crashed invocation runs after, the batch returns after the retry delay
                Arguments.of("crash during a counter update", rule(Kind.CRASH).operation("UpdateItem").limit(2)),
                Arguments.of("crash after a counter update was applied", rule(Kind.APPLY_THEN_CRASH)
                        .operation("UpdateItem").limit(2)));
    }

    private static Rule rule(Kind kind) {
        return Rule.of(Service.DYNAMODB, kind).function(PROCESSOR);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clickFaults")
    void everyAcceptedClickIsCountedOnceAndNoneIsDeadLettered(String name, Rule rule) {
        faults.seed(14);
        if (name.startsWith("counter update")) {
            // after the first (applied) update, every attempt at counter writes fails until the rule is removed
            faults.add(rule);
            faults.add(rule(Kind.ERROR_5XX).operation("UpdateItem").limit(30));
        } else {
            faults.add(rule);
        }
        String campaign = "rel-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Long> sent = sendClicks(campaign);
        awaitDrained();
        assertThat(faults.rules()).as("the fault was injected").allSatisfy(a ->
                assertThat(a.injected()).as(a.rule().toString()).isPositive());
        faults.clear();
        assertCountedOnce(campaign, sent);
    }

    @Test
    void aDynamoDbStallLongerThanTheCallTimeoutLosesNoClickAndDoublesNone() throws InterruptedException {
        String campaign = "stall-" + UUID.randomUUID().toString().substring(0, 8);
        faults.pause(Service.DYNAMODB); // held calls time out on the client (10 s) and are applied when it resumes
        Map<String, Long> sent = sendClicks(campaign);
        Thread.sleep(12_000);
        faults.resume(Service.DYNAMODB);
        awaitDrained();
        assertCountedOnce(campaign, sent);
    }

    @Test
    void aDynamoDbKilledAndRestartedLosesNoClickAndDoublesNone() throws InterruptedException {
        String campaign = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        int logged = runtime.invocationLog().size();
        faults.kill(Service.DYNAMODB); // the processor's calls fail as connection errors while it is down
        Map<String, Long> sent = sendClicks(campaign); // the API only enqueues: it still accepts
        long until = System.currentTimeMillis() + 15_000;
        java.util.function.Predicate<String> failedBatch = l -> l.startsWith("SQS ") && l.contains("AdClicksProcessor")
                && (l.contains(" ERR ") || l.contains(" failed"));
        while (runtime.invocationLog().stream().skip(logged).noneMatch(failedBatch)
                && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        assertThat(runtime.invocationLog().stream().skip(logged).toList()).as("the processor failed while DynamoDB was down").anyMatch(failedBatch);
        faults.restart(Service.DYNAMODB); // same port, same data
        awaitDrained();
        assertCountedOnce(campaign, sent);
    }

    @Test
    void aFunctionCrashedMidRequestAnswers502AndTheNextRequestGetsAFreshEnvironment() {
        String campaign = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        String body = Client.json(Map.of("campaignId", campaign, "adId", "ad0"));
        var host = runtime.functions().entrySet().stream().filter(e -> e.getKey().startsWith("AdClicksRecordClick"))
                .findFirst().orElseThrow().getValue();
        assertThat(api.post("/clicks", null, body).status()).isEqualTo(202);
        assertThat(host.warm()).isTrue();
        faults.add(Rule.of(Service.SQS, Kind.CRASH).function("AdClicksRecordClick").limit(1));
        Client.Response crashed = api.post("/clicks", null, body);
        assertThat(crashed.status()).as("API Gateway's answer to Runtime.ExitError: " + crashed).isEqualTo(502);
        assertThat(host.warm()).as("the crashed environment is discarded").isFalse();
        Client.Response next = api.post("/clicks", null, body);
        assertThat(next.status()).as(next.toString()).isEqualTo(202);
        List<String> recordLog = runtime.invocationLog().stream().filter(l -> l.contains("RecordClick")).toList();
        assertThat(recordLog.get(recordLog.size() - 1)).as("a fresh environment: init again").contains("cold");
        awaitDrained();
        Client.Response stats = api.get("/campaigns/" + campaign + "/stats", adminToken);
        assertThat(stats.json().path("totalClicks").asLong()).as("the crashed request enqueued nothing: " + stats)
                .isEqualTo(2);
    }

    @Test
    void aKeyedRetryAfterAnAmbiguousSaleGetsTheBuyersOwn201() {
        String buyer = newUser();
        String petId = addPet();
        String key = "order-" + UUID.randomUUID();
        String body = Client.json(Map.of("petId", petId));
        // the sale is applied but its answer is a 500, and every retry of the SDK fails too: the request fails
        faults.add(Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_5XX).function(PURCHASE).operation("UpdateItem")
                .resource(PETS_TABLE).limit(1));
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).function(PURCHASE).operation("UpdateItem")
                .resource(PETS_TABLE));
        Client.Response failed = api.send("POST", "/purchases", buyer, body, "Idempotency-Key", key);
        assertThat(failed.status()).as(failed.toString()).isGreaterThanOrEqualTo(500);
        faults.clear();

        Client.Response retry = api.send("POST", "/purchases", buyer, body, "Idempotency-Key", key);
        assertThat(retry.status()).as("the buyer's own sale, not PET_ALREADY_SOLD: " + retry).isEqualTo(201);
        assertThat(retry.json().path("petId").asText()).isEqualTo(petId);
        Client.Response replay = api.send("POST", "/purchases", buyer, body, "Idempotency-Key", key);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(201);
        assertThat(replay.json()).isEqualTo(retry.json());
        assertThat(api.get("/purchases", buyer).json().path("items").findValuesAsText("petId"))
                .containsExactly(petId);
        Client.Response other = api.post("/purchases", newUser(), body);
        assertThat(other.status()).as(other.toString()).isEqualTo(409);
    }

    @Test
    void aSaleWhoseAnswerTimedOutIsTheBuyersOnFirstTry() {
        String buyer = newUser();
        String petId = addPet();
        // applied, then the connection hangs past the SDK's socket timeout: the SDK's retry finds the pet sold
        faults.add(Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_TIMEOUT).function(PURCHASE).operation("UpdateItem")
                .resource(PETS_TABLE).limit(1));
        Client.Response bought = api.send("POST", "/purchases", buyer, Client.json(Map.of("petId", petId)),
                "Idempotency-Key", "order-" + UUID.randomUUID());
        assertThat(faults.rules()).singleElement().satisfies(a -> assertThat(a.injected()).isEqualTo(1));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
    }

    @Test
    void aRedrivenClickLeavesTheDeadLetterQueueAndIsCounted() {
        SqsClient sqs = runtime.provisioner().sqs();
        String dlq = runtime.queueUrl("AdClicksProcessorDeadLetterQueue");
        String campaign = "redrive-" + UUID.randomUUID().toString().substring(0, 8);
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(Client.json(Map.of("clickId", UUID.randomUUID().toString(),
                "campaignId", campaign, "adId", "ad0", "occurredAt", now, "receivedAt", now))));
        assertThat(Redrive.deadLetterQueues(sqs)).containsExactly(dlq);

        Redrive.Result moved = Redrive.redrive(sqs, dlq, java.time.Duration.ofSeconds(30));
        assertThat(moved.status()).as(moved.toString()).isEqualTo("COMPLETED");
        assertThat(moved.moved()).isPositive();
        awaitDrained();
        Client.Response stats = api.get("/campaigns/" + campaign + "/stats", adminToken);
        assertThat(stats.json().path("totalClicks").asLong()).as(stats.toString()).isEqualTo(1);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0)).messages())
                .noneMatch(m -> m.body().contains(campaign));
    }

    private Map<String, Long> sendClicks(String campaign) {
        Map<String, Long> sent = new LinkedHashMap<>();
        for (int i = 0; i < CLICKS / 3; i++) {
            String ad = "ad" + (i % 3);
            Client.Response r = api.post("/clicks", null, Client.json(Map.of("campaignId", campaign, "adId", ad)));
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
            sent.merge(ad, 1L, Long::sum);
        }
        for (int b = 0; b < 4; b++) {
            List<Map<String, String>> clicks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String ad = "ad" + ((b + i) % 3);
                clicks.add(Map.of("campaignId", campaign, "adId", ad));
                sent.merge(ad, 1L, Long::sum);
            }
            Client.Response r = api.post("/clicks/batch", null, Client.json(Map.of("clicks", clicks)));
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
        }
        return sent;
    }

    /** Until the clicks queue has no message, visible or in flight. */
    private void awaitDrained() {
        SqsClient sqs = runtime.provisioner().sqs();
        String queue = runtime.queueUrl("AdClicksProcessorQueue");
        long deadline = System.currentTimeMillis() + DRAIN_MS;
        while (true) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            long left = a.values().stream().mapToLong(Long::parseLong).sum();
            if (left == 0) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("the clicks queue drains within " + DRAIN_MS + " ms (" + a
                    + ")").isLessThan(deadline);
            sleep(500);
        }
    }

    private void assertCountedOnce(String campaign, Map<String, Long> sent) {
        sleep(1_000); // a late write would show now
        Client.Response stats = api.get("/campaigns/" + campaign + "/stats", adminToken);
        assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
        Map<String, Long> counted = new LinkedHashMap<>();
        stats.json().path("byAd").fields().forEachRemaining(e -> counted.put(e.getKey(), e.getValue().asLong()));
        assertThat(counted).as("clicks counted per ad (sent " + sent + ")").isEqualTo(sent);
        assertThat(stats.json().path("totalClicks").asLong()).isEqualTo(CLICKS);
        List<String> dead = new ArrayList<>();
        runtime.provisioner().sqs().receiveMessage(b -> b.queueUrl(runtime.queueUrl(
                "AdClicksProcessorDeadLetterQueue")).maxNumberOfMessages(10).visibilityTimeout(0))
                .messages().forEach(m -> dead.add(m.body()));
        assertThat(dead).as("valid clicks in the dead-letter queue").noneMatch(b -> b.contains(campaign));
    }

    private String newUser() {
        String email = "rel-" + UUID.randomUUID() + "@example.com";
        String password = "Rel#" + UUID.randomUUID().toString().substring(0, 8) + "x9";
        cognito.signUp(runtime.clientId(), email, password);
        cognito.adminConfirmSignUp(runtime.userPoolId(), email);
        return cognito.signIn(runtime.clientId(), email, password).idToken();
    }

    private String addPet() {
        Client.Response created = api.post("/pets", adminToken, Client.json(Map.of("name", "Rel " + UUID.randomUUID(),
                "species", "cat", "price", 42)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("petId").asText();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
