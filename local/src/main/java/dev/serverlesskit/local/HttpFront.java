package dev.serverlesskit.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The HTTP/1.1 front door of the local API, with API Gateway's limits and without the JDK server's own answers: every
 * malformed, oversized or too slow request gets a response the caller renders as the app's JSON error (or, for a
 * connection that goes quiet between requests, is closed), never an HTML page or a silent close.
 *
 * <p>Limits (API Gateway REST quotas where it has one): request line plus headers at most
 * {@value #MAX_HEADER_BYTES} bytes (413); body at most {@value #MAX_BODY_BYTES} bytes (413); a request must arrive
 * whole within {@value #REQUEST_TIMEOUT_MS} ms of its first byte (408, then the connection is closed), so a client
 * sending a byte at a time holds a connection thread at most that long; an idle keep-alive connection is closed
 * after {@value #IDLE_TIMEOUT_MS} ms; at most {@value #MAX_CONNECTIONS} connections are served at once (503 to
 * the next). Content-Length and chunked bodies, {@code Expect: 100-continue} and keep-alive are supported.
 */
final class HttpFront implements AutoCloseable {
    static final int MAX_HEADER_BYTES = 10_240;
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    static final int REQUEST_TIMEOUT_MS = 10_000;
    static final int IDLE_TIMEOUT_MS = 30_000;
    static final int MAX_CONNECTIONS = 256;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern TARGET = Pattern.compile("/[^\\s#]*");

    /** A request as received: the raw path and query (still percent-encoded), headers in order. */
    record Request(String method, String rawPath, String rawQuery, List<Map.Entry<String, String>> headers,
                   byte[] body, String remoteAddress, String protocol) {
        /** The last value of a header, by case-insensitive name, or null. */
        String header(String name) {
            String value = null;
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    value = h.getValue();
                }
            }
            return value;
        }
    }

    /** A response; Content-Length and Connection are added when it is written. */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    interface Handler {
        Response handle(Request request);
    }

    /** Renders an error of the front door itself (a gateway response of API Gateway's). */
    interface Errors {
        Response error(String responseType, int status, String message);
    }

    /** Why a request could not be read: the response to send, then the connection is closed. */
    private static final class Refused extends Exception {
        final String type;
        final int status;

        Refused(String type, int status, String message) {
            super(message, null, false, false);
            this.type = type;
            this.status = status;
        }
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final Errors errors;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;
    private volatile boolean closed;

    HttpFront(int port, Handler handler, Errors errors) throws IOException {
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
        this.handler = handler;
        this.errors = errors;
        this.connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "api-connection");
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::accept, "api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                connections.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                refuse(client, errors.error("DEFAULT_5XX", 503, "Too many connections"));
            }
        }
    }

    private static void refuse(Socket client, Response response) {
        try (client) {
            write(client.getOutputStream(), response, false, false);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void serve(Socket client) {
        try (client) {
            // without Nagle's algorithm: with it, small responses waited ~50 ms for the client's delayed ACK
            // (bench/local-runtime); -Dsun.net.httpserver.nodelay=false (the JDK server's switch, which the
            // benchmark sets) turns it back on to show what it costs
            client.setTcpNoDelay(!"false".equals(System.getProperty("sun.net.httpserver.nodelay")));
            DeadlineInput deadlineInput = new DeadlineInput(client);
            InputStream in = new BufferedInputStream(deadlineInput, 8192);
            OutputStream out = client.getOutputStream();
            while (!closed) {
                deadlineInput.deadline(System.currentTimeMillis() + IDLE_TIMEOUT_MS);
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    return; // idle between requests: close quietly, as servers do
                }
                if (first < 0) {
                    return;
                }
                deadlineInput.deadline(System.currentTimeMillis() + REQUEST_TIMEOUT_MS);
                Request request;
                try {
                    request = read(first, in, out, client);
                } catch (Refused r) {
                    write(out, errors.error(r.type, r.status, r.getMessage()), false, false);
                    return;
                } catch (SocketTimeoutException e) {
                    write(out, errors.error("DEFAULT_4XX", 408, "Request Timeout: the request did not arrive within "
                            + REQUEST_TIMEOUT_MS / 1000 + " s"), false, false);
                    return;
                }
                Response response = handler.handle(request);
                boolean keepAlive = keepAlive(request);
                write(out, response, keepAlive, "HEAD".equals(request.method()));
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static boolean keepAlive(Request request) {
        String connection = request.header("Connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
            return false;
        }
        return !"HTTP/1.0".equals(request.protocol())
                || (connection != null && connection.toLowerCase(Locale.ROOT).contains("keep-alive"));
    }

    private static Request read(int first, InputStream in, OutputStream out, Socket client)
            throws IOException, Refused {
        int[] budget = {MAX_HEADER_BYTES};
        String line = line(first, in, budget);
        while (line.isEmpty()) { // robustness: empty lines before a request line are ignored (RFC 9112)
            line = line(in.read(), in, budget);
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches() || !parts[2].matches("HTTP/1\\.[01]")
                || !TARGET.matcher(parts[1]).matches()) {
            throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed request line");
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        checkEscapes(rawPath, "path");
        if (rawQuery != null) {
            checkEscapes(rawQuery, "query string");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String header = line(in.read(), in, budget); !header.isEmpty(); header = line(in.read(), in, budget)) {
            int colon = header.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(header.substring(0, colon)).matches()) {
                throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed header line");
            }
            headers.add(Map.entry(header.substring(0, colon), header.substring(colon + 1).strip()));
        }
        Request head = new Request(parts[0], rawPath, rawQuery, headers, new byte[0],
                client.getInetAddress().getHostAddress(), parts[2]);
        return new Request(parts[0], rawPath, rawQuery, headers, body(head, in, out), head.remoteAddress(),
                parts[2]);
    }

    /** Every '%' starts a two-digit hex escape, as URL decoding requires. */
    private static void checkEscapes(String raw, String where) throws Refused {
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                    || Character.digit(raw.charAt(i + 2), 16) < 0) {
                throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed percent-encoding in the " + where);
            }
        }
    }

    private static byte[] body(Request head, InputStream in, OutputStream out) throws IOException, Refused {
        String transferEncoding = null;
        String contentLength = null;
        for (Map.Entry<String, String> h : head.headers()) {
            if (h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
                transferEncoding = h.getValue();
            } else if (h.getKey().equalsIgnoreCase("Content-Length")) {
                if (contentLength != null && !contentLength.equals(h.getValue())) {
                    throw new Refused("DEFAULT_4XX", 400, "Bad Request: conflicting Content-Length headers");
                }
                contentLength = h.getValue();
            }
        }
        if (transferEncoding != null && contentLength != null) {
            throw new Refused("DEFAULT_4XX", 400, "Bad Request: both Transfer-Encoding and Content-Length");
        }
        boolean expectContinue = "100-continue".equalsIgnoreCase(head.header("Expect"));
        if (transferEncoding != null) {
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new Refused("DEFAULT_4XX", 400, "Bad Request: unsupported Transfer-Encoding");
            }
            continueIfExpected(expectContinue, out);
            return chunked(in);
        }
        if (contentLength == null) {
            return new byte[0];
        }
        if (!contentLength.matches("\\d{1,10}")) {
            throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed Content-Length");
        }
        long length = Long.parseLong(contentLength);
        if (length > MAX_BODY_BYTES) {
            throw new Refused("REQUEST_TOO_LARGE", 413, "Request Too Long");
        }
        continueIfExpected(expectContinue, out);
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new SocketException("the client closed the connection mid-body");
        }
        return body;
    }

    private static void continueIfExpected(boolean expectContinue, OutputStream out) throws IOException {
        if (expectContinue) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static byte[] chunked(InputStream in) throws IOException, Refused {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] lineBudget = {MAX_HEADER_BYTES};
        while (true) {
            String sizeLine = line(in.read(), in, lineBudget);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
            if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (body.size() + size > MAX_BODY_BYTES) {
                throw new Refused("REQUEST_TOO_LARGE", 413, "Request Too Long");
            }
            if (size == 0) {
                for (String trailer = line(in.read(), in, lineBudget); !trailer.isEmpty();
                     trailer = line(in.read(), in, lineBudget)) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new SocketException("the client closed the connection mid-chunk");
            }
            body.write(chunk);
            if (!line(in.read(), in, lineBudget).isEmpty()) {
                throw new Refused("DEFAULT_4XX", 400, "Bad Request: malformed chunk");
            }
        }
    }

    /** One line (CRLF or LF), starting with {@code first}, counted against {@code budget}. */
    private static String line(int first, InputStream in, int[] budget) throws IOException, Refused {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b = first;
        while (true) {
            if (b < 0) {
                throw new SocketException("the client closed the connection mid-request");
            }
            if (--budget[0] < 0) {
                throw new Refused("REQUEST_TOO_LARGE", 413, "Request Header Fields Too Large: request line and"
                        + " headers must be at most " + MAX_HEADER_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            b = in.read();
        }
    }

    private static void write(OutputStream out, Response response, boolean keepAlive, boolean head)
            throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n");
        for (Map.Entry<String, String> e : response.headers()) {
            if (!e.getKey().equalsIgnoreCase("Content-Length") && !e.getKey().equalsIgnoreCase("Connection")
                    && !e.getKey().equalsIgnoreCase("Transfer-Encoding")) {
                h.append(e.getKey()).append(": ").append(e.getValue().replaceAll("[\\r\\n]", " ")).append("\r\n");
            }
        }
        boolean noBody = response.status() == 204 || response.status() == 304 || response.status() < 200;
        if (!noBody) {
            h.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        h.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!noBody && !head) {
            out.write(response.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }

    /** A socket's input whose every read waits at most until the current deadline. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private long deadline;

        DeadlineInput(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        void deadline(long deadlineMillis) {
            this.deadline = deadlineMillis;
        }

        private void arm() throws IOException {
            long remaining = deadline - System.currentTimeMillis();
            if (remaining <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }
    }
}
