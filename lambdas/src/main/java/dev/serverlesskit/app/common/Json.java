package dev.serverlesskit.app.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON through jackson-jr into plain Map/List values: no data binding, no reflection on our classes. */
public final class Json {
    /** Floats as BigDecimal (prices stay exact); a key given twice is an error rather than "last one wins". */
    private static final JSON READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS,
            JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    private Json() {}

    /**
     * Parses any JSON value; throws IOException on malformed input, including anything but whitespace after the
     * value ({@code {"a":1} garbage}, a second document {@code {"a":1}{"b":2}}), which would otherwise be ignored.
     */
    public static Object parse(String text) throws IOException {
        try (JsonParser parser = READER.getStreamingFactory().createParser(text)) {
            Object value = READER.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "content after the JSON value");
            }
            return value;
        }
    }

    /**
     * Parses a request body that must be a JSON object: malformed -> 400 INVALID_JSON, anything else than an
     * object -> 400 VALIDATION_FAILED.
     */
    @SuppressWarnings("unchecked")
    public static JsonBody parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.validation("body is required: send a JSON object");
        }
        Object value;
        try {
            value = parse(body);
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("INVALID_JSON", "body is not valid JSON");
        }
        if (!(value instanceof Map)) {
            throw ApiException.validation("body must be a JSON object");
        }
        return new JsonBody((Map<String, Object>) value);
    }

    public static String write(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON with object keys sorted at every level: equal documents give equal strings (and hashes). */
    public static String canonical(Object value) {
        return write(sortKeys(value));
    }

    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sortKeys(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), sortKeys(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sortKeys(v)));
            return out;
        }
        return value;
    }
}
