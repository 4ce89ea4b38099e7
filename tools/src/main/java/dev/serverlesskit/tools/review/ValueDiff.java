package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A semantic diff of two property values, one line per change, never truncated: objects by key, lists of named
 * things by their name (indexes, attributes, method settings, dashboard widgets by title), JSON inside strings (a
 * dashboard body, a policy) as JSON, long text line by line. A removed alarm's dashboard widget reads
 * {@code - widget "ListPets/ErrorsAlarm"}, not ninety lines of escaped JSON.
 */
public final class ValueDiff {
    /** Fields that identify an element of a list, in order of preference. */
    private static final List<String> IDENTITIES = List.of("IndexName", "AttributeName", "Name", "Key", "Id", "Sid",
            "StatusCode", "AlarmName", "Type");

    private ValueDiff() {
    }

    public static List<String> diff(String path, JsonNode before, JsonNode after) {
        List<String> lines = new ArrayList<>();
        compare(path, before, after, lines);
        return lines;
    }

    private static void compare(String path, JsonNode b, JsonNode a, List<String> lines) {
        if (b == null || b.isMissingNode()) {
            lines.add("+ " + path + ": " + Json.compact(a));
            return;
        }
        if (a == null || a.isMissingNode()) {
            lines.add("- " + path + ": " + Json.compact(b));
            return;
        }
        if (b.equals(a)) {
            return;
        }
        if (b.isObject() && a.isObject()) {
            Set<String> keys = new TreeSet<>(Json.fieldNames(b));
            keys.addAll(Json.fieldNames(a));
            for (String key : keys) {
                compare(path.isEmpty() ? key : path + "." + key, b.get(key), a.get(key), lines);
            }
        } else if (b.isArray() && a.isArray()) {
            compareArrays(path, b, a, lines);
        } else if (b.isTextual() && a.isTextual()) {
            Optional<JsonNode> jb = Json.tryParseStructure(b.asText());
            Optional<JsonNode> ja = Json.tryParseStructure(a.asText());
            if (jb.isPresent() && ja.isPresent()) {
                compare(path, jb.get(), ja.get(), lines);
            } else if (b.asText().contains("\n") || a.asText().contains("\n")) {
                compareLines(path, b.asText(), a.asText(), lines);
            } else {
                lines.add("~ " + path + ": " + Json.compact(b) + " → " + Json.compact(a));
            }
        } else {
            lines.add("~ " + path + ": " + Json.compact(b) + " → " + Json.compact(a));
        }
    }

    private static void compareArrays(String path, JsonNode b, JsonNode a, List<String> lines) {
        if (isWidgets(b) && isWidgets(a)) {
            compareWidgets(path, b, a, lines);
            return;
        }
        Optional<String> identity = identity(b, a);
        if (identity.isPresent()) {
            Map<String, JsonNode> before = keyed(b, identity.get());
            Map<String, JsonNode> after = keyed(a, identity.get());
            Set<String> keys = new LinkedHashSet<>(before.keySet());
            keys.addAll(after.keySet());
            for (String key : keys) {
                compare(path + "[" + key + "]", before.get(key), after.get(key), lines);
            }
            return;
        }
        if (allValues(b) && allValues(a)) {
            Set<String> before = new LinkedHashSet<>();
            b.forEach(v -> before.add(Json.compact(v)));
            Set<String> after = new LinkedHashSet<>();
            a.forEach(v -> after.add(Json.compact(v)));
            if (before.equals(after)) {
                lines.add("~ " + path + ": order " + String.join(", ", before) + " → " + String.join(", ", after));
                return;
            }
            after.stream().filter(v -> !before.contains(v)).forEach(v -> lines.add("+ " + path + ": " + v));
            before.stream().filter(v -> !after.contains(v)).forEach(v -> lines.add("- " + path + ": " + v));
            return;
        }
        if (b.size() == a.size()) {
            for (int i = 0; i < b.size(); i++) {
                compare(path + "[" + i + "]", b.get(i), a.get(i), lines);
            }
            return;
        }
        int common = Math.min(b.size(), a.size());
        for (int i = 0; i < common; i++) {
            compare(path + "[" + i + "]", b.get(i), a.get(i), lines);
        }
        for (int i = common; i < a.size(); i++) {
            lines.add("+ " + path + "[" + i + "]: " + Json.compact(a.get(i)));
        }
        for (int i = common; i < b.size(); i++) {
            lines.add("- " + path + "[" + i + "]: " + Json.compact(b.get(i)));
        }
    }

