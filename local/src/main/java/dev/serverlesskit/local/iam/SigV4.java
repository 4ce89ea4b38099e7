package dev.serverlesskit.local.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a request's AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...}) against the credentials {@link Sessions} issued: the access key must be one of them, the session
 * token ({@code X-Amz-Security-Token}) must be that session's, the scope must name this region and service, the
 * request time must be within 15 minutes, and the signature must be the one computed from the request (method,
 * path, query, the signed headers, the SHA-256 of the body) with the session's secret.
 */
public final class SigV4 {
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();

    /** Why a request was refused before IAM was asked; each maps to the error the service returns. */
    public enum Failure { MISSING, INCOMPLETE, UNKNOWN_KEY, BAD_TOKEN, MISMATCH, EXPIRED }

    /** The session that signed the request, or why none did ({@code message} as AWS words it). */
    public record Result(Sessions.Session session, Failure failure, String message) {
        public boolean ok() {
            return session != null;
        }
    }

    private final Sessions sessions;
    private final String region;
    private final String service;
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    public SigV4(Sessions sessions, String region, String service) {
        this.sessions = sessions;
        this.region = region;
        this.service = service;
    }

    /**
     * @param headers all values of a header by its lower-case name (empty list when absent)
     */
    public Result verify(String method, String rawPath, String rawQuery, Function<String, List<String>> headers,
                         byte[] body, Instant now) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            return fail(Failure.MISSING, "Request is missing Authentication Token");
        }
        if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return fail(Failure.INCOMPLETE, "Unsupported AWS 'algorithm': the local runtime verifies AWS4-HMAC-SHA256");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            String p = part.trim();
            if (p.startsWith("Credential=")) {
                credential = p.substring("Credential=".length());
            } else if (p.startsWith("SignedHeaders=")) {
                signedHeaders = p.substring("SignedHeaders=".length());
            } else if (p.startsWith("Signature=")) {
                signature = p.substring("Signature=".length());
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            return fail(Failure.INCOMPLETE, "Authorization header requires 'Credential', 'SignedHeaders' and"
                    + " 'Signature' parameters. Authorization=" + authorization);
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            return fail(Failure.INCOMPLETE, "Credential should be scoped to a valid region. Credential=" + credential);
        }
        Sessions.Session session = sessions.byAccessKey(scope[0]);
        if (session == null) {
            return fail(Failure.UNKNOWN_KEY, "The security token included in the request is invalid.");
        }
        String token = first(headers, "x-amz-security-token");
        if (token == null || !MessageDigest.isEqual(bytes(token), bytes(session.sessionToken()))) {
            return fail(Failure.BAD_TOKEN, "The security token included in the request is invalid.");
        }
        if (!scope[2].equals(region) || !scope[3].equals(service)) {
            return fail(Failure.MISMATCH, "Credential should be scoped to a valid region and service: expected "
                    + region + "/" + service + ", got " + scope[2] + "/" + scope[3]);
        }
        String amzDate = first(headers, "x-amz-date");
        Instant at = parseAmzDate(amzDate);
        if (at == null) {
            return fail(Failure.INCOMPLETE, "Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'");
        }
        if (!amzDate.startsWith(scope[1])) {
            return fail(Failure.MISMATCH, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of"
                    + " date from HTTP: '" + scope[1] + "' != '" + amzDate.substring(0, 8) + "'");
        }
        if (Duration.between(at, now).abs().compareTo(MAX_SKEW) > 0) {
            return fail(Failure.EXPIRED, "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - 15 min.)");
        }
        List<String> signed = List.of(signedHeaders.split(";"));
        if (!signed.contains("host")) {
            return fail(Failure.MISMATCH, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String payloadHash = first(headers, "x-amz-content-sha256");
        String actualHash = HEX.formatHex(sha256(body));
        if (payloadHash == null) {
            payloadHash = actualHash;
        } else if (!payloadHash.equals("UNSIGNED-PAYLOAD") && !payloadHash.equals(actualHash)) {
            return fail(Failure.MISMATCH, "The provided 'x-amz-content-sha256' header does not match what was"
                    + " computed.");
        }
        StringBuilder canonical = new StringBuilder(256 + body.length / 8);
        canonical.append(method).append('\n')
                .append(canonicalPath(rawPath)).append('\n')
                .append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signed) {
            List<String> values = headers.apply(name);
            canonical.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    canonical.append(',');
                }
                collapseSpaces(values.get(i).trim(), canonical);
            }
            canonical.append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope[1] + "/" + scope[2] + "/" + scope[3]
                + "/aws4_request\n" + HEX.formatHex(sha256(bytes(canonical.toString())));
        byte[] key = signingKeys.computeIfAbsent(session.accessKeyId() + "/" + scope[1],
                k -> signingKey(session.secretAccessKey(), scope[1]));
        String expected = HEX.formatHex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(bytes(expected), bytes(signature))) {
            return fail(Failure.MISMATCH, "The request signature we calculated does not match the signature you"
                    + " provided. Check your AWS Secret Access Key and signing method. Consult the service"
                    + " documentation for details.");
        }
        return new Result(session, null, null);
    }

    /** {@code yyyyMMdd'T'HHmmss'Z'}, or null. */
    static Instant parseAmzDate(String d) {
        if (d == null || d.length() != 16 || d.charAt(8) != 'T' || d.charAt(15) != 'Z') {
            return null;
        }
        try {
            return LocalDateTime.of(Integer.parseInt(d, 0, 4, 10), Integer.parseInt(d, 4, 6, 10),
                    Integer.parseInt(d, 6, 8, 10), Integer.parseInt(d, 9, 11, 10), Integer.parseInt(d, 11, 13, 10),
                    Integer.parseInt(d, 13, 15, 10)).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void collapseSpaces(String value, StringBuilder out) {
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' || !space) {
                out.append(c);
            }
            space = c == ' ';
        }
    }

    private static Result fail(Failure failure, String message) {
        return new Result(null, failure, message);
    }

    private static String first(Function<String, List<String>> headers, String name) {
        List<String> v = headers.apply(name);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Every service but S3 signs the path URI-encoded twice: the raw (once-encoded) path is encoded again. */
    static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return encode(rawPath, true);
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.add(new String[] {encode(k, false), encode(v, false)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] p : params) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    /** RFC 3986 encoding: unreserved characters as they are, every other byte as %XX (upper case). */
    static String encode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~' || keepSlash && c == '/') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private byte[] signingKey(String secret, String date) {
        byte[] k = hmac(bytes("AWS4" + secret), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** One Mac and one digest per thread: looking them up per request costs more than hashing a request. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = MAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(bytes(data));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        return SHA256.get().digest(data);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
