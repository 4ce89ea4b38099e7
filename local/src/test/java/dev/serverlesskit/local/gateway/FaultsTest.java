package dev.serverlesskit.local.gateway;

import static dev.serverlesskit.local.gateway.EngineGatewayTest.as;
import static dev.serverlesskit.local.gateway.EngineGatewayTest.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.local.gateway.Faults.Kind;
import dev.serverlesskit.local.gateway.Faults.Rule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Fault injection at the gateway, with the AWS SDK calling (so each error is checked as the SDK classifies it:
 * throttling, retryable 5xx, I/O) and the fake engine of {@link EngineGatewayTest} recording what reached it.
 */
class FaultsTest {
    private final List<String> log = new ArrayList<>();
    private Faults faults;

    @BeforeAll
    static void start() throws IOException {
        EngineGatewayTest.start();
    }

    @AfterAll
    static void stop() {
        EngineGatewayTest.stop();
    }

    @BeforeEach
    void install() {
        EngineGatewayTest.reached.clear();
        faults = new Faults(7, log::add);
        EngineGatewayTest.dynamo.hook(faults);
        EngineGatewayTest.sqs.hook(faults);
    }

    @AfterEach
    void uninstall() {
        faults.clear();
        EngineGatewayTest.dynamo.hook(null);
        EngineGatewayTest.sqs.hook(null);
    }

    private static DynamoDbClient client() {
        return EngineGatewayTest.dynamo(as(EngineGatewayTest.addPet));
    }

    private static List<String> reached() {
        return EngineGatewayTest.reached;
    }

