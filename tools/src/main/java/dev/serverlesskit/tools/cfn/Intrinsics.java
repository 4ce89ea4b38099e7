package dev.serverlesskit.tools.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders template values for people: a reference to a resource becomes its short name ({@code Pets}), an ARN
 * attribute the resource itself, {@code Fn::Join} and {@code Fn::Sub} the string they build, the stack's own account
 * {@code <account>}. Used for IAM resources, dashboard bodies and any value shown in a report.
 */
public final class Intrinsics {
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!]+)}");

    private Intrinsics() {
    }

    public static String render(JsonNode value, Template template) {
        String text = renderRaw(value, template);
        String account = template.account();
        return account == null ? text : text.replace(":" + account + ":", ":<account>:")
                .replace("-" + account + "-", "-<account>-");
    }

    /**
     * The value with every intrinsic function replaced by its rendering: a readable JSON value, stable across
     * logical id changes, for diffs and conditions.
     */
    public static JsonNode display(JsonNode value, Template t) {
        if (value == null || value.isValueNode() || value.isMissingNode()) {
            return value;
        }
        if (value.isObject() && value.size() == 1 && isIntrinsic(value.fieldNames().next())) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(render(value, t));
        }
        if (value.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode array = Json.MAPPER.createArrayNode();
            value.forEach(v -> array.add(display(v, t)));
            return array;
        }
        com.fasterxml.jackson.databind.node.ObjectNode object = Json.MAPPER.createObjectNode();
        value.fields().forEachRemaining(e -> object.set(e.getKey(), display(e.getValue(), t)));
        return object;
    }

    private static boolean isIntrinsic(String key) {
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    private static String renderRaw(JsonNode value, Template t) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(renderRaw(v, t)));
            return String.join(", ", parts);
        }
        if (value.size() == 1) {
            String fn = value.fieldNames().next();
            JsonNode arg = value.get(fn);
            switch (fn) {
                case "Ref":
                    return ref(arg.asText(), null, t);
                case "Fn::GetAtt": {
                    String id = arg.isArray() ? arg.path(0).asText() : arg.asText().split("\\.", 2)[0];
                    String attr = arg.isArray() ? arg.path(1).asText() : arg.asText().contains(".")
                            ? arg.asText().split("\\.", 2)[1] : "";
                    return ref(id, attr, t);
                }
                case "Fn::Join": {
                    StringBuilder sb = new StringBuilder();
                    String sep = arg.path(0).asText();
                    JsonNode parts = arg.path(1);
                    for (int i = 0; i < parts.size(); i++) {
                        if (i > 0) {
                            sb.append(sep);
                        }
                        sb.append(renderRaw(parts.get(i), t));
                    }
                    return sb.toString();
                }
                case "Fn::Sub": {
                    String template = arg.isArray() ? arg.path(0).asText() : arg.asText();
                    JsonNode vars = arg.isArray() ? arg.path(1) : null;
                    Matcher m = SUB_VAR.matcher(template);
                    StringBuilder sb = new StringBuilder();
                    while (m.find()) {
                        String name = m.group(1);
                        String replacement;
                        if (vars != null && vars.has(name)) {
                            replacement = renderRaw(vars.get(name), t);
                        } else if (name.contains(".")) {
                            String[] p = name.split("\\.", 2);
                            replacement = ref(p[0], p[1], t);
                        } else {
                            replacement = ref(name, null, t);
                        }
                        m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
                    }
                    m.appendTail(sb);
                    return sb.toString();
                }
                case "Fn::Select":
                    if (arg.path(1).isArray()) {
                        return renderRaw(arg.path(1).path(arg.path(0).asInt()), t);
                    }
                    return "select(" + arg.path(0).asText() + ", " + renderRaw(arg.path(1), t) + ")";
                case "Fn::Split":
                    return "split(" + arg.path(0).asText() + ", " + renderRaw(arg.path(1), t) + ")";
                case "Fn::ImportValue":
                    return "import(" + renderRaw(arg, t) + ")";
                case "Fn::If":
                    return "if " + arg.path(0).asText() + " then " + renderRaw(arg.path(1), t) + " else "
                            + renderRaw(arg.path(2), t);
                default:
                    break;
            }
        }
        return Json.compact(value);
    }

    private static String ref(String id, String attribute, Template t) {
        if (id.startsWith("AWS::")) {
            return "${" + id + "}";
        }
        if (!t.has(id)) {
            return "${" + id + (attribute == null || attribute.isEmpty() ? "" : "." + attribute) + "}";
        }
        String name = t.name(id);
        if (attribute == null || attribute.isEmpty() || attribute.equals("Arn")) {
            return name;
        }
        return name + "." + attribute;
    }
}
