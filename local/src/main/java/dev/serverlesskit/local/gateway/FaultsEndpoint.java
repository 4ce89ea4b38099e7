package dev.serverlesskit.local.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The fault injection's admin endpoint, on loopback only, for a runtime started from the command line
 * ({@code --faults PORT}); local/README.md shows its use with curl. Rules take the text form of
 * {@link Faults#parse}, as a query string or a form body:
 * <pre>
 * GET    /faults                                   the seed, the paused engines, the rules with their counts
 * POST   /faults?kind=THROTTLE&amp;service=dynamodb&amp;share=0.2   adds a rule: {"id":1}
 * DELETE /faults/1                                 removes rule 1
 * DELETE /faults                                   removes every rule and resumes every engine
 * POST   /faults/seed?value=42                     the seed of the rules added next
 * POST   /engines/dynamodb/pause | /resume         holds an engine's calls until resumed
 * POST   /engines/dynamodb/kill | /restart         kills an engine's process (SIGKILL), starts it again
 * POST   /functions/AdClicksProcessor/crash        crashes a function's environment now: {"ended":2}
 * </pre>
 * A bad request is {@code 400 {"error":{"code":"BAD_FAULT","message":...}}} naming the field.
 */
public final class FaultsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final Faults faults;

    public FaultsEndpoint(Faults faults, int port) throws IOException {
        this.faults = faults;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 16);
        server.createContext("/faults", this::faultsRoute);
        server.createContext("/engines/", this::engines);
        server.createContext("/functions/", this::functions);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void faultsRoute(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if (path.equals("/faults") || path.equals("/faults/")) {
                switch (method) {
                    case "GET" -> send(x, 200, state());
                    case "POST" -> send(x, 201, "{\"id\":" + faults.add(Faults.parse(params(x))) + "}");
                    case "DELETE" -> {
                        faults.clear();
                        send(x, 200, state());
                    }
                    default -> send(x, 405, error("METHOD_NOT_ALLOWED", method + " " + path));
                }
            } else if (path.equals("/faults/seed") && method.equals("POST")) {
                String p = params(x);
                if (!p.startsWith("value=")) {
                    throw new IllegalArgumentException("field 'value' (the seed, an integer) is required");
                }
                faults.seed(Long.parseLong(p.substring("value=".length()).trim()));
                send(x, 200, state());
            } else if (method.equals("DELETE")) {
                int id = Integer.parseInt(path.substring("/faults/".length()));
                boolean removed = faults.remove(id);
                send(x, removed ? 200 : 404, removed ? state() : error("NOT_FOUND", "no fault rule " + id));
            } else {
                send(x, 404, error("NOT_FOUND", method + " " + path));
            }
        } catch (IllegalArgumentException e) {
            send(x, 400, error("BAD_FAULT", e.getMessage()));
        } finally {
            x.close();
        }
    }

    private void engines(HttpExchange x) throws IOException {
        try {
            String[] parts = x.getRequestURI().getPath().split("/");
            if (parts.length != 4 || !x.getRequestMethod().equals("POST")
                    || !java.util.List.of("pause", "resume", "kill", "restart").contains(parts[3])) {
                send(x, 404, error("NOT_FOUND", "POST /engines/{dynamodb|sqs|cognito}/{pause|resume|kill|restart}"));
                return;
            }
            Service s = Faults.service(parts[2]);
            switch (parts[3]) {
                case "pause" -> faults.pause(s);
                case "resume" -> faults.resume(s);
                case "kill" -> faults.kill(s);
                default -> faults.restart(s);
            }
            send(x, 200, state());
        } catch (IllegalArgumentException | IllegalStateException e) {
            send(x, 400, error("BAD_FAULT", e.getMessage()));
        } finally {
            x.close();
        }
    }

    private void functions(HttpExchange x) throws IOException {
        try {
            String[] parts = x.getRequestURI().getPath().split("/");
            if (parts.length != 4 || !x.getRequestMethod().equals("POST") || !parts[3].equals("crash")) {
                send(x, 404, error("NOT_FOUND", "POST /functions/{logical id or name}/crash"));
                return;
            }
            send(x, 200, "{\"ended\":" + faults.crash(parts[2]) + "}");
        } catch (IllegalArgumentException | IllegalStateException e) {
            send(x, 400, error("BAD_FAULT", e.getMessage()));
        } finally {
            x.close();
        }
    }

    private String state() {
        String paused = java.util.Arrays.stream(Service.values()).filter(faults::paused)
                .map(s -> Service.quote(s.signingName())).collect(Collectors.joining(","));
        String rules = faults.rules().stream().map(a -> "{\"id\":" + a.id() + ",\"rule\":"
                + Service.quote(a.rule().toString()) + ",\"matched\":" + a.matched() + ",\"injected\":"
                + a.injected() + "}").collect(Collectors.joining(","));
        String killed = java.util.Arrays.stream(Service.values()).filter(faults::killed)
                .map(s -> Service.quote(s.signingName())).collect(Collectors.joining(","));
        return "{\"seed\":" + faults.seed() + ",\"paused\":[" + paused + "],\"killed\":[" + killed
                + "],\"rules\":[" + rules + "]}";
    }

    private static String params(HttpExchange x) throws IOException {
        String q = x.getRequestURI().getRawQuery();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim();
        return (q == null ? "" : q) + (body.isEmpty() ? "" : (q == null ? "" : "&") + body);
    }

    private static String error(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + Service.quote(String.valueOf(message)) + "}}";
    }

    private static void send(HttpExchange x, int status, String json) throws IOException {
        byte[] b = (json + "\n").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
