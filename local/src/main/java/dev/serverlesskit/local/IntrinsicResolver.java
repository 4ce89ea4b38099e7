package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves CloudFormation intrinsic functions ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Join}, {@code Fn::Sub},
 * {@code Fn::Select}, {@code Fn::Split}) against the local stand-ins of the template's resources: a table's
 * {@code Ref} is its local table name, a queue's {@code Ref} its ElasticMQ URL, a user pool's {@code Ref} its
 * cognito-local id. An unknown reference or function fails with the path to it, never silently.
 */
public final class IntrinsicResolver {
    /** What {@code Ref} and {@code Fn::GetAtt} of one resource resolve to locally. */
    public record Local(String ref, Map<String, String> attributes) {
        public static Local of(String ref, Map<String, String> attributes) {
            return new Local(ref, Map.copyOf(attributes));
        }
    }

    private static final Pattern SUB = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Local> resources;
    private final Map<String, String> pseudoParameters;

    /** {@code pseudoParameters}: AWS::Region, AWS::AccountId, AWS::Partition, AWS::URLSuffix, AWS::StackName... */
    public IntrinsicResolver(Map<String, Local> resources, Map<String, String> pseudoParameters) {
        this.resources = Map.copyOf(resources);
        this.pseudoParameters = Map.copyOf(pseudoParameters);
    }

    public String resolveString(JsonNode node) {
        JsonNode v = resolve(node);
        if (!v.isValueNode()) {
            throw new IllegalArgumentException("Expected a string, got " + v);
        }
        return v.asText();
    }

    public JsonNode resolve(JsonNode node) {
        if (node == null || node.isNull()) {
            return TextNode.valueOf("");
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            node.forEach(n -> out.add(resolve(n)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String fn = node.fieldNames().next();
            JsonNode arg = node.get(fn);
            switch (fn) {
                case "Ref":
                    return TextNode.valueOf(ref(arg.asText()));
                case "Fn::GetAtt":
                    return TextNode.valueOf(getAtt(arg));
                case "Fn::Join": {
                    String delimiter = arg.get(0).asText();
                    List<String> parts = new ArrayList<>();
                    resolve(arg.get(1)).forEach(p -> parts.add(p.asText()));
                    return TextNode.valueOf(String.join(delimiter, parts));
                }
                case "Fn::Select": {
                    int index = Integer.parseInt(resolve(arg.get(0)).asText());
                    JsonNode list = resolve(arg.get(1));
                    if (index < 0 || index >= list.size()) {
                        throw new IllegalArgumentException("Fn::Select index " + index + " out of " + list);
                    }
                    return list.get(index);
                }
                case "Fn::Split": {
                    String delimiter = arg.get(0).asText();
                    String source = resolveString(arg.get(1));
                    ArrayNode out = Json.MAPPER.createArrayNode();
                    for (String s : source.split(Pattern.quote(delimiter), -1)) {
                        out.add(s);
                    }
                    return out;
                }
                case "Fn::Sub":
                    return TextNode.valueOf(sub(arg));
                default:
                    if (fn.startsWith("Fn::") || fn.equals("Condition")) {
                        throw new IllegalArgumentException(fn + " is not supported by the local runtime (in " + node + ")");
                    }
            }
        }
        var out = Json.object();
        node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue())));
        return out;
    }

    private String ref(String name) {
        if (pseudoParameters.containsKey(name)) {
            return pseudoParameters.get(name);
        }
        Local local = resources.get(name);
        if (local == null) {
            throw new IllegalArgumentException("Ref " + name + ": no local stand-in for this resource");
        }
        return local.ref();
    }

    private String getAtt(JsonNode arg) {
        String resource;
        String attribute;
        if (arg.isArray()) {
            resource = arg.get(0).asText();
            attribute = resolveString(arg.get(1));
        } else {
            String[] parts = arg.asText().split("\\.", 2);
            resource = parts[0];
            attribute = parts[1];
        }
        Local local = resources.get(resource);
        if (local == null || !local.attributes().containsKey(attribute)) {
            throw new IllegalArgumentException("Fn::GetAtt " + resource + "." + attribute
                    + ": no local value for this attribute");
        }
        return local.attributes().get(attribute);
    }

    private String sub(JsonNode arg) {
        String template;
        Map<String, String> variables = new java.util.HashMap<>();
        if (arg.isArray()) {
            template = arg.get(0).asText();
            arg.get(1).fields().forEachRemaining(e -> variables.put(e.getKey(), resolveString(e.getValue())));
        } else {
            template = arg.asText();
        }
        Matcher m = SUB.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expr = m.group(1);
            String value;
            if (expr.startsWith("!")) {
                value = "${" + expr.substring(1) + "}";
            } else if (variables.containsKey(expr)) {
                value = variables.get(expr);
            } else if (expr.contains(".") && !pseudoParameters.containsKey(expr)) {
                String[] parts = expr.split("\\.", 2);
                value = getAtt(Json.MAPPER.createArrayNode().add(parts[0]).add(parts[1]));
            } else {
                value = ref(expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
