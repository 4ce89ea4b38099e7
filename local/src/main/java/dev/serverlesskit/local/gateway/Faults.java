package dev.serverlesskit.local.gateway;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fault injection at the engine gateways, for reliability tests: a share of one engine's calls, or of one function's
 * calls, or of one operation's, gets latency, an error in the service's own shape (throttling, 5xx), a timeout (the
 * connection is held, then dropped, without forwarding), or is applied and then fails (forwarded to the engine, then
 * a 5xx or a dropped connection instead of the engine's answer: the ambiguous write). An engine can be paused: its
 * calls wait until it is resumed and are then forwarded (calls whose callers gave up meanwhile are applied all the
 * same, as a stalled service applies them late).
 *
 * <p>Deterministic: each rule draws from its own generator seeded from the seed and the rule's number (1, 2, ...
 * again after {@link #clear}), so the same seed and the same rules give the same decisions for the calls a rule
 * matches, in the order they arrive.
 * Off by default and then nearly free: with no rule and no pause, each call reads one volatile field.
 *
 * <p>Used as the gateways' {@link GatewayHook}; only calls that passed the signature and IAM checks reach it (a
 * refused call is never delayed or failed by a fault).
 */
public final class Faults implements GatewayHook {
    /** What a rule does to a call it picks. */
    public enum Kind {
        /** Waits {@code millis}, then forwards the call normally. */
        LATENCY,
        /** Not forwarded: the service's throttling error (DynamoDB 400 ThrottlingException, SQS 400
         * RequestThrottled, Cognito 400 TooManyRequestsException). */
        THROTTLE,
        /** Not forwarded: the service's 500 internal error. */
        ERROR_5XX,
        /** Not forwarded: the connection is held {@code millis} (default 6 s), then closed without a response. */
        TIMEOUT,
        /** Forwarded and applied, then the caller gets the service's 500 internal error instead of the answer. */
        APPLY_THEN_5XX,
        /** Forwarded and applied, then the connection is held {@code millis} (default 6 s) and closed. */
        APPLY_THEN_TIMEOUT,
        /** Not forwarded: the calling function's environment crashes while the call is in flight (every invocation
         * it serves ends with Lambda's Runtime.ExitError, the next one gets a fresh environment). */
        CRASH,
        /** Forwarded and applied, then the calling function's environment crashes before it reads the answer. */
        APPLY_THEN_CRASH;

        static Kind parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * One fault rule. {@code service}, {@code function} and {@code operation} narrow the calls it matches (null:
     * any); {@code function} matches a caller whose function name or logical id contains it (unsigned Cognito
     * calls have no caller and match only rules without a function), {@code resource} a call on a resource whose ARN
     * contains it. {@code share} is the fraction of matched calls
     * picked (0..1), {@code limit} the most calls it picks in all (0: no limit), {@code millis} the delay of
     * LATENCY, TIMEOUT and APPLY_THEN_TIMEOUT (0: the kind's default).
     */
    public record Rule(Service service, String function, String operation, String resource, Kind kind, double share,
                       long millis, long limit) {
        public Rule {
            if (kind == null) {
                throw new IllegalArgumentException("a fault rule needs a kind: " + List.of(Kind.values()));
            }
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("share must be between 0 and 1, not " + share);
            }
            if (millis < 0 || limit < 0) {
                throw new IllegalArgumentException("millis and limit must be >= 0");
            }
        }

        /** Every call of {@code service} gets {@code kind}. */
        public static Rule of(Service service, Kind kind) {
            return new Rule(service, null, null, null, kind, 1, 0, 0);
        }

        public Rule share(double s) {
            return new Rule(service, function, operation, resource, kind, s, millis, limit);
        }

        public Rule function(String f) {
            return new Rule(service, f, operation, resource, kind, share, millis, limit);
        }

        public Rule operation(String o) {
            return new Rule(service, function, o, resource, kind, share, millis, limit);
        }

        /** Only calls on a resource whose ARN contains {@code r} (a table, index, queue or pool name). */
        public Rule resource(String r) {
            return new Rule(service, function, operation, r, kind, share, millis, limit);
        }

        public Rule millis(long ms) {
            return new Rule(service, function, operation, resource, kind, share, ms, limit);
        }

        public Rule limit(long n) {
            return new Rule(service, function, operation, resource, kind, share, millis, n);
        }

        long delay() {
            return millis > 0 ? millis : kind == Kind.LATENCY ? 200 : DEFAULT_TIMEOUT_MS;
        }

        boolean matches(Call call) {
            if (service != null && service != call.service()) {
                return false;
            }
            if (operation != null && !operation.equals(call.operation())) {
                return false;
            }
            if (resource != null && call.authorizations().stream().noneMatch(a -> a.resource().contains(resource))) {
                return false;
            }
            return function == null || call.caller() != null && (call.caller().name().contains(function)
                    || call.caller().function().contains(function));
        }

        @Override
        public String toString() {
            return kind + (service == null ? "" : " " + service.label()) + (function == null ? "" : " fn~" + function)
                    + (operation == null ? "" : " " + operation) + (resource == null ? "" : " on ~" + resource)
                    + " share " + share
                    + (millis > 0 ? " " + millis + " ms" : "") + (limit > 0 ? " limit " + limit : "");
        }
    }

    /** A rule as added, with how many calls it matched and picked so far. */
    public record Active(int id, Rule rule, long matched, long injected) {
    }

    /** Longer than the functions' SDK socket timeout (5 s), shorter than their API call timeout (10 s). */
    static final long DEFAULT_TIMEOUT_MS = 6_000;

    private volatile long seed;
    private final Consumer<String> log;
    private final Object lock = new Object();
    private final Map<Integer, Entry> rules = new LinkedHashMap<>();
    private final Map<Service, Boolean> paused = new EnumMap<>(Service.class);
    private final ThreadLocal<Entry> pending = new ThreadLocal<>();
    private int nextId = 1;
    /** The rules in order, or null when nothing is injected: the one field a call reads when faults are off. */
    private volatile Entry[] active;

    private static final class Entry {
        final int id;
        final Rule rule;
        final SplittableRandom random;
        final AtomicLong matched = new AtomicLong();
        final AtomicLong injected = new AtomicLong();

        Entry(int id, Rule rule, long seed) {
            this.id = id;
            this.rule = rule;
            this.random = new SplittableRandom(seed * 31 + id);
        }

        /** Whether this call is picked: the rule's own sequence of draws, in the order matching calls arrive. */
        synchronized boolean pick() {
            matched.incrementAndGet();
            if (rule.limit() > 0 && injected.get() >= rule.limit()) {
                return false;
            }
            boolean hit = rule.share() >= 1 || random.nextDouble() < rule.share();
            if (hit) {
                injected.incrementAndGet();
            }
            return hit;
        }
    }

    public Faults(long seed, Consumer<String> log) {
        this.seed = seed;
        this.log = log == null ? line -> { } : log;
    }

    public long seed() {
        return seed;
    }

    /** The seed of the rules added after this call. */
    public void seed(long s) {
        this.seed = s;
    }

    /** Adds a rule; returns its id (for {@link #remove}). Rules are tried in the order they were added. */
    public int add(Rule rule) {
        synchronized (lock) {
            int id = nextId++;
            rules.put(id, new Entry(id, rule, seed));
            publish();
            log.accept("FAULT added #" + id + ": " + rule);
            return id;
        }
    }

    public boolean remove(int id) {
        synchronized (lock) {
            boolean removed = rules.remove(id) != null;
            publish();
            if (removed) {
                log.accept("FAULT removed #" + id);
            }
            return removed;
        }
    }

    /** Removes every rule, resumes every paused engine and restarts every killed one. */
    public void clear() {
        List<Service> down;
        synchronized (lock) {
            rules.clear();
            paused.clear();
            nextId = 1;
            publish();
            lock.notifyAll();
            down = new ArrayList<>(killed);
            log.accept("FAULT cleared: no rules, no engine paused" + (down.isEmpty() ? "" : "; restarting " + down));
        }
        for (Service s : down) {
            restart(s);
        }
    }

    /** From now on, calls to the engine wait (the gateway holds them) until {@link #resume}. */
    public void pause(Service service) {
        synchronized (lock) {
            paused.put(service, true);
            publish();
            log.accept("FAULT paused " + service.label());
        }
    }

    /** Forwards the calls held by {@link #pause}, and every call after. */
    public void resume(Service service) {
        synchronized (lock) {
            paused.remove(service);
            publish();
            lock.notifyAll();
            log.accept("FAULT resumed " + service.label());
        }
    }

    public boolean paused(Service service) {
        synchronized (lock) {
            return paused.containsKey(service);
        }
    }

    /** The rules in the order they are tried, with their counts. */
    public List<Active> rules() {
        synchronized (lock) {
            List<Active> out = new ArrayList<>();
            for (Entry e : rules.values()) {
                out.add(new Active(e.id, e.rule, e.matched.get(), e.injected.get()));
            }
            return out;
        }
    }

    private void publish() {
        active = rules.isEmpty() && paused.isEmpty() ? null : rules.values().toArray(new Entry[0]);
    }

    @Override
    public HttpMessage beforeForward(Call call) {
        Entry[] rs = active;
        if (rs == null) {
            return null; // faults off
        }
        Entry picked = null;
        for (Entry e : rs) {
            if (e.rule.matches(call) && e.pick()) {
                picked = e;
                break;
            }
        }
        HttpMessage answer = null;
        if (picked != null) {
            Rule r = picked.rule;
            switch (r.kind()) {
                case LATENCY -> sleep(r.delay());
                case THROTTLE -> answer = error(call, true);
                case ERROR_5XX -> answer = error(call, false);
                case TIMEOUT -> {
                    sleep(r.delay());
                    answer = DROP;
                }
                case CRASH -> {
                    crash(call);
                    answer = DROP;
                }
                case APPLY_THEN_5XX, APPLY_THEN_TIMEOUT, APPLY_THEN_CRASH -> pending.set(picked);
                default -> throw new IllegalStateException(r.kind().toString());
            }
        }
        if (answer == null) {
            awaitResumed(call.service());
        }
        return answer;
    }

    @Override
    public HttpMessage afterResponse(Call call, HttpMessage response) {
        if (active == null && pending.get() == null) {
            return response;
        }
        Entry picked = pending.get();
        if (picked == null) {
            return response;
        }
        pending.remove();
        if (picked.rule.kind() == Kind.APPLY_THEN_TIMEOUT) {
            sleep(picked.rule.delay());
            return DROP;
        }
        if (picked.rule.kind() == Kind.APPLY_THEN_CRASH) {
            crash(call);
            return DROP;
        }
        return error(call, false);
    }

    /**
     * What the runtime does for the faults that act outside the gateways: a function's environment crashing, an
     * engine's process killed and started again.
     */
    public interface Control {
        /** Crashes the environment of the function with this logical id; returns the invocations it ended. */
        int crash(String functionLogicalId);

        /** Kills the engine's process (SIGKILL): calls fail as connection errors until {@link #restart}. */
        void kill(Service service);

        /** Starts the killed engine again on the same port and data, and waits until it listens. */
        void restart(Service service);
    }

    private volatile Control control;

    /** Set by the runtime: without it, CRASH rules only drop the call, and kill and restart are refused. */
    public void control(Control c) {
        this.control = c;
    }

    private void crash(Call call) {
        Control c = control;
        if (c == null || call.caller() == null) {
            return; // no environment to crash (an unsigned call): the call is dropped all the same
        }
        int ended = c.crash(call.caller().function());
        log.accept("FAULT crashed the environment of " + call.caller().name() + " during " + call.service().label()
                + " " + call.operation() + ": " + ended + " invocation(s) ended with Runtime.ExitError");
    }

    private final java.util.Set<Service> killed = java.util.EnumSet.noneOf(Service.class);

    /**
     * Kills the engine's process, as {@code kill -9} would: its calls fail as connection errors (the SDKs retry
     * them) until {@link #restart}; what it had answered is kept only when the runtime has a data directory.
     */
    public void kill(Service service) {
        Control c = requireControl();
        synchronized (lock) {
            if (!killed.add(service)) {
                throw new IllegalArgumentException(service.label() + " is already killed: restart it first");
            }
        }
        try {
            c.kill(service);
        } catch (RuntimeException e) {
            synchronized (lock) {
                killed.remove(service);
            }
            throw e;
        }
        log.accept("FAULT killed " + service.label() + " (SIGKILL)");
    }

    /** Starts a killed engine again on the same port and data directory; returns once it listens. */
    public void restart(Service service) {
        Control c = requireControl();
        synchronized (lock) {
            if (!killed.contains(service)) {
                throw new IllegalArgumentException(service.label() + " is not killed");
            }
        }
        c.restart(service);
        synchronized (lock) {
            killed.remove(service);
        }
        log.accept("FAULT restarted " + service.label());
    }

    public boolean killed(Service service) {
        synchronized (lock) {
            return killed.contains(service);
        }
    }

    /** Crashes a function's environment now, whatever it is doing; returns the invocations it ended. */
    public int crash(String functionLogicalId) {
        int ended = requireControl().crash(functionLogicalId);
        log.accept("FAULT crashed the environment of " + functionLogicalId + ": " + ended
                + " invocation(s) ended with Runtime.ExitError");
        return ended;
    }

    private Control requireControl() {
        Control c = control;
        if (c == null) {
            throw new IllegalStateException("no runtime controls these faults");
        }
        return c;
    }

    private void awaitResumed(Service service) {
        synchronized (lock) {
            while (paused.containsKey(service)) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The service's throttling or internal error, as the real service answers it (and its SDK retries it). */
    static HttpMessage error(Call call, boolean throttle) {
        boolean query = call.service() == Service.SQS && call.request().first("x-amz-target") == null;
        return switch (call.service()) {
            case DYNAMODB -> throttle
                    ? Service.json(400, "Bad Request", "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\","
                            + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}", List.of())
                    : Service.json(500, "Internal Server Error", "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                            + "\"message\":\"Internal server error\"}", List.of());
            case SQS -> sqsError(throttle, query);
            case COGNITO_IDP -> throttle
                    ? Service.json(400, "Bad Request", "application/x-amz-json-1.1",
                    "{\"__type\":\"TooManyRequestsException\",\"message\":\"Too many requests\"}", List.of())
                    : Service.json(500, "Internal Server Error", "application/x-amz-json-1.1",
                    "{\"__type\":\"InternalErrorException\",\"message\":\"Internal error\"}", List.of());
        };
    }

    private static HttpMessage sqsError(boolean throttle, boolean query) {
        int status = throttle ? 400 : 500;
        String reason = throttle ? "Bad Request" : "Internal Server Error";
        String code = throttle ? "RequestThrottled" : "InternalError";
        String message = throttle ? "Request is throttled." : "We encountered an internal error. Please try again.";
        if (query) {
            return Service.json(status, reason, "text/xml", "<?xml version=\"1.0\"?>"
                    + "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>"
                    + (throttle ? "Sender" : "Receiver") + "</Type><Code>" + code + "</Code><Message>" + message
                    + "</Message><Detail/></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
                    + "</ErrorResponse>", List.of());
        }
        return Service.json(status, reason, "application/x-amz-json-1.0",
                "{\"__type\":\"com.amazonaws.sqs#" + code + "\",\"message\":\"" + message + "\"}",
                List.<String[]>of(new String[] {"x-amzn-query-error", code + ";" + (throttle ? "Sender" : "Receiver")}));
    }

    /** A rule from its text form, as the admin endpoint and {@code --fault} take it: {@code kind=...,service=...}. */
    public static Rule parse(String spec) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String part : spec.split("[,&]")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected name=value, not '" + part + "'");
            }
            f.put(part.substring(0, eq).trim(), java.net.URLDecoder.decode(part.substring(eq + 1).trim(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        for (String k : f.keySet()) {
            if (!List.of("kind", "service", "function", "operation", "resource", "share", "millis", "limit").contains(k)) {
                throw new IllegalArgumentException("unknown field '" + k
                        + "' (kind, service, function, operation, resource, share, millis, limit)");
            }
        }
        if (!f.containsKey("kind")) {
            throw new IllegalArgumentException("field 'kind' is required: one of " + List.of(Kind.values()));
        }
        Kind kind;
        try {
            kind = Kind.parse(f.get("kind"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'kind' must be one of " + List.of(Kind.values()));
        }
        return new Rule(f.containsKey("service") ? service(f.get("service")) : null, f.get("function"),
                f.get("operation"), f.get("resource"), kind, f.containsKey("share") ? number(f, "share") : 1,
                f.containsKey("millis") ? (long) number(f, "millis") : 0,
                f.containsKey("limit") ? (long) number(f, "limit") : 0);
    }

    /** {@code dynamodb}, {@code sqs} or {@code cognito} (also {@code cognito-idp}). */
    public static Service service(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "dynamodb" -> Service.DYNAMODB;
            case "sqs" -> Service.SQS;
            case "cognito", "cognito-idp" -> Service.COGNITO_IDP;
            default -> throw new IllegalArgumentException("service must be dynamodb, sqs or cognito, not '" + name
                    + "'");
        };
    }

    private static double number(Map<String, String> f, String name) {
        try {
            return Double.parseDouble(f.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a number, not '" + f.get(name) + "'");
        }
    }
}
