package dev.serverlesskit.test.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.serverlesskit.infra.FunctionJars;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.StageModel;
import dev.serverlesskit.local.gateway.Service;
import dev.serverlesskit.local.iam.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's smoke step against a local stage: {@code SmokeRun} from the delivery jar in its own JVM, as the
 * step runs it, with the credentials of a session of the stage's smoke role (so every Cognito call it makes is checked
 * against that role's policies by the runtime's gateway) and the stage's outputs in its environment. The two secrets
 * are served by a stand-in for Secrets Manager's GetSecretValue (the local runtime has none), holding passwords made
 * for this run.
 */
final class PipelineSmokeTests {
    /** What the run printed and its exit status (0 passed, 1 a flow failed). */
    record Run(int exitStatus, String output) {
        @Override
        public String toString() {
            return "exit " + exitStatus + "\n" + output;
        }
    }

    private PipelineSmokeTests() {
    }

    static Run run(LocalRuntime runtime) {
        String role = only(runtime.model().template(), "AWS::IAM::Role", "SmokeTestsRole");
        String client = runtime.model().userPoolClients().stream().map(StageModel.UserPoolClient::logicalId)
                .filter(id -> id.startsWith("SmokeTestsClient")).findFirst()
                .orElseThrow(() -> new AssertionError("no smoke tests client in the stage"));
        Sessions.Session session = runtime.assumeRole(role, "smoke-tests");
        String buyerArn = "arn:aws:secretsmanager:" + runtime.model().region() + ":000000000000:secret:smoke-buyer";
        String adminArn = "arn:aws:secretsmanager:" + runtime.model().region() + ":000000000000:secret:smoke-admin";
        Map<String, String> secrets = Map.of(
                buyerArn, secret("smoke-buyer@example.com"),
                adminArn, secret("smoke-admin@example.com"));
        HttpServer secretsManager = secretsManager(secrets);
        try {
            Path jar = ProjectFiles.root().resolve(FunctionJars.Group.DELIVERY.path());
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", jar.toString(), "dev.serverlesskit.app.delivery.SmokeRun")
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SMOKE_"));
            env.put("SMOKE_API_URL", runtime.apiUrl());
            env.put("SMOKE_USER_POOL_ID", runtime.userPoolId());
            env.put("SMOKE_CLIENT_ID", runtime.provisioner().clientId(client));
            env.put("SMOKE_BUYER_SECRET", buyerArn);
            env.put("SMOKE_ADMIN_SECRET", adminArn);
            env.put("SMOKE_REGION", runtime.model().region());
            env.put("AWS_ACCESS_KEY_ID", session.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", session.secretAccessKey());
            env.put("AWS_SESSION_TOKEN", session.sessionToken());
            env.put("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", runtime.gateway(Service.COGNITO_IDP).endpoint());
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + secretsManager.getAddress().getPort());
            Process p = pb.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the smoke run did not end within 120 s:\n" + output);
            }
            return new Run(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            secretsManager.stop(0);
        }
    }

    /** A user's secret as Secrets Manager generates it: the username and a password of every class, 32 long. */
    private static String secret(String username) {
        String password = "Sm0ke!" + UUID.randomUUID().toString().replace("-", "").substring(0, 26);
        return Json.MAPPER.createObjectNode().put("username", username).put("password", password).toString();
    }

    /** GetSecretValue of {@code secrets} (by ARN), and ResourceNotFoundException for any other secret. */
    private static HttpServer secretsManager(Map<String, String> secrets) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                String id = Json.MAPPER.readTree(exchange.getRequestBody()).path("SecretId").asText();
                String value = "secretsmanager.GetSecretValue".equals(target) ? secrets.get(id) : null;
                byte[] body = (value == null
                        ? "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no secret " + id + "\"}"
                        : Json.MAPPER.createObjectNode().put("ARN", id).put("SecretString", value).toString())
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(value == null ? 400 : 200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String only(com.fasterxml.jackson.databind.JsonNode template, String type, String prefix) {
        List<String> ids = new java.util.ArrayList<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith(prefix) && type.equals(e.getValue().path("Type").asText())) {
                ids.add(e.getKey());
            }
        });
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + " " + prefix + "* in the stage, found " + ids);
        }
        return ids.get(0);
    }
}
