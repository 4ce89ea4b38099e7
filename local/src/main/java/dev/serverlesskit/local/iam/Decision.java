package dev.serverlesskit.local.iam;

import java.util.List;

/**
 * The outcome of evaluating one request: allowed or not, why (the statements that allowed or denied it), and what
 * could not be evaluated locally ({@code unevaluable}: never a reason to allow; a Deny that cannot be evaluated
 * counts as applying).
 */
public record Decision(Reason reason, List<String> allowedBy, List<String> deniedBy, List<String> unevaluable) {
    public enum Reason {
        ALLOWED,
        EXPLICIT_DENY_IDENTITY,
        EXPLICIT_DENY_RESOURCE,
        EXPLICIT_DENY_BOUNDARY,
        NO_IDENTITY_ALLOW,
        NO_BOUNDARY_ALLOW
    }

    public Decision {
        allowedBy = List.copyOf(allowedBy);
        deniedBy = List.copyOf(deniedBy);
        unevaluable = List.copyOf(unevaluable);
    }

    public boolean allowed() {
        return reason == Reason.ALLOWED;
    }

    /**
     * The message AWS gives for a refused request, e.g. {@code User: arn:aws:sts::1:assumed-role/r/f is not
     * authorized to perform: dynamodb:PutItem on resource: arn:... because no identity-based policy allows the
     * dynamodb:PutItem action}. {@code action} as the service writes it (SQS writes it in lower case).
     */
    public String message(String principalArn, String action, String resource) {
        String head = "User: " + principalArn + " is not authorized to perform: " + action + " on resource: "
                + resource;
        return switch (reason) {
            case ALLOWED -> throw new IllegalStateException("an allowed request has no denial message");
            case EXPLICIT_DENY_IDENTITY -> head + " with an explicit deny in an identity-based policy";
            case EXPLICIT_DENY_RESOURCE -> head + " with an explicit deny in a resource-based policy";
            case EXPLICIT_DENY_BOUNDARY -> head + " with an explicit deny in a permissions boundary";
            case NO_IDENTITY_ALLOW -> head + " because no identity-based policy allows the " + action + " action";
            case NO_BOUNDARY_ALLOW -> head + " because no permissions boundary allows the " + action + " action";
        };
    }
}
