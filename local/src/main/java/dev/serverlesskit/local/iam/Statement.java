package dev.serverlesskit.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement of a policy, as written (intrinsic functions already resolved). {@code source} names where it
 * comes from, e.g. {@code PetStoreListPetsRoleDefaultPolicyF3998EB4#2} (policy logical id, statement index).
 * {@code principals} and {@code notPrincipal} matter only in resource-based policies; {@code problem} is set when
 * the statement is malformed (it then never allows and, if a Deny, always denies).
 */
public record Statement(String source, boolean allow, List<String> actions, boolean notAction,
                        List<String> resources, boolean notResource, List<String> principals, boolean notPrincipal,
                        JsonNode condition, String problem) {

    public static Statement parse(String source, JsonNode s, boolean resourcePolicy) {
        String effect = s.path("Effect").asText("");
        List<String> problems = new ArrayList<>();
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            problems.add("Effect must be Allow or Deny (got '" + effect + "')");
        }
        boolean notAction = s.has("NotAction");
        List<String> actions = strings(notAction ? s.get("NotAction") : s.get("Action"));
        if (actions.isEmpty()) {
            problems.add("no Action or NotAction");
        }
        boolean notResource = s.has("NotResource");
        List<String> resources = strings(notResource ? s.get("NotResource") : s.get("Resource"));
        if (resources.isEmpty() && !resourcePolicy) {
            problems.add("no Resource or NotResource");
        }
        if (resources.isEmpty()) {
            resources = List.of("*"); // a resource-based policy applies to the resource it is attached to
        }
        boolean notPrincipal = s.has("NotPrincipal");
        List<String> principals = principals(notPrincipal ? s.get("NotPrincipal") : s.get("Principal"));
        if (resourcePolicy && principals.isEmpty()) {
            problems.add("a resource-based policy statement needs a Principal or NotPrincipal");
        }
        JsonNode condition = s.get("Condition");
        return new Statement(source, effect.equals("Allow"), actions, notAction, resources, notResource, principals,
                notPrincipal, condition == null || condition.isNull() ? null : condition,
                problems.isEmpty() ? null : String.join("; ", problems));
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }

    /** Principals as {@code "*"}, {@code "AWS:<arn or account>"}, {@code "Service:<name>"}, ... */
    private static List<String> principals(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText().equals("*") ? "*" : "?:" + node.asText());
            return out;
        }
        node.fields().forEachRemaining(e -> strings(e.getValue()).forEach(v -> out.add(e.getKey() + ":" + v)));
        return out;
    }

    /**
     * The statements that grant what this one does except {@code action} on {@code resource} (for "what if this grant
     * were removed"): this one without the action, and the action alone on the other resources.
     */
    public List<Statement> without(String action, String resource) {
        List<Statement> out = new ArrayList<>();
        out.add(without(action));
        List<String> others = new ArrayList<>(resources);
        others.remove(resource);
        if (!others.isEmpty()) {
            out.add(new Statement(source, allow, List.of(action), notAction, others, notResource, principals,
                    notPrincipal, condition, problem));
        }
        return out;
    }

    /** The same statement without {@code action} among its actions (for "what if this grant were removed"). */
    public Statement without(String action) {
        List<String> rest = new ArrayList<>(actions);
        rest.remove(action);
        return new Statement(source, allow, rest, notAction, resources, notResource, principals, notPrincipal,
                condition, problem);
    }
}
