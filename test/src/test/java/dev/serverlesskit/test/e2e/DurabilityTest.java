package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.CognitoLocal;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.test.Synthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code --data}: what a local runtime accepted survives a restart on the same data directory. A message waiting in
 * a queue is still there (ElasticMQ's queues and messages are kept in the data directory), and an ID token issued
 * before the restart still signs in to the API (cognito-local's port, and so the tokens' issuer, is kept there too).
 */
@Order(2)
class DurabilityTest {
    /**
     * A clean stop (SIGTERM: the shutdown hook stops the engines) and a restart on the same data directory. In
     * processes of their own, as scripts/run-local runs them: ElasticMQ keeps one persistence database per JVM, so a
     * runtime on this directory in the tests' JVM would refuse to start after another test's.
     */
    @Test
    void aQueuedMessageAndAnIssuedTokenSurviveARestart() throws Exception {
        LocalStage.stopRunning(); // one stage at a time on two cores
        Path data = Files.createTempDirectory(Files.createDirectories(ProjectFiles.root().resolve("test/target")),
                "local-data");
        Path logs = data.resolveSibling(data.getFileName() + "-logs");
        String body = "{\"kept\":\"" + UUID.randomUUID() + "\"}";
        String token;
        Process first = startProcess(data, logs, "first");
        try {
            JsonNode state = awaitState(first, logs);
            token = new CognitoLocal(state.path("cognito").asText()).signIn(state.path("clientId").asText(),
                    LocalRuntime.TEST_USER, LocalRuntime.TEST_PASSWORD).idToken();
            assertThat(new Client(state.path("api").asText()).get("/purchases", token).status()).isEqualTo(200);
            try (SqsClient sqs = sqs(state)) { // no consumer on the dead-letter queue: the message waits there
                sqs.sendMessage(b -> b.queueUrl(queue(state, "AdClicksProcessorDeadLetterQueue")).messageBody(body));
            }
        } finally {
            stop(first);
        }
        Process second = startProcess(data, logs, "second");
        try {
            JsonNode state = awaitState(second, logs);
            Client.Response mine = new Client(state.path("api").asText()).get("/purchases", token);
            assertThat(mine.status()).as("a token issued before the restart: " + mine).isEqualTo(200);
            List<String> kept = new ArrayList<>();
            try (SqsClient sqs = sqs(state)) {
                sqs.receiveMessage(b -> b.queueUrl(queue(state, "AdClicksProcessorDeadLetterQueue"))
                        .maxNumberOfMessages(10).waitTimeSeconds(1)).messages().forEach(m -> kept.add(m.body()));
            }
            assertThat(kept).as("messages in the dead-letter queue after the restart").contains(body);
        } finally {
            stop(second);
        }
    }

    /**
     * {@code kill -9} of the runtime's process (no shutdown hook runs) and a restart on the same data directory:
     * every message ElasticMQ accepted (sent just before the kill), the item dynalite wrote and the ID token issued
     * before are there after. The Node engines end with the runtime (their stdin closes), so nothing holds the
     * data directory or the saved Cognito port when it starts again.
     */
    @Test
    void queuedMessagesAnItemAndATokenSurviveKillDashNine() throws Exception {
        LocalStage.stopRunning();
        Path root = ProjectFiles.root();
        Path data = Files.createTempDirectory(Files.createDirectories(root.resolve("test/target")), "local-data-kill");
        Path logs = data.resolveSibling(data.getFileName() + "-logs");
        List<String> bodies = new ArrayList<>();
        String token;
        String petId;
        Process first = startProcess(data, logs, "first");
        try {
            JsonNode state = awaitState(first, logs);
            CognitoLocal cognito = new CognitoLocal(state.path("cognito").asText());
            String clientId = state.path("clientId").asText();
            token = cognito.signIn(clientId, LocalRuntime.TEST_USER, LocalRuntime.TEST_PASSWORD).idToken();
            String admin = cognito.signIn(clientId, LocalRuntime.ADMIN_USER, LocalRuntime.ADMIN_PASSWORD).idToken();
            Client api = new Client(state.path("api").asText());
            Client.Response pet = api.post("/pets", admin, Client.json(java.util.Map.of("name", "Kept",
                    "species", "cat", "price", 7)));
            assertThat(pet.status()).as(pet.toString()).isEqualTo(201);
            petId = pet.json().path("petId").asText();
            try (SqsClient sqs = sqs(state)) {
                String dlq = queue(state, "AdClicksProcessorDeadLetterQueue");
                for (int i = 0; i < 20; i++) {
                    String body = "{\"kept\":\"" + UUID.randomUUID() + "\"}";
                    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(body));
                    bodies.add(body);
                }
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: right after the last send was answered
            first.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        Process second = startProcess(data, logs, "second");
        try {
            JsonNode state = awaitState(second, logs);
            Client api = new Client(state.path("api").asText());
            Client.Response mine = api.get("/purchases", token);
            assertThat(mine.status()).as("a token issued before the kill: " + mine).isEqualTo(200);
            Client.Response pet = api.get("/pets/" + petId, null);
            assertThat(pet.status()).as("an item written before the kill: " + pet).isEqualTo(200);
            List<String> kept = new ArrayList<>();
            try (SqsClient sqs = sqs(state)) {
                String dlq = queue(state, "AdClicksProcessorDeadLetterQueue");
                for (int i = 0; i < 5 && kept.size() < bodies.size(); i++) {
                    sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(60)
                            .waitTimeSeconds(1)).messages().forEach(m -> kept.add(m.body()));
                }
            }
            assertThat(kept).as("every message accepted before the kill").containsExactlyInAnyOrderElementsOf(bodies);
        } finally {
            stop(second);
        }
    }

    /**
     * A clean stop: SIGTERM, whose shutdown hook stops the engines; if the runtime has not ended within 30 s, it and
     * its engines are killed, so that the next start does not find them holding the data directory or the port.
     */
    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> engines = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            engines.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The runtime in a process of its own ({@code LocalRuntime}'s main, as scripts/run-local starts it). */
    private static Process startProcess(Path data, Path logs, String name) throws IOException {
        Files.createDirectories(logs);
        Files.deleteIfExists(logs.resolve("runtime.json"));
        Path root = ProjectFiles.root();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.serverlesskit.local.LocalRuntime", "--stage", "dev", "--project-dir", root.toString(),
                "--cdk-out", Synthesis.shared().outdir().toString(), "--port", "0", "--data", data.toString(),
                "--log-dir", logs.toString()).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".out").toFile()).start();
    }

    private static JsonNode awaitState(Process p, Path logs) throws Exception {
        Path state = logs.resolve("runtime.json");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.exists(state)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("the runtime did not start: " + Files.readString(logs.resolve(
                        (Files.exists(logs.resolve("second.out")) ? "second" : "first") + ".out")));
            }
            Thread.sleep(200);
        }
        Thread.sleep(200); // written in one call; let it finish
        return new ObjectMapper().readTree(state.toFile());
    }

    private static SqsClient sqs(JsonNode state) {
        return SqsClient.builder().region(Region.of(state.path("region").asText()))
                .endpointOverride(java.net.URI.create(state.path("sqs").asText()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static String queue(JsonNode state, String prefix) {
        for (var it = state.path("queues").fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(prefix)) {
                return e.getValue().asText();
            }
        }
        throw new AssertionError("no queue " + prefix + " in " + state);
    }
}
