package dev.serverlesskit.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IAM's evaluation logic for a request made by a role in its own account: an explicit Deny in any applicable policy
 * (identity-based, resource-based, permissions boundary) wins; otherwise the request is allowed when an identity-based
 * statement or a resource-based statement naming the caller allows it, and the permissions boundary (if any) allows
 * it too; otherwise it is denied implicitly. Actions match without regard to case, resources with it; {@code *} and
 * {@code ?} are wildcards; NotAction, NotResource and NotPrincipal invert their match.
 *
 * <p>Conditions: the operators String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool
 * and Null, each with IfExists, on the keys the {@link Caller} models. Anything else (another operator, a set
 * operator, an unmodeled key, a policy variable) cannot be evaluated here: it is reported in the decision, an Allow
 * that depends on it does not apply, and a Deny that depends on it does (fail closed).
 */
public final class PolicyEvaluator {
    private static final java.util.Set<String> OPERATORS = java.util.Set.of("StringEquals", "StringNotEquals",
            "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "ArnEquals",
            "ArnNotEquals", "ArnLike", "ArnNotLike", "Bool", "Null");

    private PolicyEvaluator() {
    }

    enum Match { APPLIES, NO, UNEVALUABLE }

    /** {@code resourcePolicy}: the statements of the target resource's own policy (may be empty). */
    public static Decision evaluate(Policies role, List<Statement> resourcePolicy, Caller caller, String action,
                                    String resource) {
        List<String> allowedBy = new ArrayList<>();
        List<String> deniedBy = new ArrayList<>();
        List<String> unevaluable = new ArrayList<>(role.unevaluable());
        Decision.Reason deny = null;
        boolean identityAllows = false;
        boolean resourceAllows = false;

        for (Statement s : role.identity()) {
            Match m = match(s, false, caller, action, resource, unevaluable);
            if (!s.allow() && m != Match.NO) {
                deniedBy.add(s.source());
                deny = deny == null ? Decision.Reason.EXPLICIT_DENY_IDENTITY : deny;
            } else if (s.allow() && m == Match.APPLIES) {
                allowedBy.add(s.source());
                identityAllows = true;
            }
        }
        for (Statement s : resourcePolicy) {
            Match m = match(s, true, caller, action, resource, unevaluable);
            if (!s.allow() && m != Match.NO) {
                deniedBy.add(s.source());
                deny = deny == null ? Decision.Reason.EXPLICIT_DENY_RESOURCE : deny;
            } else if (s.allow() && m == Match.APPLIES) {
                allowedBy.add(s.source());
                resourceAllows = true;
            }
        }
        boolean boundaryAllows = true;
        if (role.boundary() != null) {
            boundaryAllows = false;
            for (Statement s : role.boundary()) {
                Match m = match(s, false, caller, action, resource, unevaluable);
                if (!s.allow() && m != Match.NO) {
                    deniedBy.add(s.source());
                    deny = deny == null ? Decision.Reason.EXPLICIT_DENY_BOUNDARY : deny;
                } else if (s.allow() && m == Match.APPLIES) {
                    boundaryAllows = true;
                }
            }
        }
        Decision.Reason reason;
        if (deny != null) {
            reason = deny;
        } else if (!identityAllows && !resourceAllows) {
            reason = Decision.Reason.NO_IDENTITY_ALLOW;
        } else if (!boundaryAllows) {
            // the boundary limits what the role's own policies and a resource policy naming the role grant
            reason = Decision.Reason.NO_BOUNDARY_ALLOW;
        } else {
            reason = Decision.Reason.ALLOWED;
        }
        return new Decision(reason, reason == Decision.Reason.ALLOWED ? allowedBy : List.of(), deniedBy, unevaluable);
    }

