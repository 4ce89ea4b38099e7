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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code --data}: what a local runtime accepted survives a restart on the same data directory. A message waiting in
 * a queue is still there (ElasticMQ's queues and messages are kept in the data directory), and an ID token issued
 * before the restart still signs in to the API (cognito-local's port, and so the tokens' issuer, is kept there too).
 */
@Order(2)
class DurabilityTest {
    @Test
    void aQueuedMessageAndAnIssuedTokenSurviveARestart() throws IOException {
        LocalStage.stopRunning(); // one stage at a time on two cores
        Path data = Files.createTempDirectory(ProjectFiles.root().resolve("test/target"), "local-data");
        String body = "{\"kept\":\"" + UUID.randomUUID() + "\"}";
        String token;
        String dlq;
        try (LocalRuntime first = start(data)) {
            token = new CognitoLocal(first.engines().cognitoEndpoint()).signIn(first.clientId(),
                    LocalRuntime.TEST_USER, LocalRuntime.TEST_PASSWORD).idToken();
            assertThat(new Client(first.apiUrl()).get("/purchases", token).status()).isEqualTo(200);
            dlq = first.queueUrl("AdClicksProcessorDeadLetterQueue"); // no consumer: the message waits there
            first.provisioner().sqs().sendMessage(b -> b.queueUrl(first.queueUrl("AdClicksProcessorDeadLetterQueue"))
                    .messageBody(body));
        }
        try (LocalRuntime second = start(data)) {
            Client.Response mine = new Client(second.apiUrl()).get("/purchases", token);
            assertThat(mine.status()).as("a token issued before the restart: " + mine).isEqualTo(200);
            List<String> kept = new ArrayList<>();
            second.provisioner().sqs().receiveMessage(b -> b.queueUrl(second.queueUrl(
                    "AdClicksProcessorDeadLetterQueue")).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages().forEach(m -> kept.add(m.body()));
            assertThat(kept).as("messages in " + dlq + " after the restart").contains(body);
        }
    }

    private static LocalRuntime start(Path data) {
        Path root = ProjectFiles.root();
        return LocalRuntime.start(new LocalRuntime.Options("dev", Synthesis.shared().outdir(), 0, data, root,
                root.resolve("test/target/e2e-logs/dev-data"), false, 1, true));
    }
}