    @Test
    void throttlingHasDynamoDbsShapeAndIsNotForwarded() {
        faults.add(Rule.of(Service.DYNAMODB, Kind.THROTTLE));
        try (DynamoDbClient c = client()) {
            assertThatThrownBy(() -> c.getItem(b -> b.tableName("Pets").key(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                        assertThat(e.isThrottlingException()).isTrue();
                    });
        }
        assertThat(reached()).isEmpty();
        assertThat(faults.rules()).singleElement().satisfies(a -> assertThat(a.injected()).isEqualTo(1));
    }

    @Test
    void sqsThrottlingHasSqsShape() {
        faults.add(Rule.of(Service.SQS, Kind.THROTTLE));
        try (SqsClient c = EngineGatewayTest.sqs(as(EngineGatewayTest.addPet))) {
            assertThatThrownBy(() -> c.sendMessage(b -> b.queueUrl(EngineGatewayTest.QUEUE_URL).messageBody("x")))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestThrottled");
                        assertThat(e.isThrottlingException()).isTrue();
                    });
        }
        assertThat(reached()).isEmpty();
    }

    @Test
    void a5xxIsNotForwardedButApplyThen5xxIs() {
        int plain = faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX));
        try (DynamoDbClient c = client()) {
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
                    });
            assertThat(reached()).isEmpty();
            faults.remove(plain);
            faults.add(Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_5XX));
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        }
        assertThat(reached()).containsExactly("DynamoDB_20120810.PutItem"); // applied, though the caller got a 500
    }

    @Test
    void aTimeoutDropsTheConnectionAfterItsDelayAppliedOrNot() {
        faults.add(Rule.of(Service.DYNAMODB, Kind.TIMEOUT).millis(300).limit(1));
        faults.add(Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_TIMEOUT).millis(300).limit(1));
        try (DynamoDbClient c = client()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOf(SdkClientException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(300);
            assertThat(reached()).isEmpty();
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOf(SdkClientException.class);
            assertThat(reached()).containsExactly("DynamoDB_20120810.PutItem");
            c.putItem(b -> b.tableName("Pets").item(item())); // both limits reached: back to normal
        }
        assertThat(reached()).hasSize(2);
    }

    @Test
    void latencyDelaysAndForwards() {
        faults.add(Rule.of(Service.DYNAMODB, Kind.LATENCY).millis(250));
        try (DynamoDbClient c = client()) {
            long t0 = System.nanoTime();
            c.getItem(b -> b.tableName("Pets").key(item()));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
        }
        assertThat(reached()).containsExactly("DynamoDB_20120810.GetItem");
    }

    @Test
    void rulesNarrowByFunctionAndOperation() {
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).function("some-other-function"));
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).resource("table/Other"));
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).operation("PutItem").resource("table/Pets"));
        try (DynamoDbClient c = client()) {
            c.getItem(b -> b.tableName("Pets").key(item()));
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOf(DynamoDbException.class);
        }
        faults.clear();
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).function("add-pet"));
        try (DynamoDbClient c = client()) {
            assertThatThrownBy(() -> c.getItem(b -> b.tableName("Pets").key(item())))
                    .isInstanceOf(DynamoDbException.class);
        }
        assertThat(reached()).containsExactly("DynamoDB_20120810.GetItem");
    }

    @Test
    void theSameSeedPicksTheSameCalls() {
        assertThat(pattern(7)).isEqualTo(pattern(7)).isNotEqualTo(pattern(8));
        String p = pattern(7);
        long picked = p.chars().filter(ch -> ch == 'x').count();
        assertThat(picked).isBetween(8L, 32L); // share 0.5 of 40 calls
    }

    private String pattern(long seed) {
        faults.clear();
        faults.seed(seed);
        faults.add(Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).share(0.5));
        StringBuilder b = new StringBuilder();
        try (DynamoDbClient c = client()) {
            for (int i = 0; i < 40; i++) {
                try {
                    c.getItem(r -> r.tableName("Pets").key(item()));
                    b.append('.');
                } catch (DynamoDbException e) {
                    b.append('x');
                }
            }
        }
        return b.toString();
    }

    @Test
    void aPausedEngineHoldsCallsUntilResumed() throws Exception {
        faults.pause(Service.DYNAMODB);
        try (DynamoDbClient c = client()) {
            CompletableFuture<Void> call = CompletableFuture.runAsync(() ->
                    c.getItem(b -> b.tableName("Pets").key(item())));
            Thread.sleep(400);
            assertThat(call).isNotDone();
            assertThat(reached()).isEmpty();
            faults.resume(Service.DYNAMODB);
            call.get(5, TimeUnit.SECONDS);
        }
        assertThat(reached()).containsExactly("DynamoDB_20120810.GetItem");
        assertThat(log).contains("FAULT paused DynamoDB", "FAULT resumed DynamoDB");
    }

    @Test
    void rulesParseFromTextNamingTheBadField() {
        assertThat(Faults.parse("kind=apply-then-5xx,service=dynamodb,operation=UpdateItem,share=0.25,limit=3"))
                .isEqualTo(new Rule(Service.DYNAMODB, null, "UpdateItem", null, Kind.APPLY_THEN_5XX, 0.25, 0, 3));
        assertThatThrownBy(() -> Faults.parse("kind=explode")).hasMessageContaining("'kind'");
        assertThatThrownBy(() -> Faults.parse("kind=throttle,service=s3")).hasMessageContaining("service must be");
        assertThatThrownBy(() -> Faults.parse("kind=throttle,share=2")).hasMessageContaining("share");
        assertThatThrownBy(() -> Faults.parse("kind=throttle,sahre=1")).hasMessageContaining("'sahre'");
    }

    @Test
    void theAdminEndpointAddsListsAndClearsRules() throws Exception {
        try (FaultsEndpoint endpoint = new FaultsEndpoint(faults, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(endpoint.url()
                    + "/faults?kind=throttle&service=dynamodb")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).isEqualTo(201);
            try (DynamoDbClient c = client()) {
                assertThatThrownBy(() -> c.getItem(b -> b.tableName("Pets").key(item())))
                        .isInstanceOf(DynamoDbException.class);
            }
            HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/faults"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.body()).contains("\"injected\":1", "THROTTLE DynamoDB");
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/faults"))
                    .POST(HttpRequest.BodyPublishers.ofString("kind=throttle,share=lots")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("BAD_FAULT", "'share'");
            HttpResponse<String> paused = http.send(HttpRequest.newBuilder(URI.create(endpoint.url()
                    + "/engines/sqs/pause")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(paused.body()).contains("\"paused\":[\"sqs\"]");
            http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/faults")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(faults.rules()).isEmpty();
            assertThat(faults.paused(Service.SQS)).isFalse();
        }
    }

    /** Records what the faults ask of the runtime. */
    private static final class FakeControl implements Faults.Control {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized int crash(String function) {
            calls.add("crash " + function);
            return 1;
        }

        @Override
        public synchronized void kill(Service service) {
            calls.add("kill " + service.label());
        }

        @Override
        public synchronized void restart(Service service) {
            calls.add("restart " + service.label());
        }
    }

    @Test
    void aCrashEndsTheCallersEnvironmentBeforeOrAfterTheCallIsApplied() {
        FakeControl control = new FakeControl();
        faults.control(control);
        faults.add(Rule.of(Service.DYNAMODB, Kind.CRASH).limit(1));
        faults.add(Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_CRASH).limit(1));
        try (DynamoDbClient c = client()) {
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOf(SdkClientException.class);
            assertThat(reached()).isEmpty();
            assertThat(control.calls).containsExactly("crash " + EngineGatewayTest.addPet.function());
            assertThatThrownBy(() -> c.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOf(SdkClientException.class);
        }
        assertThat(reached()).containsExactly("DynamoDB_20120810.PutItem"); // the second was applied, then crashed
        assertThat(control.calls).hasSize(2);
        assertThat(log).anyMatch(l -> l.startsWith("FAULT crashed the environment of "));
    }

    @Test
    void killAndRestartGoThroughTheRuntimeOnceEachAndClearRestarts() {
        FakeControl control = new FakeControl();
        assertThatThrownBy(() -> faults.kill(Service.DYNAMODB)).hasMessageContaining("no runtime");
        faults.control(control);
        faults.kill(Service.DYNAMODB);
        assertThat(faults.killed(Service.DYNAMODB)).isTrue();
        assertThatThrownBy(() -> faults.kill(Service.DYNAMODB)).hasMessageContaining("already killed");
        assertThatThrownBy(() -> faults.restart(Service.SQS)).hasMessageContaining("not killed");
        faults.clear(); // a test that fails between kill and restart leaves the engine running for the next
        assertThat(faults.killed(Service.DYNAMODB)).isFalse();
        assertThat(control.calls).containsExactly("kill DynamoDB", "restart DynamoDB");
    }

    @Test
    void theAdminEndpointKillsRestartsAndCrashes() throws Exception {
        FakeControl control = new FakeControl();
        faults.control(control);
        try (FaultsEndpoint endpoint = new FaultsEndpoint(faults, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> killed = post(http, endpoint.url() + "/engines/dynamodb/kill");
            assertThat(killed.statusCode()).isEqualTo(200);
            assertThat(killed.body()).contains("\"killed\":[\"dynamodb\"]");
            assertThat(post(http, endpoint.url() + "/engines/dynamodb/kill").body()).contains("BAD_FAULT",
                    "already killed");
            assertThat(post(http, endpoint.url() + "/engines/dynamodb/restart").body()).contains("\"killed\":[]");
            HttpResponse<String> crashed = post(http, endpoint.url() + "/functions/AdClicksProcessor/crash");
            assertThat(crashed.body()).contains("{\"ended\":1}");
            assertThat(post(http, endpoint.url() + "/functions/x/explode").statusCode()).isEqualTo(404);
        }
        assertThat(control.calls).containsExactly("kill DynamoDB", "restart DynamoDB", "crash AdClicksProcessor");
    }

    private static HttpResponse<String> post(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
