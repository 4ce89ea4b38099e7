package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.Intrinsics;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources one stack adds, removes, updates and replaces between two templates, with the properties that
 * changed (semantic diffs, {@link ValueDiff}), whether CloudFormation replaces the resource ({@link Replacement}) and
 * what that does to its data ({@link Risk}). A resource whose logical id changed but whose construct path did not
 * (an API deployment, a function version) is one replacement, not a removal and an addition; property values are
 * compared by what their references point at, so references to it do not change.
 */
public final class ResourceChanges {
    /** What happens to a resource. */
    public enum Kind {
        ADDED, REMOVED, UPDATED, REPLACED
    }

    /** Types CloudFormation replaces as a matter of course when what they snapshot changes. */
    private static final Set<String> ROUTINE = Set.of("AWS::ApiGateway::Deployment", "AWS::Lambda::Version");

    /**
     * One resource's change.
     *
     * @param lines              property changes, one per line ({@code ~ ReservedConcurrentExecutions: 5 → 6})
     * @param cause              why it is replaced ("KeySchema", "logical id changed"), null otherwise
     * @param replacementUnknown the type is not in {@link Replacement}'s table: an update may replace it
     * @param risk               what happens to its data, null when it holds none or is not replaced nor removed
     */
    public record Change(Kind kind, String logicalId, String type, String name, String path, List<String> lines,
            String cause, boolean replacementUnknown, boolean routine, Risk.Assessment risk) {
        public String typeLabel() {
            return type.replace("AWS::", "").replace("::", " ");
        }

        /** What happens to the resource, for a sentence about its risk: replaced, removed or updated. */
        public String verb() {
            return switch (kind) {
                case REPLACED -> "replaced";
                case REMOVED -> "removed";
                default -> "updated";
            };
        }

        /** The kind of finding its risk is, as acknowledged in review-acknowledgments.txt; null without a risk. */
        public String findingKind() {
            if (risk == null) {
                return null;
            }
            return switch (risk.severity()) {
                case PROTECTION_LOWERED -> "protection";
                case DEPLOY_FAILS -> "deploy";
                default -> "destroy";
            };
        }
    }

    private ResourceChanges() {
    }

    public static List<Change> diff(Template base, Template head) {
        Set<String> removed = new LinkedHashSet<>(base.resources().keySet());
        removed.removeAll(head.resources().keySet());
        Set<String> added = new LinkedHashSet<>(head.resources().keySet());
        added.removeAll(base.resources().keySet());

        // A logical id that changed under the same construct path and type: the same resource, replaced.
        Map<String, String> renamed = new LinkedHashMap<>();
        for (String old : removed) {
            String path = base.path(old);
            for (String now : added) {
                if (!renamed.containsValue(now) && head.path(now).equals(path) && !path.equals(old)
                        && head.type(now).equals(base.type(old))) {
                    renamed.put(old, now);
                    break;
                }
            }
        }
        removed.removeAll(renamed.keySet());
        added.removeAll(renamed.values());

        List<Change> changes = new ArrayList<>();
        for (String id : head.resources().keySet()) {
            if (added.contains(id)) {
                changes.add(new Change(Kind.ADDED, id, head.type(id), head.name(id), head.path(id), List.of(), null,
                        false, ROUTINE.contains(head.type(id)), null));
            }
        }
        for (String id : base.resources().keySet()) {
            if (removed.contains(id)) {
                JsonNode r = base.resource(id);
                Risk.Assessment risk = Risk.assess(base.type(id), false, r.path("DeletionPolicy").asText(null),
                        deletionProtection(base.type(id), r.path("Properties")), null);
                changes.add(new Change(Kind.REMOVED, id, base.type(id), base.name(id), base.path(id), List.of(),
                        null, false, ROUTINE.contains(base.type(id)), risk));
            }
        }
        for (String id : head.resources().keySet()) {
            if (added.contains(id)) {
                continue;
            }
            String old = renamed.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
                    .findFirst().orElse(id);
            Change change = compare(base, old, head, id);
            if (change != null) {
                changes.add(change);
            }
        }
        return changes;
    }

    private static Change compare(Template base, String oldId, Template head, String id) {
        JsonNode before = base.resource(oldId);
        JsonNode after = head.resource(id);
        String type = head.type(id);
        boolean idChanged = !oldId.equals(id);
        List<String> lines = new ArrayList<>();
        String cause = null;
        if (!base.type(oldId).equals(type)) {
            cause = "type changed from " + base.type(oldId);
        } else if (idChanged) {
            cause = "logical id changed (" + oldId + " → " + id + ")";
        }
        JsonNode bp = before.path("Properties");
        JsonNode ap = after.path("Properties");
        Set<String> props = new TreeSet<>(Json.fieldNames(bp));
        props.addAll(Json.fieldNames(ap));
        boolean unknown = false;
        String customName = null;
        for (String prop : props) {
            if (bp.path(prop).equals(ap.path(prop))) {
                continue;
            }
            // Compared by what references point at: a renamed logical id (a new API deployment) is no change here.
            List<String> propertyLines = ValueDiff.diff(prop, Intrinsics.display(bp.get(prop), base),
                    Intrinsics.display(ap.get(prop), head));
            if (propertyLines.isEmpty()) {
                // Only a logical id it refers to changed: a routine update (a stage's new deployment), unless the
                // property replaces the resource (an event source mapping of a replaced queue is replaced too).
                if (Replacement.replaces(type, prop) && cause == null) {
                    cause = prop + " refers to a replaced resource";
                }
                continue;
            }
            if (Replacement.replaces(type, prop)) {
                cause = cause == null ? prop : cause;
            } else if (!Replacement.knows(type)) {
                unknown = true;
            }
            if (type.equals("AWS::IAM::Policy") && prop.equals("PolicyDocument")
                    || type.equals("AWS::IAM::Role") && (prop.equals("Policies")
                    || prop.equals("AssumeRolePolicyDocument"))) {
                lines.add("~ " + prop + ": statements changed (see IAM)");
                continue;
            }
            lines.addAll(propertyLines);
        }
        for (String prop : props) {
            if (cause != null && ap.has(prop) && Replacement.isNameProperty(type, prop)) {
                customName = prop;
            }
        }
        for (String attribute : List.of("DeletionPolicy", "UpdateReplacePolicy", "Condition")) {
            if (!before.path(attribute).equals(after.path(attribute))) {
                lines.add("~ " + attribute + ": " + Json.compact(before.path(attribute)) + " → "
                        + Json.compact(after.path(attribute)));
            }
        }
        if (cause == null && lines.isEmpty()) {
            return null;
        }
        Kind kind = cause != null ? Kind.REPLACED : Kind.UPDATED;
        Risk.Assessment risk = null;
        if (kind == Kind.REPLACED) {
            risk = Risk.assess(type, true, after.path("UpdateReplacePolicy").asText(null),
                    deletionProtection(type, bp), customName);
        } else {
            risk = Risk.update(type, before, after, deletionProtection(type, bp), deletionProtection(type, ap));
        }
        return new Change(kind, id, type, head.name(id), head.path(id), lines, cause, unknown && kind == Kind.UPDATED,
                ROUTINE.contains(type) && kind == Kind.REPLACED, risk);
    }

    private static boolean deletionProtection(String type, JsonNode properties) {
        return switch (type) {
            case "AWS::DynamoDB::Table" -> properties.path("DeletionProtectionEnabled").asBoolean(false);
            case "AWS::Cognito::UserPool" -> properties.path("DeletionProtection").asText("").equals("ACTIVE");
            default -> false;
        };
    }
}
