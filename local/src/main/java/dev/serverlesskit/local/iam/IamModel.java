package dev.serverlesskit.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.local.IntrinsicResolver;
import dev.serverlesskit.local.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IAM side of a template: each role with the statements IAM evaluates for it (its inline {@code Policies}, the
 * {@code AWS::IAM::Policy} and {@code AWS::IAM::ManagedPolicy} resources attached to it, its {@code ManagedPolicyArns}
 * and {@code PermissionsBoundary} when they name a policy of the template) and each resource's own policy (SQS queue
 * policies, DynamoDB table resource policies), with intrinsic functions resolved to the local stand-ins' names and
 * ARNs. A managed policy outside the template (an AWS managed policy, another stack's) cannot be evaluated: it is
 * recorded as such and allows nothing.
 */
public final class IamModel {
    /** A role: its name and ARN as the local runtime knows them, and what IAM evaluates for it. */
    public record Role(String logicalId, String name, String arn, String roleId, Policies policies) {
    }

    private final Map<String, Role> roles;
    private final Map<String, List<Statement>> resourcePolicies;

    private IamModel(Map<String, Role> roles, Map<String, List<Statement>> resourcePolicies) {
        this.roles = roles;
        this.resourcePolicies = resourcePolicies;
    }

    /** A model of these roles and resource policies (resource ARN to statements). */
    public static IamModel of(Map<String, Role> roles, Map<String, List<Statement>> resourcePolicies) {
        return new IamModel(Map.copyOf(roles), Map.copyOf(resourcePolicies));
    }

    public static IamModel read(JsonNode template, IntrinsicResolver resolver) {
        JsonNode resources = template.path("Resources");
        Map<String, List<Statement>> identity = new LinkedHashMap<>();
        Map<String, List<String>> unevaluable = new HashMap<>();
        Map<String, List<Statement>> managed = new HashMap<>();
        Map<String, List<Statement>> resourcePolicies = new HashMap<>();
        resources.fields().forEachRemaining(e -> {
            if ("AWS::IAM::ManagedPolicy".equals(e.getValue().path("Type").asText())) {
                managed.put(e.getKey(), statements(e.getKey(),
                        e.getValue().path("Properties").path("PolicyDocument"), resolver, false));
            }
        });
        resources.fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode p = e.getValue().path("Properties");
            switch (e.getValue().path("Type").asText()) {
                case "AWS::IAM::Role" -> {
                    identity.computeIfAbsent(id, k -> new ArrayList<>());
                    for (JsonNode inline : p.path("Policies")) {
                        identity.get(id).addAll(statements(id + ".Policies[" + inline.path("PolicyName").asText()
                                + "]", inline.path("PolicyDocument"), resolver, false));
                    }
                    for (JsonNode arn : p.path("ManagedPolicyArns")) {
                        String ref = arn.path("Ref").asText(null);
                        if (ref != null && managed.containsKey(ref)) {
                            identity.get(id).addAll(managed.get(ref));
                        } else {
                            unevaluable.computeIfAbsent(id, k -> new ArrayList<>()).add(describe(arn, resolver)
                                    + ": a managed policy outside the template (AWS managed or another stack's)"
                                    + " cannot be evaluated locally; it allows nothing here");
                        }
                    }
                }
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
                    List<Statement> s = "AWS::IAM::Policy".equals(e.getValue().path("Type").asText())
                            ? statements(id, p.path("PolicyDocument"), resolver, false) : managed.get(id);
                    for (JsonNode role : p.path("Roles")) {
                        String roleId = role.path("Ref").asText(null);
                        if (roleId != null && resources.has(roleId)) {
                            identity.computeIfAbsent(roleId, k -> new ArrayList<>()).addAll(s);
                        }
                    }
                }
                case "AWS::SQS::QueuePolicy" -> {
                    for (JsonNode queue : p.path("Queues")) {
                        String queueId = queue.path("Ref").asText(null);
                        if (queueId != null) {
                            resourcePolicies.computeIfAbsent(arnOf(queueId, resolver), k -> new ArrayList<>())
                                    .addAll(statements(id, p.path("PolicyDocument"), resolver, true));
                        }
                    }
                }
                case "AWS::DynamoDB::Table" -> {
                    JsonNode doc = p.path("ResourcePolicy").path("PolicyDocument");
                    if (!doc.isMissingNode()) {
                        resourcePolicies.computeIfAbsent(arnOf(id, resolver), k -> new ArrayList<>())
                                .addAll(statements(id + ".ResourcePolicy", doc, resolver, true));
                    }
                }
                default -> {
                }
            }
        });
        Map<String, Role> roles = new LinkedHashMap<>();
        identity.forEach((id, statements) -> {
            JsonNode p = resources.path(id).path("Properties");
            List<Statement> boundary = null;
            List<String> notes = new ArrayList<>(unevaluable.getOrDefault(id, List.of()));
            if (p.has("PermissionsBoundary")) {
                String ref = p.path("PermissionsBoundary").path("Ref").asText(null);
                if (ref != null && managed.containsKey(ref)) {
                    boundary = managed.get(ref);
                } else {
                    boundary = List.of();
                    notes.add(describe(p.get("PermissionsBoundary"), resolver) + ": a permissions boundary outside"
                            + " the template cannot be evaluated locally; it allows nothing here");
                }
            }
            String name = resolver.resolveString(Json.object().put("Ref", id));
            String arn = resolver.resolveString(Json.object().set("Fn::GetAtt",
                    Json.MAPPER.createArrayNode().add(id).add("Arn")));
            String roleId = resolver.resolveString(Json.object().set("Fn::GetAtt",
                    Json.MAPPER.createArrayNode().add(id).add("RoleId")));
            roles.put(id, new Role(id, name, arn, roleId, new Policies(statements, boundary, notes)));
        });
        return new IamModel(roles, resourcePolicies);
    }

    private static String arnOf(String logicalId, IntrinsicResolver resolver) {
        return resolver.resolveString(Json.object().set("Fn::GetAtt",
                Json.MAPPER.createArrayNode().add(logicalId).add("Arn")));
    }

    private static String describe(JsonNode node, IntrinsicResolver resolver) {
        try {
            return resolver.resolveString(node);
        } catch (RuntimeException e) {
            return node.toString();
        }
    }

    /** The statements of a policy document; one that cannot be resolved becomes statements that never allow. */
    static List<Statement> statements(String source, JsonNode document, IntrinsicResolver resolver,
                                      boolean resourcePolicy) {
        List<Statement> out = new ArrayList<>();
        JsonNode list = document.path("Statement");
        if (list.isObject()) {
            list = Json.MAPPER.createArrayNode().add(list);
        }
        for (int i = 0; i < list.size(); i++) {
            String name = source + "#" + i;
            JsonNode resolved;
            try {
                resolved = resolver.resolve(list.get(i));
            } catch (RuntimeException e) {
                JsonNode raw = list.get(i);
                out.add(new Statement(name, "Allow".equals(raw.path("Effect").asText()), List.of("*"), false,
                        List.of("*"), false, List.of("*"), false, null,
                        "cannot resolve its intrinsic functions locally: " + e.getMessage()));
                continue;
            }
            out.add(Statement.parse(name, resolved, resourcePolicy));
        }
        return out;
    }

    public Role role(String logicalId) {
        return roles.get(logicalId);
    }

    public Map<String, Role> roles() {
        return roles;
    }

    /** The resource-based policy of the resource with this ARN (an index or stream: its table's), or none. */
    public List<Statement> resourcePolicy(String arn) {
        List<Statement> direct = resourcePolicies.get(arn);
        if (direct != null) {
            return direct;
        }
        int sub = arn.indexOf("/index/");
        if (sub < 0) {
            sub = arn.indexOf("/stream/");
        }
        return sub < 0 ? List.of() : resourcePolicies.getOrDefault(arn.substring(0, sub), List.of());
    }
}
