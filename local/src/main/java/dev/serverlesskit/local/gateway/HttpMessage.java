package dev.serverlesskit.local.gateway;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 message as the gateway relays it: the start line, the headers in order and the whole body (a chunked
 * body is read whole and relayed with a Content-Length). Small on purpose: the gateway reads only what it needs to
 * authorize a request and passes the rest through unchanged.
 */
public final class HttpMessage {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 32 * 1024 * 1024;

    private final String startLine;
    private final List<String[]> headers;
    private byte[] body;

    public HttpMessage(String startLine, List<String[]> headers, byte[] body) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    public String startLine() {
        return startLine;
    }

    public byte[] body() {
        return body;
    }

    /** Every value of a header, by its name in lower case. */
    public List<String> header(String lowerCaseName) {
        List<String> out = null;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(lowerCaseName)) {
                if (out == null) {
                    out = new ArrayList<>(1);
                }
                out.add(h[1]);
            }
        }
        return out == null ? List.of() : out;
    }

    public String first(String lowerCaseName) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(lowerCaseName)) {
                return h[1];
            }
        }
        return null;
    }

    public void remove(String name) {
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
    }

    /** The request's method, path and query ({@code null} when absent). */
    public String method() {
        return startLine.substring(0, startLine.indexOf(' '));
    }

    public String target() {
        int a = startLine.indexOf(' ');
        int b = startLine.lastIndexOf(' ');
        return startLine.substring(a + 1, b > a ? b : startLine.length());
    }

    public String rawPath() {
        String t = target();
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    public String rawQuery() {
        String t = target();
        int q = t.indexOf('?');
        return q < 0 ? null : t.substring(q + 1);
    }

    /** The response's status code. */
    public int status() {
        int a = startLine.indexOf(' ');
        return Integer.parseInt(startLine.substring(a + 1, Math.min(startLine.length(), a + 4)));
    }

    public boolean closes() {
        String c = first("connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }

    /** A response of the gateway's own. */
    public static HttpMessage response(int status, String reason, List<String[]> headers, byte[] body) {
        List<String[]> h = new ArrayList<>(headers);
        return new HttpMessage("HTTP/1.1 " + status + " " + reason, h, body);
    }

    /** Reads a request; {@code null} when the connection ends before one starts. */
    public static HttpMessage readRequest(Input in, OutputStream continueTo) throws IOException {
        String start = line(in, true);
        if (start == null) {
            return null;
        }
        List<String[]> headers = headers(in);
        HttpMessage m = new HttpMessage(start, headers, null);
        String expect = m.first("expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            continueTo.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            continueTo.flush();
            m.remove("Expect");
        }
        m.body = body(in, m, false);
        return m;
    }

    /** Reads a response (skipping interim 1xx responses). */
    public static HttpMessage readResponse(Input in, boolean toHead) throws IOException {
        while (true) {
            String start = line(in, true);
            if (start == null) {
                throw new EOFException("the engine closed the connection without a response");
            }
            List<String[]> headers = headers(in);
            HttpMessage m = new HttpMessage(start, headers, null);
            int status = m.status();
            if (status >= 100 && status < 200) {
                continue;
            }
            m.body = toHead || status == 204 || status == 304 ? new byte[0] : body(in, m, true);
            return m;
        }
    }

    public void write(OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder(256).append(startLine).append("\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static List<String[]> headers(Input in) throws IOException {
        List<String[]> headers = new ArrayList<>(12);
        int total = 0;
        for (String h; !(h = line(in, false)).isEmpty(); ) {
            total += h.length();
            if (total > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + h);
            }
            headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        return headers;
    }

    private static byte[] body(Input in, HttpMessage m, boolean response) throws IOException {
        String te = m.first("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = line(in, false);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line(in, false).isEmpty()) {
                        // trailers: dropped
                    }
                    break;
                }
                if (out.size() + n > MAX_BODY) {
                    throw new IOException("body over " + MAX_BODY + " bytes");
                }
                out.write(in.readNBytes(n));
                line(in, false);
            }
            m.remove("Transfer-Encoding");
            byte[] b = out.toByteArray();
            m.headers.add(new String[] {"Content-Length", Integer.toString(b.length)});
            return b;
        }
        String cl = m.first("content-length");
        if (cl != null) {
            int n = Integer.parseInt(cl.trim());
            if (n > MAX_BODY) {
                throw new IOException("body over " + MAX_BODY + " bytes");
            }
            return in.readNBytes(n);
        }
        if (!response) {
            return new byte[0];
        }
        byte[] b = in.readAllBytes(); // a response delimited by the end of the connection
        m.headers.add(new String[] {"Content-Length", Integer.toString(b.length)});
        return b;
    }

    /** One CRLF-terminated line (ISO-8859-1); {@code null} at a clean end of stream when {@code eofOk}. */
    private static String line(Input in, boolean eofOk) throws IOException {
        return in.line(eofOk);
    }

    /**
     * The connection's input, buffered without the per-byte locking of {@code BufferedInputStream}: a request's head
     * is scanned for line ends in the buffer and read in bulk.
     */
    public static final class Input {
        private final InputStream in;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int limit;

        public Input(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        String line(boolean eofOk) throws IOException {
            StringBuilder longLine = null;
            while (true) {
                if (!fill()) {
                    if (eofOk && longLine == null) {
                        return null;
                    }
                    throw new EOFException("connection closed mid-message");
                }
                int start = pos;
                while (pos < limit && buf[pos] != '\n') {
                    pos++;
                }
                if (pos < limit) { // found the end of the line
                    int end = pos++;
                    String part = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                    String whole = longLine == null ? part : longLine.append(part).toString();
                    return whole.endsWith("\r") ? whole.substring(0, whole.length() - 1) : whole;
                }
                if (longLine == null) {
                    longLine = new StringBuilder();
                }
                longLine.append(new String(buf, start, limit - start, StandardCharsets.ISO_8859_1));
                if (longLine.length() > MAX_HEAD) {
                    throw new IOException("line over " + MAX_HEAD + " bytes");
                }
                eofOk = false;
            }
        }

        byte[] readNBytes(int n) throws IOException {
            byte[] out = new byte[n];
            int have = Math.min(n, limit - pos);
            System.arraycopy(buf, pos, out, 0, have);
            pos += have;
            while (have < n) {
                int r = in.read(out, have, n - have);
                if (r < 0) {
                    throw new EOFException("body ended after " + have + " of " + n + " bytes");
                }
                have += r;
            }
            return out;
        }

        byte[] readAllBytes() throws IOException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(buf, pos, limit - pos);
            pos = limit;
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
