package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API's HTTP edge: what the JDK server answered with HTML, a silent close or not at all is a JSON error;
 * limits are API Gateway's; a slow client is cut off without holding up anyone else.
 */
class HttpFrontTest {
    private HttpFront front;
    private final List<HttpFront.Request> received = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        front = new HttpFront(0, request -> {
            synchronized (received) {
                received.add(request);
            }
            return new HttpFront.Response(200, List.of(Map.entry("Content-Type", "application/json")),
                    ("{\"bytes\":" + request.body().length + "}").getBytes(StandardCharsets.UTF_8));
        }, (type, status, message) -> new HttpFront.Response(status,
                List.of(Map.entry("Content-Type", "application/json")),
                ("{\"error\":{\"code\":\"" + type + "\",\"message\":\"" + message + "\"}}")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        front.close();
    }

    /** Sends raw bytes on a new connection and returns everything the server wrote before closing. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", front.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aMalformedEscapeIsAJsonBadRequest() throws IOException {
        String response = raw("GET /v1/pets?cursor=%%% HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("Content-Type: application/json")
                .contains("\"message\":\"Bad Request: malformed percent-encoding in the query string\"");
        assertThat(received).isEmpty();
    }

    @Test
    void twoHundredHeadersAreServedAndOversizedHeadersAreAJson413() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            headers.append("X-H").append(i).append(": ").append(i).append("\r\n");
        }
        assertThat(raw("GET /v1/pets HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        assertThat(received.get(0).headers()).hasSize(202);
        String big = "X-Big: " + "a".repeat(HttpFront.MAX_HEADER_BYTES) + "\r\n";
        assertThat(raw("GET /v1/pets HTTP/1.1\r\nHost: x\r\n" + big + "\r\n")).startsWith("HTTP/1.1 413")
                .contains("\"code\":\"REQUEST_TOO_LARGE\"");
    }

    @Test
    void bodiesAboveApiGatewaysLimitAreAJson413AndMalformedFramingA400() throws IOException {
        assertThat(raw("POST /v1/clicks HTTP/1.1\r\nHost: x\r\nContent-Length: " + (HttpFront.MAX_BODY_BYTES + 1)
                + "\r\n\r\n")).startsWith("HTTP/1.1 413").contains("REQUEST_TOO_LARGE");
        assertThat(raw("POST /v1/clicks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n{}")).startsWith("HTTP/1.1 400");
        assertThat(raw("POST /v1/clicks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("GET /v1/pets\r\n\r\n")).startsWith("HTTP/1.1 400").contains("application/json");
        assertThat(raw("POST /v1/clicks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close"
                + "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")).startsWith("HTTP/1.1 200").contains("{\"bytes\":5}");
    }

    @Test
    void slowClientsAreCutOffAndDoNotHoldUpOthers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // a few dozen clients trickling a body, a byte now and then
            for (int i = 0; i < 40; i++) {
                Socket s = new Socket("127.0.0.1", front.port());
                s.getOutputStream().write("POST /v1/clicks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long started = System.nanoTime();
            HttpResponse<String> quick = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + front.port() + "/v1/pets")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(quick.statusCode()).isEqualTo(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);

            Socket first = slow.get(0);
            first.setSoTimeout(HttpFront.REQUEST_TIMEOUT_MS + 10_000);
            CompletableFuture<String> cutOff = CompletableFuture.supplyAsync(() -> {
                try {
                    OutputStream out = first.getOutputStream();
                    InputStream in = first.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    for (int i = 0; i < 30; i++) { // keep trickling: the server must still cut it off
                        out.write('a');
                        out.flush();
                        Thread.sleep(500);
                        if (in.available() > 0) {
                            break;
                        }
                    }
                    got.write(in.readAllBytes());
                    return got.toString(StandardCharsets.ISO_8859_1);
                } catch (Exception e) {
                    return "failed: " + e;
                }
            });
            String response = cutOff.get(HttpFront.REQUEST_TIMEOUT_MS + 20_000, TimeUnit.MILLISECONDS);
            assertThat(response).startsWith("HTTP/1.1 408").contains("application/json")
                    .contains("Connection: close");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void keepAliveAndExpectContinueWork() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + front.port() + "/v1/clicks")).expectContinue(i == 1)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"bytes\":7}");
        }
    }
}
