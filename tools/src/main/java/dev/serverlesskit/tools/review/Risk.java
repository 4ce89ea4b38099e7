package dev.serverlesskit.tools.review;

import java.util.Map;

/**
 * What replacing or removing a resource does to the data it holds, in words, from its type and its removal policy:
 * {@code DeletionPolicy} for a resource removed from the template (the deployed template's), {@code
 * UpdateReplacePolicy} for one replaced (CloudFormation applies the updated template's). A resource without state
 * carries no risk here.
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
        DATA_DETACHED
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
        boolean retained = p.equals("Retain") || p.equals("RetainExceptOnCreate");
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

    /** What a policy that keeps nothing ({@code Delete} or {@code Snapshot}) does to the resource. */
    private static String deletion(String type, String policy, State state) {
        if (policy.equals("Snapshot")) {
            return "deleted after a snapshot";
        }
        return (type.equals("AWS::KMS::Key") ? "scheduled for deletion with " : "deleted with ") + state.contents();
    }
}
