package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.Intrinsics;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Template;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every permission a template grants, one action on one resource for one principal at a time, so that a change
 * reads "+dynamodb:DeleteItem on Pets for AddPet" rather than a statement removed and another added. Identity
 * policies (a role's policies, named after the function or project that uses the role), trust policies and resource
 * policies (queues, topics, buckets, keys, Lambda permissions, REST API policies) are all flattened the same way.
 */
public final class Iam {
    /** One permission. {@code kind} is "identity", "trust" or "resource". */
    public record Grant(String principal, String effect, String action, String resource, String condition,
            String kind) {
        boolean broadens(boolean added) {
            return added == effect.equals("Allow");
        }
    }

    private Iam() {
    }

    public static Set<Grant> grants(Template t) {
        Set<Grant> grants = new LinkedHashSet<>();
        for (String id : t.resources().keySet()) {
            JsonNode p = t.properties(id);
            switch (t.type(id)) {
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
                    for (JsonNode role : p.path("Roles")) {
                        t.references(role).forEach(r -> statements(p.path("PolicyDocument"), principalOf(t, r),
                                null, "identity", t, grants));
                    }
                    for (String field : List.of("Users", "Groups")) {
                        for (JsonNode who : p.path(field)) {
                            statements(p.path("PolicyDocument"), Intrinsics.render(who, t), null, "identity", t,
                                    grants);
                        }
                    }
                }
                case "AWS::IAM::Role" -> {
                    String principal = principalOf(t, id);
                    for (JsonNode policy : p.path("Policies")) {
                        statements(policy.path("PolicyDocument"), principal, null, "identity", t, grants);
                    }
                    for (JsonNode arn : p.path("ManagedPolicyArns")) {
                        grants.add(new Grant(principal, "Allow", "(managed policy)", Intrinsics.render(arn, t), "",
                                "identity"));
                    }
                    statements(p.path("AssumeRolePolicyDocument"), null, t.name(id), "trust", t, grants);
                }
                case "AWS::SQS::QueuePolicy" -> statements(p.path("PolicyDocument"), null,
                        names(p.path("Queues"), t), "resource", t, grants);
                case "AWS::SNS::TopicPolicy" -> statements(p.path("PolicyDocument"), null,
                        names(p.path("Topics"), t), "resource", t, grants);
                case "AWS::S3::BucketPolicy" -> statements(p.path("PolicyDocument"), null,
                        Intrinsics.render(p.path("Bucket"), t), "resource", t, grants);
                case "AWS::KMS::Key" -> statements(p.path("KeyPolicy"), null, t.name(id), "resource", t, grants);
                case "AWS::ApiGateway::RestApi" -> statements(p.path("Policy"), null, t.name(id), "resource", t,
                        grants);
                case "AWS::Lambda::Permission" -> {
                    List<String> conditions = new ArrayList<>();
                    for (String field : List.of("SourceArn", "SourceAccount", "PrincipalOrgID",
                            "FunctionUrlAuthType")) {
                        if (p.has(field)) {
                            conditions.add(field + " " + Intrinsics.render(p.get(field), t));
                        }
                    }
                    grants.add(new Grant(Intrinsics.render(p.path("Principal"), t), "Allow",
                            p.path("Action").asText(), functionName(p.path("FunctionName"), t),
                            String.join(", ", conditions), "resource"));
                }
                default -> {
                }
            }
        }
        return grants;
    }

    /** The grants added (+) and removed (-), grouped per principal and action, broadening ones marked. */
    public static List<Change> diff(Set<Grant> before, Set<Grant> after) {
        Map<String, Change> changes = new TreeMap<>();
        for (boolean added : List.of(true, false)) {
            Set<Grant> from = added ? after : before;
            Set<Grant> other = added ? before : after;
            for (Grant g : from) {
                if (other.contains(g)) {
                    continue;
                }
                String key = g.principal() + "\u0000" + g.action() + "\u0000" + (added ? "+" : "-") + g.effect()
                        + g.condition() + g.kind();
                changes.computeIfAbsent(key, k -> new Change(added, g.principal(), g.effect(), g.action(),
                        new ArrayList<>(), g.condition(), g.kind())).resources().add(g.resource());
            }
        }
        List<Change> list = new ArrayList<>(changes.values());
        list.sort(Comparator.comparing(Change::principal).thenComparing(c -> c.added() ? 0 : 1)
                .thenComparing(Change::action));
        return list;
    }

    /** One action added or removed for one principal, on one or more resources. */
    public record Change(boolean added, String principal, String effect, String action, List<String> resources,
            String condition, String kind) {
        public boolean broadening() {
            return added == effect.equals("Allow");
        }

        public String describe() {
            StringBuilder sb = new StringBuilder(added ? "+" : "-");
            if (!effect.equals("Allow")) {
                sb.append("Deny ");
            }
            sb.append(action).append(" on ").append(String.join(", ", resources.stream().sorted().toList()))
                    .append(" for ").append(principal);
            if (!condition.isEmpty()) {
                sb.append(" when ").append(condition);
            }
            return sb.toString();
        }

        /** What an acknowledgment names: the principal, the action and the resources. */
        public String subject() {
            return principal + " " + action + " on " + String.join(", ", resources.stream().sorted().toList());
        }
    }

    private static void statements(JsonNode document, String principal, String resourceOverride, String kind,
            Template t, Set<Grant> grants) {
        for (JsonNode statement : Json.asList(document.path("Statement"))) {
            String effect = statement.path("Effect").asText("Allow");
            String condition = statement.has("Condition")
                    ? Json.compact(Intrinsics.display(statement.get("Condition"), t)) : "";
            List<String> actions = new ArrayList<>();
            Json.asList(statement.path("Action")).forEach(a -> actions.add(a.asText()));
            Json.asList(statement.path("NotAction")).forEach(a -> actions.add("NOT " + a.asText()));
            List<String> resources = new ArrayList<>();
            if (resourceOverride != null) {
                resources.add(resourceOverride);
            } else {
                Json.asList(statement.path("Resource")).forEach(r -> resources.add(Intrinsics.render(r, t)));
                Json.asList(statement.path("NotResource")).forEach(r -> resources.add("NOT "
                        + Intrinsics.render(r, t)));
            }
            List<String> principals = new ArrayList<>();
            if (principal != null) {
                principals.add(principal);
            } else {
                principals.addAll(principals(statement, t));
            }
            for (String who : principals) {
                for (String action : actions) {
                    for (String resource : resources) {
                        grants.add(new Grant(who, effect, action, resource, condition, kind));
                    }
                }
            }
        }
    }

    private static List<String> principals(JsonNode statement, Template t) {
        List<String> result = new ArrayList<>();
        JsonNode principal = statement.has("Principal") ? statement.get("Principal") : statement.path("NotPrincipal");
        String prefix = statement.has("NotPrincipal") ? "NOT " : "";
        if (principal.isTextual()) {
            result.add(prefix + (principal.asText().equals("*") ? "anyone" : principal.asText()));
        } else {
            principal.fields().forEachRemaining(e -> Json.asList(e.getValue()).forEach(v -> {
                String rendered = Intrinsics.render(v, t);
                result.add(prefix + (rendered.equals("*") ? "anyone" : rendered));
            }));
        }
        return result;
    }

    /** A role named after what uses it: the functions or build projects that run with it, else the role. */
    static String principalOf(Template t, String roleId) {
        List<String> users = new ArrayList<>();
        for (String id : t.resources().keySet()) {
            JsonNode p = t.properties(id);
            JsonNode roleField = switch (t.type(id)) {
                case "AWS::Lambda::Function" -> p.path("Role");
                case "AWS::CodeBuild::Project" -> p.path("ServiceRole");
                default -> null;
            };
            if (roleField != null && t.references(roleField).contains(roleId)) {
                users.add(t.name(id));
            }
        }
        return users.isEmpty() ? t.name(roleId) : String.join(", ", users);
    }

    private static String names(JsonNode refs, Template t) {
        List<String> names = new ArrayList<>();
        Json.asList(refs).forEach(r -> names.add(Intrinsics.render(r, t)));
        return String.join(", ", names);
    }

    private static String functionName(JsonNode value, Template t) {
        for (String id : t.references(value)) {
            if (t.type(id).equals("AWS::Lambda::Alias") || t.type(id).equals("AWS::Lambda::Version")) {
                Set<String> fn = t.references(t.properties(id).path("FunctionName"));
                if (!fn.isEmpty()) {
                    return t.name(fn.iterator().next());
                }
            }
            return t.name(id);
        }
        return Intrinsics.render(value, t);
    }
}
