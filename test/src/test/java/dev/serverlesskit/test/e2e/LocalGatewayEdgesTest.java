package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.local.LocalRuntime;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The dev stage's API at its edges, as a client can reach them: malformed requests, many headers, a body the
 * handler refuses (the app's routes have no request models: see {@link RequestModelTest}) and CORS origins. Every
 * answer is JSON in the app's error shape.
 */
@Order(1) // beside DevEndToEndTest, on the same running dev stage
class LocalGatewayEdgesTest {
    private static LocalRuntime runtime;
    private static Client api;

    @BeforeAll
    static void start() {
        runtime = LocalStage.runtime("dev");
        api = new Client(runtime.apiUrl());
    }

    private static String raw(String request) throws IOException {
        URI base = URI.create(runtime.apiUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One request from {@code clientAddress} (a loopback address of its own: a client WAF tells apart). */
    private static String rawFrom(String clientAddress, String request) throws IOException {
        URI base = URI.create(runtime.apiUrl());
        try (Socket socket = new Socket(java.net.InetAddress.getByName(base.getHost()), base.getPort(),
                java.net.InetAddress.getByName(clientAddress), 0)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void oneClientOverTheStagesPerClientRateGetsWafs429WhileAnotherClientIsServed() throws IOException {
        // dev's clientRateLimit (cdk.json): requests per client in 5 minutes, counted by the stage's web ACL before
        // API Gateway's own throttling, whose 429s (THROTTLED) the burst below also meets
        int limit = dev.serverlesskit.infra.StageConfig.parseAll(dev.serverlesskit.infra.ProjectFiles.cdkContext()
                .get(dev.serverlesskit.infra.StageConfig.CONTEXT_KEY)).get(0).clientRateLimit();
        String get = "GET /v1/pets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        for (int i = 0; i < limit; i++) {
            String response = rawFrom("127.0.0.2", get);
            assertThat(response).as("request " + (i + 1)).doesNotContain("TOO_MANY_REQUESTS");
        }
        String blocked = rawFrom("127.0.0.2", get);
        assertThat(blocked).startsWith("HTTP/1.1 429").contains("Content-Type: application/json")
                .contains("Retry-After: 1").contains("{\"error\":{\"code\":\"TOO_MANY_REQUESTS\"");
        sleep(2_100); // the stage's token bucket (dev: 20 a second, burst 40) refills, for this and later tests
        assertThat(rawFrom("127.0.0.3", get)).as("another client").startsWith("HTTP/1.1 200");
        assertThat(rawFrom("127.0.0.2", get)).as("still within its window").startsWith("HTTP/1.1 429")
                .contains("TOO_MANY_REQUESTS");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMalformedEscapeGetsTheAppsJsonError() throws IOException {
        String response = raw("GET /v1/pets?cursor=%%% HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("Content-Type: application/json")
                .contains("{\"error\":{\"code\":\"DEFAULT_4XX\"");
    }

    @Test
    void twoHundredRequestHeadersAreServed() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            headers.append("X-Extra-").append(i).append(": v\r\n");
        }
        String response = raw("GET /v1/pets HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"items\"");
    }

    @Test
    void withoutAModelTheHandlerNamesTheFieldAtFault() {
        Client.Response refused = api.send("POST", "/clicks", null, "{\"campaignId\":\"spring sale!\",\"adId\":\"b\"}",
                "Content-Type", "application/json");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.fromGateway()).as("answered by the function: " + refused).isFalse();
        assertThat(refused.raw().body()).contains("campaignId");
    }

    @Test
    void onlyAnAllowedOriginIsNamedInPreflightAndResponses() {
        String allowed = "http://localhost:5173"; // dev's corsAllowOrigins
        Client.Response preflight = api.send("OPTIONS", "/pets", null, null, "Origin", allowed);
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(allowed);
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Idempotency-Key");
        Client.Response other = api.send("OPTIONS", "/pets", null, null, "Origin", "https://evil.example");
        assertThat(other.status()).isEqualTo(204);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();

        Client.Response get = api.send("GET", "/pets", null, null, "Origin", allowed);
        assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo(allowed);
        assertThat(get.header("Vary")).isEqualTo("Origin");
        Client.Response evil = api.send("GET", "/pets", null, null, "Origin", "https://evil.example");
        assertThat(evil.status()).isEqualTo(200);
        assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
    }
}