    private static boolean isWidgets(JsonNode array) {
        if (array.size() == 0) {
            return false;
        }
        for (JsonNode e : array) {
            if (!e.isObject() || !e.has("type") || !e.has("properties")) {
                return false;
            }
        }
        return true;
    }

    /** Dashboard widgets by title; a widget that only moved is counted, not listed. */
    private static void compareWidgets(String path, JsonNode b, JsonNode a, List<String> lines) {
        Map<String, JsonNode> before = widgets(b);
        Map<String, JsonNode> after = widgets(a);
        int moved = 0;
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            JsonNode old = before.get(e.getKey());
            if (old == null) {
                lines.add("+ widget " + e.getKey() + " (" + e.getValue().path("type").asText() + ")");
            } else if (!old.equals(e.getValue())) {
                JsonNode oldContent = withoutPosition(old);
                JsonNode newContent = withoutPosition(e.getValue());
                if (oldContent.equals(newContent)) {
                    moved++;
                } else {
                    compare("widget " + e.getKey(), oldContent, newContent, lines);
                }
            }
        }
        for (Map.Entry<String, JsonNode> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                lines.add("- widget " + e.getKey() + " (" + e.getValue().path("type").asText() + ")");
            }
        }
        if (moved > 0) {
            lines.add("~ " + moved + " widget" + (moved == 1 ? "" : "s") + " moved");
        }
    }

    private static Map<String, JsonNode> widgets(JsonNode array) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode w : array) {
            JsonNode p = w.path("properties");
            String title = p.path("title").asText("");
            if (title.isEmpty()) {
                title = p.path("markdown").asText("").lines().findFirst().orElse("");
            }
            String key = "\"" + (title.isEmpty() ? w.path("type").asText() + " " + i : title) + "\"";
            while (map.containsKey(key)) {
                key = key + "'";
            }
            map.put(key, w);
            i++;
        }
        return map;
    }

    private static JsonNode withoutPosition(JsonNode widget) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = widget.deepCopy();
        copy.remove(List.of("x", "y"));
        return copy;
    }

    private static Optional<String> identity(JsonNode b, JsonNode a) {
        if (b.size() == 0 && a.size() == 0) {
            return Optional.empty();
        }
        if (hasFields(b, "ResourcePath", "HttpMethod") && hasFields(a, "ResourcePath", "HttpMethod")) {
            return Optional.of("ResourcePath+HttpMethod");
        }
        for (String field : IDENTITIES) {
            if (uniqueField(b, field) && uniqueField(a, field)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    private static boolean hasFields(JsonNode array, String... fields) {
        for (JsonNode e : array) {
            for (String f : fields) {
                if (!e.isObject() || !e.path(f).isValueNode()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean uniqueField(JsonNode array, String field) {
        Set<String> seen = new TreeSet<>();
        for (JsonNode e : array) {
            if (!e.isObject() || !e.path(field).isValueNode() || !seen.add(e.path(field).asText())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, JsonNode> keyed(JsonNode array, String identity) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (JsonNode e : array) {
            String key = identity.equals("ResourcePath+HttpMethod")
                    ? e.path("HttpMethod").asText() + " " + e.path("ResourcePath").asText().replace("~1", "/")
                    : e.path(identity).asText();
            map.put(key, e);
        }
        return map;
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    private static void compareLines(String path, String before, String after, List<String> lines) {
        List<String> b = before.lines().toList();
        List<String> a = after.lines().toList();
        lines.add("~ " + path + ":");
        Set<String> bs = new LinkedHashSet<>(b);
        Set<String> as = new LinkedHashSet<>(a);
        a.stream().filter(l -> !bs.contains(l)).forEach(l -> lines.add("    + " + l));
        b.stream().filter(l -> !as.contains(l)).forEach(l -> lines.add("    - " + l));
    }
}
