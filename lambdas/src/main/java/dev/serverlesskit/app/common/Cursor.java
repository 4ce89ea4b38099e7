package dev.serverlesskit.app.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Pagination cursor: base64url (no padding) of the DynamoDB LastEvaluatedKey as JSON
 * ({@code {"attr":{"S":"..."}}} / {@code {"N":"..."}}). Opaque to clients. Decoding checks the exact shape a route
 * expects (attribute names and types); anything else is 400 INVALID_CURSOR, never a DynamoDB error.
 */
public final class Cursor {
    private static final int MAX_LENGTH = 2048;
    private static final int MAX_VALUE_LENGTH = 1024;

    /** Expected key attribute types: 'S' or 'N'. */
    public record Shape(Map<String, Character> attributes) {
        public static Shape of(Object... nameTypePairs) {
            Map<String, Character> attrs = new LinkedHashMap<>();
            for (int i = 0; i < nameTypePairs.length; i += 2) {
                attrs.put((String) nameTypePairs[i], (Character) nameTypePairs[i + 1]);
            }
            return new Shape(attrs);
        }
    }

    private Cursor() {}

    public static String encode(Map<String, AttributeValue> key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        Map<String, Object> json = new TreeMap<>();
        key.forEach((name, value) -> {
            if (value.s() != null) {
                json.put(name, Map.of("S", value.s()));
            } else if (value.n() != null) {
                json.put(name, Map.of("N", value.n()));
            } else {
                throw new IllegalArgumentException("unsupported key attribute type for " + name);
            }
        });
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
    }

    /** Null cursor -> null key (first page). */
    public static Map<String, AttributeValue> decode(String cursor, Shape shape) {
        if (cursor == null) {
            return null;
        }
        if (cursor.length() > MAX_LENGTH) {
            throw invalid();
        }
        Object parsed;
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            parsed = Json.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IOException e) {
            throw invalid();
        }
        if (!(parsed instanceof Map<?, ?> map) || !map.keySet().equals(shape.attributes().keySet())) {
            throw invalid();
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (Map.Entry<String, Character> expected : shape.attributes().entrySet()) {
            Object typed = map.get(expected.getKey());
            if (!(typed instanceof Map<?, ?> t) || t.size() != 1) {
                throw invalid();
            }
            Object value = t.get(String.valueOf(expected.getValue()));
            // a key value DynamoDB accepts: at most 1024 bytes (a sort key's limit, half a partition key's)
            if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_VALUE_LENGTH
                    || s.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_LENGTH) {
                throw invalid();
            }
            if (expected.getValue() == 'N') {
                if (!DynamoNumbers.storable(s)) {
                    throw invalid();
                }
                key.put(expected.getKey(), AttributeValue.fromN(s));
            } else {
                key.put(expected.getKey(), AttributeValue.fromS(s));
            }
        }
        return key;
    }

    public static ApiException invalid() {
        return ApiException.badRequest("INVALID_CURSOR", "query parameter 'cursor' is not a cursor returned by this route");
    }
}
