package dev.serverlesskit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cfn.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed snapshots of every stage as mutable templates, and the changes a reviewer meets, applied the way the
 * CDK would write them. Resources are found by what they are (a function's name, a route, a construct path's end),
 * never by logical id, so the tests follow the app as it changes.
 */
public final class Fixtures {
    private Fixtures() {
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("test/snapshots")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static Path snapshots() {
        return root().resolve("test/snapshots");
    }

    /** The snapshots as mutable templates, by stack key ("dev/ServerlessKit", "Pipeline"). */
    static Map<String, ObjectNode> templates() {
        Map<String, ObjectNode> map = new LinkedHashMap<>();
        Stacks.load(snapshots()).byKey().forEach((k, s) -> map.put(k, (ObjectNode) s.raw().deepCopy()));
        return map;
    }

    /** The dev stage's snapshot, canonical (asset hashes and the like normalized), as a mutable copy. */
    public static ObjectNode dev() {
        return (ObjectNode) Stacks.load(snapshots()).byKey().get("dev/ServerlessKit").canonical().deepCopy();
    }

    static Stacks stacks(Map<String, ObjectNode> templates) {
        List<StackTemplate> list = new ArrayList<>();
        templates.forEach((key, t) -> list.add(Stacks.stack(key, key.contains("/") ? key.substring(0,
                key.indexOf('/')) : "tools", t, null, null, null, null, Map.of())));
        return Stacks.of(list);
    }

    static List<String> stageKeys(Map<String, ObjectNode> templates) {
        return templates.keySet().stream().filter(k -> k.contains("/")).toList();
    }

    static Template template(String key, JsonNode t) {
        return new Template(t, key, null);
    }

    static ObjectNode resource(ObjectNode t, String id) {
        return (ObjectNode) t.path("Resources").get(id);
    }

    /** The logical id of the only resource of a type whose construct path ends with a suffix. */
    static String byPath(ObjectNode t, String type, String suffix) {
        List<String> ids = new ArrayList<>();
        t.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)
                    && e.getValue().path("Metadata").path("aws:cdk:path").asText().endsWith(suffix)) {
                ids.add(e.getKey());
            }
        });
        if (ids.size() != 1) {
            throw new IllegalStateException(ids.size() + " " + type + " resources end with " + suffix);
        }
        return ids.get(0);
    }

    static String function(String key, ObjectNode t, String name) {
        return new AppModel(template(key, t)).functions().values().stream().filter(f -> f.name().equals(name))
                .findFirst().orElseThrow().id();
    }

    /** A new grant: one more action on the statement of a function's policy that already has a similar one. */
    static void grant(String key, ObjectNode t, String functionName, String action) {
        String role = new AppModel(template(key, t)).functions().get(function(key, t, functionName)).roleId();
        String service = action.substring(0, action.indexOf(':') + 1);
        for (Map.Entry<String, JsonNode> e : iterable(t.path("Resources"))) {
            JsonNode r = e.getValue();
            if (!r.path("Type").asText().equals("AWS::IAM::Policy")
                    || !r.path("Properties").path("Roles").toString().contains("\"" + role + "\"")) {
                continue;
            }
            for (JsonNode statement : r.path("Properties").path("PolicyDocument").path("Statement")) {
                JsonNode actions = statement.path("Action");
                if (actions.toString().contains(service)) {
                    ArrayNode list = Json.MAPPER.createArrayNode();
                    if (actions.isArray()) {
                        list.addAll((ArrayNode) actions);
                    } else {
                        list.add(actions);
                    }
                    list.add(action);
                    ((ObjectNode) statement).set("Action", list);
                    return;
                }
            }
        }
        throw new IllegalStateException("no " + service + " statement for " + functionName);
    }

    /** A table's partition key renamed (CloudFormation replaces the table). */
    static void tableKey(ObjectNode t, String tablePathSuffix, String newKey) {
        ObjectNode p = (ObjectNode) resource(t, byPath(t, "AWS::DynamoDB::Table", tablePathSuffix)).get("Properties");
        String old = p.path("KeySchema").path(0).path("AttributeName").asText();
        ((ObjectNode) p.path("KeySchema").get(0)).put("AttributeName", newKey);
        for (JsonNode a : p.path("AttributeDefinitions")) {
            if (a.path("AttributeName").asText().equals(old)) {
                ((ObjectNode) a).put("AttributeName", newKey);
            }
        }
    }

    static void reservedConcurrency(String key, ObjectNode t, String functionName, int value) {
        ((ObjectNode) resource(t, function(key, t, functionName)).get("Properties"))
                .put("ReservedConcurrentExecutions", value);
    }

    /** A route made public as ServerlessApi would write it: no authorizer, the access metadata and its reason. */
    static void makePublic(String key, ObjectNode t, String route, String reason) {
        String method = new AppModel(template(key, t)).route(route).orElseThrow().methodId();
        ObjectNode r = resource(t, method);
        ObjectNode p = (ObjectNode) r.get("Properties");
        p.put("AuthorizationType", "NONE");
        p.remove("AuthorizerId");
        p.remove("AuthorizationScopes");
        ObjectNode metadata = (ObjectNode) r.get("Metadata");
        metadata.put("serverlesskit:access", "public");
        metadata.set("serverlesskit:accessDetails", Json.MAPPER.createObjectNode().put("reason", reason));
        redeploy(t);
    }

    /**
     * A new API deployment, as the CDK makes for any change to the API: the deployment's logical id ends with a hash of
     * the API's configuration, so it changes, and the stage points at the new one.
     */
    static void redeploy(ObjectNode t) {
        for (String id : Json.fieldNames(t.get("Resources"))) {
            if (t.get("Resources").get(id).path("Type").asText().equals("AWS::ApiGateway::Deployment")) {
                renameLogicalId(t, id, id.substring(0, id.length() - 8) + "0ddba11e");
                return;
            }
        }
    }

    /** A resource's logical id changed (and every reference to it), its construct path kept. */
    static void renameLogicalId(ObjectNode t, String id, String renamed) {
        ObjectNode copy = (ObjectNode) Json.parse(t.toString().replace("\"" + id + "\"", "\"" + renamed + "\""));
        t.removeAll();
        t.setAll(copy);
    }

    static void alarmThreshold(ObjectNode t, String alarmPathSuffix, int threshold) {
        ((ObjectNode) resource(t, byPath(t, "AWS::CloudWatch::Alarm", alarmPathSuffix)).get("Properties"))
                .put("Threshold", threshold);
    }

    /** An alarm removed, with its dashboard widget (the dashboard body is an Fn::Join around the alarms' ARNs). */
    static void removeAlarm(ObjectNode t, String alarmPathSuffix) {
        String alarm = byPath(t, "AWS::CloudWatch::Alarm", alarmPathSuffix);
        ((ObjectNode) t.get("Resources")).remove(alarm);
        for (Map.Entry<String, JsonNode> e : iterable(t.path("Resources"))) {
            if (!e.getValue().path("Type").asText().equals("AWS::CloudWatch::Dashboard")) {
                continue;
            }
            ObjectNode props = (ObjectNode) e.getValue().get("Properties");
            ArrayNode parts = (ArrayNode) props.path("DashboardBody").path("Fn::Join").get(1);
            List<JsonNode> intrinsics = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (JsonNode part : parts) {
                if (part.isTextual()) {
                    text.append(part.asText());
                } else {
                    text.append("@@").append(intrinsics.size()).append("@@");
                    intrinsics.add(part);
                }
            }
            int marker = -1;
            for (int i = 0; i < intrinsics.size(); i++) {
                if (intrinsics.get(i).toString().contains("\"" + alarm + "\"")) {
                    marker = i;
                }
            }
            ObjectNode body = (ObjectNode) Json.parse(text.toString());
            ArrayNode widgets = (ArrayNode) body.get("widgets");
            for (int i = 0; i < widgets.size(); i++) {
                if (widgets.get(i).toString().contains("@@" + marker + "@@")) {
                    widgets.remove(i);
                    break;
                }
            }
            ArrayNode rebuilt = Json.MAPPER.createArrayNode();
            Matcher m = Pattern.compile("@@(\\d+)@@").matcher(body.toString());
            int last = 0;
            while (m.find()) {
                rebuilt.add(TextNode.valueOf(body.toString().substring(last, m.start())));
                rebuilt.add(intrinsics.get(Integer.parseInt(m.group(1))));
                last = m.end();
            }
            rebuilt.add(TextNode.valueOf(body.toString().substring(last)));
            ((ArrayNode) props.path("DashboardBody").path("Fn::Join")).set(1, rebuilt);
        }
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