    static Match match(Statement s, boolean resourcePolicy, Caller caller, String action, String resource,
                       List<String> unevaluable) {
        if (s.problem() != null) {
            unevaluable.add(s.source() + ": " + s.problem());
            return Match.UNEVALUABLE;
        }
        if (anyMatches(s.actions(), action, true) == s.notAction()) {
            return Match.NO;
        }
        for (String r : s.resources()) {
            if (r.contains("${")) {
                unevaluable.add(s.source() + ": policy variable in resource " + r);
                return Match.UNEVALUABLE;
            }
        }
        if (anyMatches(s.resources(), resource, false) == s.notResource()) {
            return Match.NO;
        }
        if (resourcePolicy && principalMatches(s.principals(), caller, s.allow()) == s.notPrincipal()) {
            return Match.NO;
        }
        return s.condition() == null ? Match.APPLIES : conditions(s, caller, unevaluable);
    }

    private static boolean anyMatches(List<String> patterns, String value, boolean ignoreCase) {
        for (String p : patterns) {
            if (Glob.matches(p, value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a resource policy's principals name the caller. An account principal ({@code 123456789012} or its
     * {@code :root} ARN) names every principal of the account for a Deny, but an Allow for it grants nothing by
     * itself: it delegates to the account, whose identity policies must allow the call (AWS's policy evaluation for
     * account principals), so only the role, its session or everyone ({@code *}) is granted by the resource policy.
     */
    private static boolean principalMatches(List<String> principals, Caller caller, boolean allow) {
        for (String p : principals) {
            if (p.equals("*") || p.equals("AWS:*")) {
                return true;
            }
            if (p.startsWith("AWS:")) {
                String v = p.substring(4);
                if (v.equals(caller.roleArn()) || v.equals(caller.sessionArn())) {
                    return true;
                }
                if (!allow && (v.equals(caller.account()) || v.equals("arn:aws:iam::" + caller.account() + ":root"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every operator, and every key under it, must hold (AND); the values of one key are alternatives (OR). */
    private static Match conditions(Statement s, Caller caller, List<String> unevaluable) {
        Match result = Match.APPLIES;
        for (Iterator<Map.Entry<String, JsonNode>> ops = s.condition().fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                Match m = condition(op.getKey(), key.getKey(), Statement.strings(key.getValue()), caller);
                if (m == Match.NO) {
                    return Match.NO;
                }
                if (m == Match.UNEVALUABLE) {
                    unevaluable.add(s.source() + ": condition " + op.getKey() + " on " + key.getKey()
                            + " cannot be evaluated locally" + (s.allow() ? " (the Allow does not apply)"
                            : " (the Deny applies: fail closed)"));
                    result = Match.UNEVALUABLE;
                }
            }
        }
        return result;
    }

    static Match condition(String operator, String key, List<String> expected, Caller caller) {
        if (operator.contains(":")) {
            return Match.UNEVALUABLE; // ForAnyValue:/ForAllValues: on multi-valued keys: not modeled
        }
        boolean ifExists = operator.endsWith("IfExists");
        String op = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
        if (!OPERATORS.contains(op)) {
            return Match.UNEVALUABLE;
        }
        for (String e : expected) {
            if (e.contains("${")) {
                return Match.UNEVALUABLE;
            }
        }
        Caller.Presence presence = caller.presence(key);
        if (presence == Caller.Presence.UNKNOWN) {
            return Match.UNEVALUABLE;
        }
        String actual = caller.value(key);
        if (op.equals("Null")) {
            if (expected.size() != 1 || !(expected.get(0).equals("true") || expected.get(0).equals("false"))) {
                return Match.UNEVALUABLE;
            }
            boolean wantsAbsent = expected.get(0).equals("true");
            return (presence == Caller.Presence.ABSENT) == wantsAbsent ? Match.APPLIES : Match.NO;
        }
        boolean negated = op.contains("Not");
        if (presence == Caller.Presence.ABSENT) {
            return ifExists || negated ? Match.APPLIES : Match.NO;
        }
        boolean any;
        switch (op) {
            case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals" ->
                    any = expected.stream().anyMatch(actual::equals);
            case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase" ->
                    any = expected.stream().anyMatch(actual::equalsIgnoreCase);
            case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike" ->
                    any = expected.stream().anyMatch(e -> Glob.matches(e, actual, false));
            case "Bool" -> any = expected.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).equals(actual));
            default -> {
                return Match.UNEVALUABLE;
            }
        }
        return any != negated ? Match.APPLIES : Match.NO;
    }
}
