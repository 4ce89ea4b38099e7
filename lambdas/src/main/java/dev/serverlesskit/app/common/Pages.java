package dev.serverlesskit.app.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Fills one page of up to {@code limit} items from a filtered Query or Scan. DynamoDB applies Limit before the
 * filter, so a call can return fewer items than asked: keep reading (bounded number of calls) and, when a call
 * returns more than still needed, cut the page and resume from the key of the last item returned.
 */
public final class Pages {
    /** Most DynamoDB calls per API request, so one request cannot scan a whole table. */
    static final int MAX_CALLS = 10;

    public record Page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastKey) {}

    /** One call: (exclusiveStartKey, limit) -> (items, lastEvaluatedKey). */
    public interface Fetch extends BiFunction<Map<String, AttributeValue>, Integer, Page> {}

    private Pages() {}

    public static Page collect(Fetch fetch, Map<String, AttributeValue> startKey, int limit, List<String> keyAttributes) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> next = startKey;
        int pageSize = Math.min(100, Math.max(limit, 10));
        for (int call = 0; call < MAX_CALLS; call++) {
            Page page = fetch.apply(next, pageSize);
            for (Map<String, AttributeValue> item : page.items()) {
                items.add(item);
                if (items.size() == limit) {
                    boolean moreInThisCall = item != page.items().get(page.items().size() - 1);
                    Map<String, AttributeValue> resume = moreInThisCall ? keyOf(item, keyAttributes) : page.lastKey();
                    return new Page(items, resume == null || resume.isEmpty() ? null : resume);
                }
            }
            next = page.lastKey() == null || page.lastKey().isEmpty() ? null : page.lastKey();
            if (next == null) {
                break;
            }
        }
        return new Page(items, next);
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item, List<String> keyAttributes) {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (String name : keyAttributes) {
            key.put(name, item.get(name));
        }
        return key;
    }

    /** Parses the {@code limit} query parameter: 1..max, default when absent. */
    public static int limit(String value, int defaultLimit, int max) {
        if (value == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.validation("query parameter 'limit' must be an integer 1.." + max);
    }
}
