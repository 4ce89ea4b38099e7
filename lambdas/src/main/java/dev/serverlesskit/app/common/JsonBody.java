package dev.serverlesskit.app.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed JSON object body with typed, validating accessors. Every failure is a 400 VALIDATION_FAILED whose
 * message names the field.
 */
public final class JsonBody {
    private final Map<String, Object> values;

    JsonBody(Map<String, Object> values) {
        this.values = values;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** Rejects fields the route does not know (a typo must not be silently ignored). */
    public JsonBody allowOnly(Set<String> allowed) {
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw ApiException.validation("field '" + abbreviate(key) + "' is not allowed; allowed fields: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return this;
    }

    public String requiredString(String field, int minLength, int maxLength) {
        String value = optionalString(field, maxLength);
        if (value == null) {
            throw ApiException.validation("field '" + field + "' is required");
        }
        if (characters(value) < minLength) {
            throw ApiException.validation("field '" + field + "' must be " + minLength + ".." + maxLength
                    + " characters");
        }
        return value;
    }

    /** Null when absent or JSON null. */
    public String optionalString(String field, int maxLength) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw ApiException.validation("field '" + field + "' must be a string");
        }
        if (characters(s) > maxLength) {
            throw ApiException.validation("field '" + field + "' must be at most " + maxLength + " characters");
        }
        checkText(field, s);
        return s;
    }

    public String requiredMatching(String field, Pattern pattern, String rule) {
        String value = requiredString(field, 1, 200);
        return checkPattern(field, value, pattern, rule);
    }

    public String optionalMatching(String field, Pattern pattern, String rule) {
        String value = optionalString(field, 200);
        return value == null ? null : checkPattern(field, value, pattern, rule);
    }

    /** A required array of 1..{@code maxItems} JSON objects, each as a JsonBody. */
    @SuppressWarnings("unchecked")
    public List<JsonBody> requiredObjects(String field, int maxItems) {
        Object value = values.get(field);
        if (value == null) {
            throw ApiException.validation("field '" + field + "' is required");
        }
        if (!(value instanceof List<?> list)) {
            throw ApiException.validation("field '" + field + "' must be an array of objects");
        }
        if (list.isEmpty() || list.size() > maxItems) {
            throw ApiException.validation("field '" + field + "' must hold 1.." + maxItems + " items, not "
                    + list.size());
        }
        List<JsonBody> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                throw ApiException.validation("field '" + field + "[" + i + "]' must be an object");
            }
            items.add(new JsonBody((Map<String, Object>) item));
        }
        return items;
    }

    /** A required number DynamoDB can store ({@link DynamoNumbers}). */
    public BigDecimal requiredNumber(String field) {
        Object value = values.get(field);
        if (value == null) {
            throw ApiException.validation("field '" + field + "' is required");
        }
        BigDecimal number;
        if (value instanceof BigDecimal d) {
            number = d;
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            number = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger i) {
            number = new BigDecimal(i);
        } else if (value instanceof Number n) {
            number = new BigDecimal(n.toString());
        } else {
            throw ApiException.validation("field '" + field + "' must be a number");
        }
        return DynamoNumbers.check("field '" + field + "'", number);
    }

    private static String checkPattern(String field, String value, Pattern pattern, String rule) {
        if (!pattern.matcher(value).matches()) {
            throw ApiException.validation("field '" + field + "' must be " + rule);
        }
        return value;
    }

    /**
     * Refuses text that is not stored as sent: an unpaired surrogate (the JSON escape {@code "\\ud800"} alone is
     * valid JSON, but becomes {@code ?} on its way to DynamoDB, a silent change of the client's data) and control
     * characters other than tab, line feed and carriage return (NUL and the like: never part of a name, id or
     * description).
     */
    private static void checkText(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.validation("field '" + field + "' must be valid Unicode text (it holds an "
                        + "unpaired surrogate \\u" + java.util.HexFormat.of().toHexDigits(c) + ")");
            } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                throw ApiException.validation("field '" + field + "' must not contain control characters (it holds "
                        + "\\u" + java.util.HexFormat.of().toHexDigits(c) + ")");
            }
        }
    }

    /**
     * A string's length in characters (Unicode code points), as a client counts them and as JSON Schema's
     * {@code minLength}/{@code maxLength} do: an emoji is one character, not two UTF-16 units.
     */
    static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
