package dev.serverlesskit.test;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Read-only queries over a synthesized CloudFormation template, for audits that span resources. */
public final class CfnTemplate {
    private final JsonNode resources;

    public CfnTemplate(JsonNode template) {
        this.resources = template.path("Resources");
    }

    /** Logical id to resource, for every resource of the type. */
    public Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (type.equals(e.getValue().path("Type").asText())) {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    public JsonNode resource(String logicalId) {
        return resources.path(logicalId);
    }

    /** Every logical id a value refers to with Ref or Fn::GetAtt, at any depth. */
    public static Set<String> references(JsonNode value) {
        Set<String> ids = new TreeSet<>();
        collect(value, ids);
        return ids;
    }

    private static void collect(JsonNode node, Set<String> ids) {
        if (node.isObject()) {
            if (node.has("Ref")) {
                ids.add(node.get("Ref").asText());
            }
            if (node.has("Fn::GetAtt")) {
                ids.add(node.get("Fn::GetAtt").get(0).asText());
            }
            node.elements().forEachRemaining(child -> collect(child, ids));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collect(child, ids));
        }
    }

    /** The URL path of an API Gateway method, from the resource tree ({@code /pets/{petId}}). */
    public String methodPath(JsonNode method) {
        JsonNode resourceId = method.path("Properties").path("ResourceId");
        if (resourceId.has("Fn::GetAtt")) {
            return "/"; // the REST API's root resource
        }
        List<String> parts = new ArrayList<>();
        String id = resourceId.path("Ref").asText();
        while (!id.isEmpty()) {
            JsonNode r = resource(id);
            parts.add(0, r.path("Properties").path("PathPart").asText());
            JsonNode parent = r.path("Properties").path("ParentId");
            id = parent.has("Ref") ? parent.get("Ref").asText() : "";
        }
        return "/" + String.join("/", parts);
    }

    /** "METHOD /path" to method, for every method but CORS preflight (OPTIONS). */
    public Map<String, JsonNode> routes() {
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        ofType("AWS::ApiGateway::Method").forEach((id, method) -> {
            String verb = method.path("Properties").path("HttpMethod").asText();
            if (!verb.equals("OPTIONS")) {
                routes.put(verb + " " + methodPath(method), method);
            }
        });
        return routes;
    }

    /** The IAM policy statements attached to a role, by the role's logical id. */
    public List<JsonNode> statementsOfRole(String roleId) {
        List<JsonNode> statements = new ArrayList<>();
        ofType("AWS::IAM::Policy").forEach((id, policy) -> {
            if (references(policy.path("Properties").path("Roles")).contains(roleId)) {
                policy.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
            }
        });
        resource(roleId).path("Properties").path("Policies")
                .forEach(p -> p.path("PolicyDocument").path("Statement").forEach(statements::add));
        return statements;
    }

    /** The role a function runs with. */
    public String roleOfFunction(String functionId) {
        return references(resource(functionId).path("Properties").path("Role")).iterator().next();
    }

    /** The function a route's Lambda proxy integration invokes (through its alias). */
    public String functionOfRoute(JsonNode method) {
        for (String id : references(method.path("Properties").path("Integration").path("Uri"))) {
            JsonNode r = resource(id);
            if (r.path("Type").asText().equals("AWS::Lambda::Alias")) {
                return references(r.path("Properties").path("FunctionName")).iterator().next();
            }
            if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
                return id;
            }
        }
        throw new IllegalStateException("route without a Lambda integration");
    }

    public static List<String> strings(JsonNode value) {
        List<String> result = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> result.add(v.isTextual() ? v.asText() : v.toString()));
        } else if (!value.isMissingNode()) {
            result.add(value.isTextual() ? value.asText() : value.toString());
        }
        return result;
    }
}
