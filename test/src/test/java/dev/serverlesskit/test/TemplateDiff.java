package dev.serverlesskit.test;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * A readable structural diff of two CloudFormation templates: which resource (with its type) was added, removed
 * or changed, and for a change the property paths with the old and new values, not a wall of JSON.
 */
public final class TemplateDiff {
    private static final int MAX_VALUE = 160;

    private TemplateDiff() {
    }

    public static List<String> diff(JsonNode expected, JsonNode actual) {
        List<String> lines = new ArrayList<>();
        for (String section : union(expected, actual)) {
            JsonNode before = expected.path(section);
            JsonNode after = actual.path(section);
            if (before.equals(after)) {
                continue;
            }
            if (before.isObject() && after.isObject() && !section.equals("AWSTemplateFormatVersion")) {
                for (String id : union(before, after)) {
                    JsonNode b = before.get(id);
                    JsonNode a = after.get(id);
                    String type = typeOf(a != null ? a : b);
                    if (b == null) {
                        lines.add("+ " + section + "." + id + type + " added");
                    } else if (a == null) {
                        lines.add("- " + section + "." + id + type + " removed");
                    } else if (!a.equals(b)) {
                        lines.add("~ " + section + "." + id + type);
                        compare("    ", "", b, a, lines);
                    }
                }
            } else {
                lines.add("~ " + section + ": " + show(before) + " -> " + show(after));
            }
        }
        return lines;
    }

    private static void compare(String indent, String path, JsonNode b, JsonNode a, List<String> lines) {
        if (b.isObject() && a.isObject()) {
            for (String key : union(b, a)) {
                JsonNode bv = b.get(key);
                JsonNode av = a.get(key);
                String p = path.isEmpty() ? key : path + "." + key;
                if (bv == null) {
                    lines.add(indent + "+ " + p + ": " + show(av));
                } else if (av == null) {
                    lines.add(indent + "- " + p + ": " + show(bv));
                } else if (!bv.equals(av)) {
                    compare(indent, p, bv, av, lines);
                }
            }
        } else if (b.isArray() && a.isArray() && b.size() == a.size()) {
            for (int i = 0; i < b.size(); i++) {
                if (!b.get(i).equals(a.get(i))) {
                    compare(indent, path + "[" + i + "]", b.get(i), a.get(i), lines);
                }
            }
        } else {
            lines.add(indent + "~ " + path + ": " + show(b) + " -> " + show(a));
        }
    }

    private static String typeOf(JsonNode resource) {
        JsonNode type = resource == null ? null : resource.get("Type");
        return type == null ? "" : " (" + type.asText() + ")";
    }

    private static TreeSet<String> union(JsonNode a, JsonNode b) {
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode n : List.of(a, b)) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
        }
        return names;
    }

    private static String show(JsonNode value) {
        String text = value == null || value.isMissingNode() ? "(none)" : value.toString();
        return text.length() > MAX_VALUE ? text.substring(0, MAX_VALUE) + "…" : text;
    }
}
