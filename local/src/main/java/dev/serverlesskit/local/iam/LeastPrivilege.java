package dev.serverlesskit.local.iam;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Least privilege from real use: each action a function's role grants on each resource (one action and one resource
 * of one Allow statement), set against the calls the function made in one or more runs ({@link AccessLog}). A grant
 * is <em>needed</em> when a recorded call would be refused without it (evaluated again with that action removed from
 * that resource of its statement),
 * <em>redundant</em> when the calls it allowed are also allowed by another grant, and <em>unused</em> when no call
 * used it. Unused and redundant grants are candidate over-grants.
 */
public final class LeastPrivilege {
    private LeastPrivilege() {
    }

    /** What one run of a stage recorded: its IAM, each function's session and the distinct calls. */
    public record Run(String stage, IamModel iam, Map<String, Sessions.Session> sessions, List<AccessLog.Call> calls) {
    }

    /**
     * One granted action on one resource: {@code action} and the statement's resource number {@code resourceIndex}
     * of statement {@code statement} of the function's role. The same grant of the template in several stages is one
     * grant; {@code resource} is its resolved ARN in the first run that has it.
     */
    public record Grant(String function, String role, String statement, String action, int resourceIndex,
                        String resource) {
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
                    if (s.notResource()) {
                        continue;
                    }
                    for (String action : s.actions()) {
                        for (int i = 0; i < s.resources().size(); i++) {
                            grants.putIfAbsent(function + '\n' + s.source() + '\n' + action + '\n' + i,
                                    new Grant(function, session.role().logicalId(), s.source(), action, i,
                                            s.resources().get(i)));
                        }
                    }
                }
            });
        }
        List<Finding> out = new ArrayList<>();
        for (Grant g : grants.values()) {
            Finding f = new Finding(g, Verdict.UNUSED, null, null);
            for (Run run : runs) {
                Sessions.Session session = run.sessions().get(g.function());
                String resource = session == null ? null : resourceIn(session, g);
                if (resource == null) {
                    continue;
                }
                Policies without = session.role().policies().without(g.statement(), g.action(), resource);
                List<AccessLog.Call> calls = run.calls().stream()
                        .filter(c -> c.function().equals(g.function()) && c.allowed()
                                && c.decision().allowedBy().contains(g.statement())
                                && Glob.matches(g.action(), c.action(), true)
                                && Glob.matches(resource, c.resource(), false))
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

    /** The grant's resource as this run resolved it: stages name the same resource differently. */
    private static String resourceIn(Sessions.Session session, Grant g) {
        return session.role().policies().identity().stream()
                .filter(s -> s.source().equals(g.statement()) && s.resources().size() > g.resourceIndex())
                .map(s -> s.resources().get(g.resourceIndex())).findFirst().orElse(null);
    }
}
