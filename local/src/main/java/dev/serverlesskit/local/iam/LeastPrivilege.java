package dev.serverlesskit.local.iam;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least privilege from real use: each action a function's role grants (one action of one Allow statement), set
 * against the calls the function made in one or more runs ({@link AccessLog}). A grant is <em>needed</em> when a
 * recorded call would be refused without it (evaluated again with that one action removed from its statement),
 * <em>redundant</em> when the calls it allowed are also allowed by another grant, and <em>unused</em> when no call
 * used it. Unused and redundant grants are candidate over-grants.
 */
public final class LeastPrivilege {
    private LeastPrivilege() {
    }

    /** What one run of a stage recorded: its IAM, each function's session and the distinct calls. */
    public record Run(String stage, IamModel iam, Map<String, Sessions.Session> sessions, List<AccessLog.Call> calls) {
    }

    /** One granted action: {@code action} as written in statement {@code statement} of the function's role. */
    public record Grant(String function, String role, String statement, String action, List<String> resources) {
    }

    public enum Verdict { NEEDED, REDUNDANT, UNUSED }

    /** A grant's verdict; for a needed one, the call (and its run's stage) that needs it. */
    public record Finding(Grant grant, Verdict verdict, String stage, AccessLog.Call neededBy) {
    }

    /** Every grant of every function of the runs, with its verdict over all of them. */
    public static List<Finding> analyse(List<Run> runs) {
        Map<String, Grant> grants = new LinkedHashMap<>();
        for (Run run : runs) {
            run.sessions().forEach((function, session) -> {
                for (Statement s : session.role().policies().identity()) {
                    if (!s.allow() || s.notAction() || s.problem() != null) {
                        continue;
                    }
                    for (String action : s.actions()) {
                        grants.putIfAbsent(function + '\n' + s.source() + '\n' + action,
                                new Grant(function, session.role().logicalId(), s.source(), action, s.resources()));
                    }
                }
            });
        }
        List<Finding> out = new ArrayList<>();
        for (Grant g : grants.values()) {
            Finding f = new Finding(g, Verdict.UNUSED, null, null);
            for (Run run : runs) {
                Sessions.Session session = run.sessions().get(g.function());
                if (session == null) {
                    continue;
                }
                Policies without = session.role().policies().without(g.statement(), g.action());
                List<AccessLog.Call> calls = run.calls().stream()
                        .filter(c -> c.function().equals(g.function()) && c.allowed()
                                && c.decision().allowedBy().contains(g.statement())
                                && Glob.matches(g.action(), c.action(), true))
                        .sorted(Comparator.comparingLong(AccessLog.Call::seq)).toList();
                for (AccessLog.Call c : calls) {
                    boolean stillAllowed = PolicyEvaluator.evaluate(without, run.iam().resourcePolicy(c.resource()),
                            session.caller(), c.action(), c.resource()).allowed();
                    if (!stillAllowed) {
                        f = new Finding(g, Verdict.NEEDED, run.stage(), c);
                        break;
                    }
                    f = f.verdict() == Verdict.UNUSED ? new Finding(g, Verdict.REDUNDANT, run.stage(), null) : f;
                }
                if (f.verdict() == Verdict.NEEDED) {
                    break;
                }
            }
            out.add(f);
        }
        return out;
    }
}
