package dev.serverlesskit.tools.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A CloudFormation template as the review reads it: resources by logical id, each with its type, its construct path
 * relative to the stack (from {@code aws:cdk:path}) and a short, unique name for people ({@link Names}).
 */
public final class Template {
    private final JsonNode root;
    private final String stackPath;
    private final String account;
    private final Map<String, JsonNode> resources = new LinkedHashMap<>();
    private final Map<String, String> paths = new LinkedHashMap<>();
    private final Names names;

    /**
     * @param root      the template
     * @param stackPath the stack's construct path ("dev/ServerlessKit", "Pipeline"): construct paths are shown relative
     *                  to it
     * @param account   the stack's account when known, shown as {@code <account>} in literal ARNs; may be null
     */
    public Template(JsonNode root, String stackPath, String account) {
        this.root = root;
        this.stackPath = stackPath;
        this.account = account != null ? account : inferAccount(root);
        root.path("Resources").fields().forEachRemaining(e -> resources.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, JsonNode> e : resources.entrySet()) {
            paths.put(e.getKey(), relativePath(e.getKey(), e.getValue()));
        }
        this.names = new Names(this);
    }

    public JsonNode root() {
        return root;
    }

    public String stackPath() {
        return stackPath;
    }

    public String account() {
        return account;
    }

    public Map<String, JsonNode> resources() {
        return Collections.unmodifiableMap(resources);
    }

    public boolean has(String logicalId) {
        return resources.containsKey(logicalId);
    }

    public JsonNode resource(String logicalId) {
        return resources.get(logicalId);
    }

    public String type(String logicalId) {
        JsonNode r = resources.get(logicalId);
        return r == null ? "" : r.path("Type").asText();
    }

    public JsonNode properties(String logicalId) {
        JsonNode r = resources.get(logicalId);
        return r == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : r.path("Properties");
    }

    /** The construct path below the stack without the trailing "/Resource" (the logical id without a path). */
    public String path(String logicalId) {
        return paths.getOrDefault(logicalId, logicalId);
    }

    /** The short name people read ("Pets", "AddPet", "Processor/Queue"). */
    public String name(String logicalId) {
        return names.of(logicalId);
    }

    public List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources.forEach((id, r) -> {
            if (type.equals(r.path("Type").asText())) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Logical ids of the resources a value refers to (Ref, Fn::GetAtt, ${...} in Fn::Sub), in order. */
    public Set<String> references(JsonNode value) {
        Set<String> found = new LinkedHashSet<>();
        collectReferences(value, found);
        found.removeIf(id -> !resources.containsKey(id));
        return found;
    }

    /** The first resource a value refers to that matches, following aliases to their function when asked. */
    public Optional<String> firstReference(JsonNode value, Predicate<String> wanted) {
        return references(value).stream().filter(wanted).findFirst();
    }

    private static void collectReferences(JsonNode node, Set<String> found) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            if (node.size() == 1 && node.has("Ref") && node.get("Ref").isTextual()) {
                found.add(node.get("Ref").asText());
                return;
            }
            if (node.size() == 1 && node.has("Fn::GetAtt")) {
                JsonNode att = node.get("Fn::GetAtt");
                if (att.isArray() && att.size() > 0) {
                    found.add(att.get(0).asText());
                } else if (att.isTextual()) {
                    found.add(att.asText().split("\\.")[0]);
                }
                return;
            }
            if (node.size() == 1 && node.has("Fn::Sub")) {
                JsonNode sub = node.get("Fn::Sub");
                String text = sub.isArray() ? sub.path(0).asText() : sub.asText();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)").matcher(text);
                while (m.find()) {
                    found.add(m.group(1));
                }
                if (sub.isArray()) {
                    collectReferences(sub.path(1), found);
                }
                return;
            }
            node.forEach(child -> collectReferences(child, found));
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, found));
        }
    }

    private String relativePath(String logicalId, JsonNode resource) {
        String path = resource.path("Metadata").path("aws:cdk:path").asText("");
        if (path.isEmpty()) {
            return logicalId;
        }
        if (stackPath != null && path.startsWith(stackPath + "/")) {
            path = path.substring(stackPath.length() + 1);
        }
        if (path.endsWith("/Resource")) {
            path = path.substring(0, path.length() - "/Resource".length());
        }
        return path;
    }

    /** The account most literal ARNs of the template name (snapshots carry no environment). */
    private static String inferAccount(JsonNode root) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\\d{12}):")
                .matcher(root.toString());
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }
}
