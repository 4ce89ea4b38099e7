package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What replacing or removing a resource does to the data it holds, in words, from its type and its removal policy:
 * {@code DeletionPolicy} for a resource removed from the template (the deployed template's), {@code
 * UpdateReplacePolicy} for one replaced (CloudFormation applies the updated template's). A resource without state
 * carries no risk here. For an update in place ({@link #update}): protection of the data lowered, or an update
 * CloudFormation refuses.
 */
public final class Risk {
    /** What a stateful type holds. */
    record State(String noun, String contents) {
    }

    private static final Map<String, State> STATEFUL = Map.of(
            "AWS::DynamoDB::Table", new State("table", "its items"),
            "AWS::SQS::Queue", new State("queue", "the messages in it"),
            "AWS::Cognito::UserPool", new State("user pool", "its users and their passwords"),
            "AWS::Cognito::UserPoolGroup", new State("group", "its memberships"),
            "AWS::Logs::LogGroup", new State("log group", "its log events"),
            "AWS::KMS::Key", new State("key", "its key material (data encrypted under it becomes unreadable)"),
            "AWS::S3::Bucket", new State("bucket", "its objects"));

    /** How bad a change is for the data a resource holds. */
    public enum Severity {
        /** The data is deleted (or only a snapshot of it is kept). */
        DATA_LOSS,
        /** The data is kept in a resource the stack no longer uses. */
        DATA_DETACHED,
        /** Nothing is lost yet, but a later removal or replacement would delete the data. */
        PROTECTION_LOWERED,
        /** CloudFormation refuses the update: the deployment fails and rolls back. */
        DEPLOY_FAILS
    }

    /** A risk: the severity and the sentence. */
    public record Assessment(Severity severity, String words) {
    }

    private Risk() {
    }

    public static boolean isStateful(String type) {
        return STATEFUL.containsKey(type);
    }

    /**
     * @param replaced           true for a replacement, false for a removal
     * @param policy             the policy that applies (UpdateReplacePolicy for a replacement, DeletionPolicy for a
     *                           removal); null means CloudFormation's default, Delete
     * @param deletionProtection whether the resource has deletion protection on
     * @param customName         the name property a replacement cannot reuse, or null
     */
    public static Assessment assess(String type, boolean replaced, String policy, boolean deletionProtection,
            String customName) {
        State state = STATEFUL.get(type);
        if (state == null) {
            return null;
        }
        String p = policy == null ? "Delete" : policy;
        boolean retained = retains(p);
        StringBuilder sb = new StringBuilder();
        if (replaced) {
            sb.append("a new empty ").append(state.noun()).append("; the old one is ");
            if (retained) {
                sb.append("retained with ").append(state.contents()).append(", no longer used by the stack");
            } else {
                sb.append(deletion(type, p, state));
            }
            sb.append(" (UpdateReplacePolicy ").append(p).append(")");
            if (customName != null) {
                sb.append("; it has a fixed ").append(customName)
                        .append(", so CloudFormation cannot create the new one and the update fails");
            }
        } else {
            if (retained) {
                sb.append("removed from the stack; the ").append(state.noun()).append(" is retained with ")
                        .append(state.contents()).append(", no longer managed");
            } else {
                sb.append(deletion(type, p, state));
            }
            sb.append(" (DeletionPolicy ").append(p).append(")");
        }
        if (deletionProtection && !retained) {
            sb.append("; deletion protection is on, so the delete fails until it is turned off");
        }
        return new Assessment(retained ? Severity.DATA_DETACHED : Severity.DATA_LOSS, sb.toString());
    }

    /**
     * What an update in place of a stateful resource risks, or null: a change CloudFormation refuses (a DynamoDB
     * global secondary index changed in place, or more than one added or removed in one update), or the data's
     * protection lowered (a retaining {@code DeletionPolicy} or {@code UpdateReplacePolicy} that no longer retains,
     * or deletion protection turned off).
     *
     * @param before the resource in the base template, {@code after} in the changed one
     */
    public static Assessment update(String type, JsonNode before, JsonNode after, boolean protectedBefore,
            boolean protectedAfter) {
        State state = STATEFUL.get(type);
        if (state == null) {
            return null;
        }
        List<String> refused = type.equals("AWS::DynamoDB::Table") ? refusedIndexChanges(
                before.path("Properties").path("GlobalSecondaryIndexes"),
                after.path("Properties").path("GlobalSecondaryIndexes")) : List.of();
        if (!refused.isEmpty()) {
            return new Assessment(Severity.DEPLOY_FAILS, String.join("; ", refused)
                    + ": CloudFormation refuses this update and the deployment fails");
        }
        List<String> lowered = new ArrayList<>();
        for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
            String was = before.path(policy).asText("Delete");
            String now = after.path(policy).asText("Delete");
            if (retains(was) && !retains(now)) {
                lowered.add(policy + " " + was + " → " + now + ": a later " + (policy.equals("DeletionPolicy")
                        ? "removal" : "replacement") + " would leave the " + state.noun() + " "
                        + deletion(type, now, state) + " instead of keeping it");
            }
        }
        if (protectedBefore && !protectedAfter) {
            lowered.add("deletion protection turned off");
        }
        return lowered.isEmpty() ? null : new Assessment(Severity.PROTECTION_LOWERED, String.join("; ", lowered));
    }

    /** Whether a DeletionPolicy or UpdateReplacePolicy keeps the resource (and its data) when the stack lets go. */
    private static boolean retains(String policy) {
        return policy.equals("Retain") || policy.equals("RetainExceptOnCreate");
    }

    /**
     * DynamoDB global secondary index changes CloudFormation cannot make in place: an index's key schema or
     * projection (only its throughput and contributor insights may change), and more than one index added or
     * removed in one update.
     */
    private static List<String> refusedIndexChanges(JsonNode before, JsonNode after) {
        Map<String, JsonNode> was = indexes(before);
        Map<String, JsonNode> now = indexes(after);
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, JsonNode> index : now.entrySet()) {
            JsonNode old = was.get(index.getKey());
            if (old == null) {
                continue;
            }
            for (String property : List.of("KeySchema", "Projection")) {
                if (!old.path(property).equals(index.getValue().path(property))) {
                    refused.add("index " + index.getKey() + "'s " + property + " changed in place (give the"
                            + " changed index a new name: DynamoDB builds it, then the old one is removed)");
                }
            }
        }
        TreeSet<String> addedOrRemoved = new TreeSet<>(now.keySet());
        addedOrRemoved.removeAll(was.keySet());
        TreeSet<String> removed = new TreeSet<>(was.keySet());
        removed.removeAll(now.keySet());
        addedOrRemoved.addAll(removed);
        if (addedOrRemoved.size() > 1) {
            refused.add(addedOrRemoved.size() + " global secondary indexes added or removed (" + String.join(", ",
                    addedOrRemoved) + "): one per update (deploy them one change at a time)");
        }
        return refused;
    }

    private static Map<String, JsonNode> indexes(JsonNode list) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        list.forEach(index -> byName.put(index.path("IndexName").asText(), index));
        return byName;
    }

    /** What a policy that keeps nothing ({@code Delete} or {@code Snapshot}) does to the resource. */
    private static String deletion(String type, String policy, State state) {
        if (policy.equals("Snapshot")) {
            return "deleted after a snapshot";
        }
        return (type.equals("AWS::KMS::Key") ? "scheduled for deletion with " : "deleted with ") + state.contents();
    }
}
