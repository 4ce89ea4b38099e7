package dev.serverlesskit.local.iam;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The container credentials endpoint SnapStart functions get their role's credentials from
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, with the {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} value in the
 * {@code Authorization} header), on loopback as the SDK requires of an http URI. A known token gets its session's
 * credentials in the shape the endpoint returns ({@code AccessKeyId}, {@code SecretAccessKey}, {@code Token},
 * {@code Expiration}); anything else is refused.
 */
public final class CredentialsEndpoint implements AutoCloseable {
    public static final String PATH = "/2021-04-23/credentials";

    private final Sessions sessions;
    private final Consumer<String> log;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();

    public CredentialsEndpoint(Sessions sessions, Consumer<String> log) throws IOException {
        this.sessions = sessions;
        this.log = log;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "credentials-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The value of {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** How many times a function fetched its credentials. */
    public long served(String function) {
        AtomicLong n = served.get(function);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String token = exchange.getRequestHeaders().getFirst("Authorization");
            Sessions.Session s = sessions.byContainerToken(token);
            if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals(PATH)) {
                send(exchange, 404, "{\"code\":\"NotFound\",\"message\":\"GET " + PATH + "\"}");
            } else if (s == null) {
                log.accept(String.format("%-40s %-22s %4s %s", "credentials endpoint", "-", "AUTH",
                        token == null ? "no Authorization header" : "unknown authorization token: refused"));
                send(exchange, 401, "{\"code\":\"InvalidToken\",\"message\":\"Invalid authorization token\"}");
            } else {
                served.computeIfAbsent(s.function(), k -> new AtomicLong()).incrementAndGet();
                send(exchange, 200, "{\"AccessKeyId\":\"" + s.accessKeyId() + "\",\"SecretAccessKey\":\""
                        + s.secretAccessKey() + "\",\"Token\":\"" + s.sessionToken() + "\",\"Expiration\":\""
                        + DateTimeFormatter.ISO_INSTANT.format(s.expiration().truncatedTo(ChronoUnit.SECONDS))
                        + "\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, b.length);
        exchange.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
