package dev.serverlesskit.test.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A client of the local API over HTTP, as a browser or app would call the deployed one. */
final class Client {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, JsonNode json, HttpResponse<String> raw) {
        String errorCode() {
            return json.path("error").path("code").asText(null);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** A 4xx/5xx API Gateway produced itself (authorizer, throttling, integration), not the function. */
        boolean fromGateway() {
            return header("x-amzn-ErrorType") != null;
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    private final String baseUrl;

    Client(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    HttpRequest request(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    Response send(String method, String path, String token, String body, String... headers) {
        try {
            return wrap(HTTP.send(request(method, path, token, body, headers), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<Response> sendAsync(String method, String path, String token, String body) {
        return HTTP.sendAsync(request(method, path, token, body), HttpResponse.BodyHandlers.ofString())
                .thenApply(Client::wrap);
    }

    Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    Response post(String path, String token, String body) {
        return send("POST", path, token, body);
    }

    private static Response wrap(HttpResponse<String> r) {
        JsonNode json;
        try {
            json = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new Response(r.statusCode(), json, r);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
