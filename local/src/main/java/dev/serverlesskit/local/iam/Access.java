package dev.serverlesskit.local.iam;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a function's role session may perform an action on a resource, from the template's IAM
 * ({@link IamModel}), and records every decision in the {@link AccessLog}. A caller's request context does not
 * change, so each (session, action, resource) is evaluated once and the decision reused.
 */
public final class Access {
    private final IamModel iam;
    private final AccessLog log;
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();

    public Access(IamModel iam, AccessLog log) {
        this.iam = iam;
        this.log = log;
    }

    public Decision decide(Sessions.Session session, String action, String resource) {
        return decisions.computeIfAbsent(session.accessKeyId() + '\n' + action + '\n' + resource,
                k -> PolicyEvaluator.evaluate(session.role().policies(), iam.resourcePolicy(resource),
                        session.caller(), action, resource));
    }

    /** Decides and records; {@code via} says what made the call (the service operation, the poller). */
    public Decision check(Sessions.Session session, String action, String resource, String via,
                          String actionInMessage) {
        Decision d = decide(session, action, resource);
        log.record(session, action, resource, d, via,
                d.allowed() ? null : d.message(session.principal(), actionInMessage, resource));
        return d;
    }

    public IamModel iam() {
        return iam;
    }

    public AccessLog log() {
        return log;
    }

    /** The actions of {@code actions} the session may not perform on {@code resource}. */
    public List<String> missing(Sessions.Session session, List<String> actions, String resource) {
        return actions.stream().filter(a -> !decide(session, a, resource).allowed()).toList();
    }
}
