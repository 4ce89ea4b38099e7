package dev.serverlesskit.local.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every IAM decision the runtime made, kept as the distinct calls (function, action, resource, outcome) with where
 * each was first seen, and every refused call in order. What the least-privilege report reads; {@link #label}
 * names the current activity (an end-to-end test sets its own name) so a call can be traced to what made it.
 */
public final class AccessLog {
    /**
     * One distinct call. {@code via}: the service operation ({@code DynamoDB PutItem}) or {@code event source
     * mapping}; {@code label}: the activity during which it was first seen; {@code seq}: when, relative to the
     * others (the order calls were first seen in).
     */
    public record Call(String function, String role, String action, String resource, Decision decision, String via,
                       String label, String message, long seq) {
        public boolean allowed() {
            return decision.allowed();
        }
    }

    private static final int MAX_REFUSALS = 10_000;

    private final Map<String, Call> distinct = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Call> refused = new ConcurrentLinkedQueue<>();
    private final AtomicLong refusedCount = new AtomicLong();
    private final AtomicLong seq = new AtomicLong();
    private volatile String label = "runtime start";

    public void label(String activity) {
        this.label = activity;
    }

    public String label() {
        return label;
    }

    public void record(Sessions.Session s, String action, String resource, Decision decision, String via,
                       String message) {
        String key = s.function() + '\n' + action + '\n' + resource + '\n' + decision.allowed();
        Call known = distinct.get(key);
        Call call = known != null && decision.allowed() ? known
                : new Call(s.function(), s.role().logicalId(), action, resource, decision, via, label, message,
                seq.incrementAndGet());
        if (known == null) {
            distinct.putIfAbsent(key, call);
        }
        if (!decision.allowed()) {
            refusedCount.incrementAndGet();
            if (refused.size() < MAX_REFUSALS) {
                refused.add(call);
            }
        }
    }

    /** The distinct calls, allowed and refused. */
    public List<Call> calls() {
        return new ArrayList<>(distinct.values());
    }

    /** Refused calls in the order they happened (the first {@value #MAX_REFUSALS}). */
    public List<Call> refusals() {
        return new ArrayList<>(refused);
    }

    public long refusedCount() {
        return refusedCount.get();
    }
}
