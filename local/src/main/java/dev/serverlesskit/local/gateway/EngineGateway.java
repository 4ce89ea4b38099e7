package dev.serverlesskit.local.gateway;

import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.Decision;
import dev.serverlesskit.local.iam.Sessions;
import dev.serverlesskit.local.iam.SigV4;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Stands in front of one engine on its own loopback port, as the service's endpoint does for a function: reads the
 * caller from the request's SigV4 signature ({@link SigV4}: unknown credentials and bad signatures get the service's
 * error), maps the request to its IAM actions and resources ({@link Service}), asks {@link Access} (a refused call
 * gets AccessDenied in the service's own shape and a log line), then runs the {@link GatewayHook} and forwards the
 * request unchanged to the engine.
 *
 * <p>Cheap by construction: one thread per client connection (from a pool: threads are reused, never created per
 * request), each client connection paired with one kept-alive connection to the engine, only the few fields that
 * name resources read from the body, IAM decisions cached per caller, action and resource.
 */
public final class EngineGateway implements AutoCloseable {
    /** Reconnect to the engine after this long idle: Node's HTTP server drops idle connections after 5 s. */
    private static final long UPSTREAM_IDLE_MS = 2_000;
    private static final int UPSTREAM_TIMEOUT_MS = 60_000;

    private final Service service;
    private final InetSocketAddress upstream;
    private final SigV4 signatures;
    private final Access access;
    private final Service.Arns arns;
    private final Consumer<String> log;
    private final LoopbackServer server;
    private volatile GatewayHook hook;

    public EngineGateway(Service service, String upstreamEndpoint, Sessions sessions, Access access,
                         Service.Arns arns, GatewayHook hook, Consumer<String> log) throws IOException {
        this.service = service;
        URI u = URI.create(upstreamEndpoint);
        this.upstream = new InetSocketAddress(u.getHost(), u.getPort());
        this.signatures = new SigV4(sessions, arns.region(), service.signingName());
        this.access = access;
        this.arns = arns;
        this.hook = hook == null ? GatewayHook.NONE : hook;
        this.log = log;
        // one client connection, kept alive for as many requests as the client sends, paired with its own upstream
        this.server = new LoopbackServer("gateway-" + service.signingName(), "gateway " + service.label(),
                Upstream::new, log);
    }

    /** What functions get as {@code AWS_ENDPOINT_URL_<SERVICE>}. */
    public String endpoint() {
        return server.endpoint();
    }

    public Service service() {
        return service;
    }

    /** Replaces the hook (for requests that start after this call). */
    public void hook(GatewayHook h) {
        this.hook = h == null ? GatewayHook.NONE : h;
    }

    private HttpMessage handle(HttpMessage request, Upstream up) throws IOException {
        Operation op = service.operation(request, arns);
        Sessions.Session caller = null;
        if (op.signed() || request.first("authorization") != null) {
            SigV4.Result signed = signatures.verify(request.method(), request.rawPath(), request.rawQuery(),
                    request::header, request.body(), Instant.now());
            if (!signed.ok()) {
                log.accept(line(op.name(), "-", "AUTH", signed.failure() + ": " + signed.message()));
                return service.refuse(Service.Refusal.of(signed.failure()), signed.message(), op.queryProtocol());
            }
            caller = signed.session();
        }
        if (op.problem() != null) {
            String message = "the local runtime cannot map this request to IAM: " + op.problem();
            log.accept(line(op.name(), caller == null ? "-" : caller.name(), "DENY", message));
            return service.refuse(Service.Refusal.UNMAPPED, message, op.queryProtocol());
        }
        for (Authorization a : op.authorizations()) {
            String shown = service.actionInMessages(a.action());
            Decision d = access.check(caller, a.action(), a.resource(), service.label() + " " + op.name(), shown);
            if (!d.allowed()) {
                String message = d.message(caller.principal(), shown, a.resource());
                log.accept(line(op.name(), caller.name(), "DENY", "AccessDenied: " + message
                        + (d.unevaluable().isEmpty() ? "" : " [not evaluated locally: " + d.unevaluable() + "]")));
                return service.refuse(Service.Refusal.ACCESS_DENIED, message, op.queryProtocol());
            }
        }
        GatewayHook h = hook;
        GatewayHook.Call call = new GatewayHook.Call(service, op.name(), caller, op.authorizations(), request);
        HttpMessage early = h.beforeForward(call);
        if (early != null) {
            return early;
        }
        return h.afterResponse(call, up.exchange(request));
    }

    private String line(String operation, String function, String outcome, String detail) {
        return String.format("%-40s %-22s %4s %s", "IAM " + service.label() + " " + operation, function, outcome,
                detail);
    }

    /** The engine connection paired with one client connection. */
    private final class Upstream implements LoopbackServer.Connection {
        private Socket socket;
        private HttpMessage.Input in;
        private OutputStream out;
        private long lastUsed;

        @Override
        public HttpMessage handle(HttpMessage request) throws IOException {
            HttpMessage response = EngineGateway.this.handle(request, this);
            return response == GatewayHook.DROP ? null : response; // DROP: the connection closes without a response
        }

        HttpMessage exchange(HttpMessage request) throws IOException {
            boolean reused = socket != null;
            if (reused && System.currentTimeMillis() - lastUsed > UPSTREAM_IDLE_MS) {
                close();
                reused = false;
            }
            try {
                return once(request);
            } catch (java.net.SocketTimeoutException e) {
                close();
                throw e; // the engine may have applied it: never sent twice
            } catch (IOException e) {
                close();
                if (!reused) {
                    throw e;
                }
                return once(request); // the engine closed a kept-alive connection before reading the request
            }
        }

        private HttpMessage once(HttpMessage request) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(UPSTREAM_TIMEOUT_MS);
                socket.connect(upstream, 5_000);
                in = new HttpMessage.Input(socket.getInputStream());
                out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            }
            request.write(out);
            HttpMessage response = HttpMessage.readResponse(in, request.method().equals("HEAD"));
            lastUsed = System.currentTimeMillis();
            if (response.closes()) {
                close();
            }
            return response;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
