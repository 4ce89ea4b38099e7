package dev.serverlesskit.local.gateway;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An HTTP/1.1 server on a loopback port of its own ({@link HttpMessage}): one thread per client connection (from a
 * pool: threads are reused, never created per request), each connection kept alive for as many requests as its
 * client sends. What the requests mean is the {@link Connection}'s business.
 */
public final class LoopbackServer implements AutoCloseable {
    /** What answers the requests of one client connection, in order. */
    public interface Connection {
        /** The response to {@code request}, or null to close the connection without one. */
        HttpMessage handle(HttpMessage request) throws IOException;

        /** Called once the client connection has ended. */
        default void close() {
        }
    }

    private final String label;
    private final Supplier<Connection> newConnection;
    private final Consumer<String> log;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    /**
     * @param threadName    names the server's threads ({@code NAME-accept}, {@code NAME-1}...)
     * @param label         starts the lines logged when accepting or serving fails
     * @param newConnection what answers a new client connection
     */
    public LoopbackServer(String threadName, String label, Supplier<Connection> newConnection, Consumer<String> log)
            throws IOException {
        this.label = label;
        this.newConnection = newConnection;
        this.log = log;
        this.server = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
        AtomicInteger n = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Thread acceptor = new Thread(this::accept, threadName + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (running) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                open.add(client);
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (running) {
                    log.accept(label + ": accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        Connection connection = newConnection.get();
        try (client) {
            HttpMessage.Input in = new HttpMessage.Input(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream(), 16 * 1024);
            while (running) {
                HttpMessage request = HttpMessage.readRequest(in, out);
                if (request == null) {
                    break;
                }
                HttpMessage response = connection.handle(request);
                if (response == null) {
                    break;
                }
                response.write(out);
                if (request.closes()) {
                    break;
                }
            }
        } catch (SocketException | java.io.EOFException closed) {
            // the client went away
        } catch (IOException | RuntimeException e) {
            if (running) {
                log.accept(label + ": " + e);
            }
        } finally {
            open.remove(client);
            connection.close();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        connections.shutdownNow();
    }
}
