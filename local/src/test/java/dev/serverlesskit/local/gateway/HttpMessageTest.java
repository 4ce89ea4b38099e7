package dev.serverlesskit.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpMessageTest {
    /** Hands out one byte per read, so every line and body crosses the buffer's refills. */
    static InputStream trickle(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }

    @Test
    void aChunkedResponseIsReadWholeAndRelayedWithItsLength() throws Exception {
        HttpMessage.Input in = new HttpMessage.Input(trickle("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Amz-Crc32: 1\r\n\r\n"
                + "4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"));
        HttpMessage first = HttpMessage.readResponse(in, false);
        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(first.first("content-length")).isEqualTo("7");
        assertThat(first.first("transfer-encoding")).isNull();
        assertThat(HttpMessage.readResponse(in, false).status()).isEqualTo(204); // the next one on the connection
    }

    @Test
    void requestsOnAKeptAliveConnectionAreReadOneAfterTheOther() throws Exception {
        ByteArrayOutputStream continues = new ByteArrayOutputStream();
        HttpMessage.Input in = new HttpMessage.Input(trickle("POST /a?b=c HTTP/1.1\r\nContent-Length: 2\r\n"
                + "Expect: 100-continue\r\n\r\n{}POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        HttpMessage first = HttpMessage.readRequest(in, continues);
        assertThat(first.rawPath()).isEqualTo("/a");
        assertThat(first.rawQuery()).isEqualTo("b=c");
        assertThat(first.body()).containsExactly('{', '}');
        assertThat(first.first("expect")).isNull(); // answered here, not forwarded
        assertThat(continues.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(HttpMessage.readRequest(in, continues).body()).isEmpty();
        assertThat(HttpMessage.readRequest(in, continues)).isNull();
    }
}
