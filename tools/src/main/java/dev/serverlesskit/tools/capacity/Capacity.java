package dev.serverlesskit.tools.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.AppModel.Route;
import dev.serverlesskit.tools.cost.Money;
import dev.serverlesskit.tools.cost.Profile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The limits each route and each pipeline meets as traffic grows, smallest first: method throttling (the stage's
 * default or the route's own), reserved concurrency over the function's duration, a queue consumer's concurrency ×
 * batch over its duration, a DynamoDB table's throughput (per-partition limits of 1,000 writes and 3,000 reads per
 * second for one hot key; 4,000 writes per second for a new on-demand table). Durations and per-request figures come
 * from the traffic profile; limits outside the template (account quotas) are named as such.
 */
public final class Capacity {
    static final double PARTITION_WRITES = 1000;
    static final double PARTITION_READS = 3000;
    static final double NEW_ON_DEMAND_WRITES = 4000;
    static final double ACCOUNT_CONCURRENCY = 1000;
    static final double ACCOUNT_API_RPS = 10000;

    /** One limit: {@code value} units per second, and how it comes about. */
    public record Limit(String name, double value, String how) {
    }

    /** A route or pipeline with its limits, smallest first, and the expected peak when the profile gives one. */
    public record Subject(String name, String unit, List<Limit> limits, Double peak) {
        public String describe() {
            List<String> parts = new ArrayList<>();
            for (Limit l : limits) {
                parts.add(Money.quantity(round(l.value())) + " " + unit + " (" + l.how() + ")");
            }
            String text = name + ": " + (parts.isEmpty() ? "no limit in the template" : String.join(", then ", parts));
            if (peak != null && !limits.isEmpty()) {
                double first = limits.get(0).value();
                text += peak > first ? "; peak " + Money.quantity(peak) + " " + unit + " is over the first limit"
                        : "; peak " + Money.quantity(peak) + " " + unit + ", headroom ×" + Money.quantity(
                        Math.floor(first / peak * 10) / 10);
            }
            return text;
        }

        public Optional<Limit> first() {
            return limits.isEmpty() ? Optional.empty() : Optional.of(limits.get(0));
        }
    }

    private Capacity() {
    }

    public static List<Subject> of(AppModel model, Profile profile) {
        List<Subject> subjects = new ArrayList<>();
        for (Route r : model.routes()) {
            List<Limit> limits = new ArrayList<>();
            if (r.throttle().rate() != null) {
                limits.add(new Limit("throttle", r.throttle().rate(),
                        r.throttle().source().equals("route") ? "route throttle" : "stage throttle"));
            }
            AppModel.Function f = r.functionId() == null ? null : model.functions().get(r.functionId());
            Double ms = profile.routeDurationMs(r.key());
            if (f != null && ms != null && ms > 0) {
                limits.add(concurrency(f, ms));
            }
            JsonNode hotKey = profile.root().path("routes").path(r.key()).path("hotKey");
            if (!hotKey.isMissingNode()) {
                hotKeyLimit(hotKey, 1).ifPresent(limits::add);
            }
            limits.add(new Limit("account", ACCOUNT_API_RPS, "account API throttle, not in the template"));
            limits.sort(Comparator.comparingDouble(Limit::value));
            JsonNode peak = profile.root().path("routes").path(r.key()).path("peakRps");
            subjects.add(new Subject(r.key(), "rps", limits, peak.isNumber() ? peak.asDouble() * profile.scale()
                    : null));
        }
        profile.capacity().path("pipelines").fields().forEachRemaining(e -> pipeline(model, profile, e.getKey(),
                e.getValue()).ifPresent(subjects::add));
        return subjects;
    }

    private static Limit concurrency(AppModel.Function f, double ms) {
        double seconds = ms / 1000;
        if (f.reserved() != null) {
            return new Limit("concurrency " + f.name(), f.reserved() / seconds,
                    f.reserved() + " reserved × 1/" + Money.quantity(seconds) + " s");
        }
        return new Limit("concurrency " + f.name(), ACCOUNT_CONCURRENCY / seconds,
                "account concurrency " + (long) ACCOUNT_CONCURRENCY + " × 1/" + Money.quantity(seconds)
                        + " s, not reserved");
    }

    private static Optional<Limit> hotKeyLimit(JsonNode hotKey, double unitsPerWrite) {
        double writes = hotKey.path("writesPerRequest").asDouble(hotKey.path("writesPerInvocation").asDouble(0));
        double reads = hotKey.path("readsPerRequest").asDouble(0);
        String what = hotKey.path("what").asText("one key of " + hotKey.path("table").asText());
        if (writes > 0) {
            return Optional.of(new Limit("hot key " + what, PARTITION_WRITES / writes * unitsPerWrite,
                    what + ": " + (long) PARTITION_WRITES + " writes/s per partition"));
        }
        if (reads > 0) {
            return Optional.of(new Limit("hot key " + what, PARTITION_READS / reads * unitsPerWrite,
                    what + ": " + (long) PARTITION_READS + " reads/s per partition"));
        }
        return Optional.empty();
    }

    /** A queue-based pipeline: the routes that feed it, its consumer, and the tables it writes. */
    private static Optional<Subject> pipeline(AppModel model, Profile profile, String name, JsonNode p) {
        String queueName = p.path("queue").asText();
        AppModel.Queue queue = model.queues().values().stream().filter(q -> q.name().equals(queueName)).findFirst()
                .orElse(null);
        if (queue == null) {
            return Optional.empty();
        }
        List<Limit> limits = new ArrayList<>();
        double unitsPerMessage = p.path("unitsPerMessage").asDouble(1);

        // Intake: the routes' throttles together, and the producing function's concurrency at its best.
        double intake = 0;
        List<String> parts = new ArrayList<>();
        double maxUnitsPerRequest = 0;
        AppModel.Function producer = null;
        Double producerMs = null;
        for (Map.Entry<String, JsonNode> e : iterable(p.path("unitsPerRequest"))) {
            Optional<Route> route = model.route(e.getKey());
            if (route.isEmpty()) {
                continue;
            }
            double units = e.getValue().asDouble(1);
            if (units > maxUnitsPerRequest && route.get().functionId() != null) {
                maxUnitsPerRequest = units;
                producer = model.functions().get(route.get().functionId());
                producerMs = profile.routeDurationMs(route.get().key());
            }
            if (route.get().throttle().rate() != null) {
                intake += route.get().throttle().rate() * units;
                parts.add(route.get().key() + " " + Money.quantity(route.get().throttle().rate()) + " rps × "
                        + Money.quantity(units));
            }
        }
        if (!parts.isEmpty()) {
            limits.add(new Limit("intake throttles", intake, String.join(" + ", parts)));
        }
        if (producer != null && producerMs != null && producerMs > 0) {
            Limit c = concurrency(producer, producerMs);
            limits.add(new Limit(c.name(), c.value() * maxUnitsPerRequest, c.how() + ", "
                    + Money.quantity(maxUnitsPerRequest) + " a request"));
        }

        // The consumer: concurrency × batch over the duration of a batch.
        for (AppModel.EventSource source : model.eventSources()) {
            if (!queue.id().equals(source.sourceId()) || source.functionId() == null) {
                continue;
            }
            AppModel.Function consumer = model.functions().get(source.functionId());
            Integer concurrency = source.maxConcurrency();
            if (consumer.reserved() != null && (concurrency == null || consumer.reserved() < concurrency)) {
                concurrency = consumer.reserved();
            }
            double c = concurrency == null ? ACCOUNT_CONCURRENCY : concurrency;
            double seconds = p.path("consumerDurationMs").asDouble(0) / 1000;
            if (seconds > 0) {
                limits.add(new Limit("consumer " + consumer.name(), c * source.batchSize() * unitsPerMessage / seconds,
                        Money.quantity(c) + " concurrent × " + source.batchSize() + " messages × "
                                + Money.quantity(unitsPerMessage) + " / " + Money.quantity(seconds) + " s"));
            }
            JsonNode hotKey = p.path("hotKey");
            if (!hotKey.isMissingNode()) {
                hotKeyLimit(hotKey, source.batchSize() * unitsPerMessage).ifPresent(l -> limits.add(new Limit(
                        l.name(), l.value(), l.how() + ", one write per batch of up to "
                        + Money.quantity(source.batchSize() * unitsPerMessage))));
            }
        }
        for (Map.Entry<String, JsonNode> e : iterable(p.path("writesPerUnit"))) {
            Optional<AppModel.Table> table = model.tables().values().stream()
                    .filter(t -> t.name().equals(e.getKey())).findFirst();
            double writes = e.getValue().asDouble(0);
            if (table.isPresent() && writes > 0 && table.get().billingMode().equals("PAY_PER_REQUEST")) {
                limits.add(new Limit("table " + e.getKey(), NEW_ON_DEMAND_WRITES / writes, e.getKey()
                        + ": a new on-demand table takes " + Money.quantity(NEW_ON_DEMAND_WRITES) + " writes/s, "
                        + Money.quantity(writes) + " per unit, until it has served more"));
            }
        }
        limits.sort(Comparator.comparingDouble(Limit::value));
        JsonNode peak = p.path("peakPerSecond");
        return Optional.of(new Subject(name + " pipeline", p.path("unit").asText(name + "/s").replace("/s", "")
                + "/s", limits, peak.isNumber() ? peak.asDouble() * profile.scale() : null));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    static double round(double v) {
        return v >= 100 ? Math.floor(v) : Math.floor(v * 10) / 10;
    }

    /** Limits that a change lowers, by subject and limit name, with a line each. */
    public static List<String> lowered(List<Subject> before, List<Subject> after) {
        List<String> lines = new ArrayList<>();
        for (Subject a : after) {
            Optional<Subject> b = before.stream().filter(s -> s.name().equals(a.name())).findFirst();
            if (b.isEmpty()) {
                continue;
            }
            for (Limit la : a.limits()) {
                b.get().limits().stream().filter(lb -> lb.name().equals(la.name())).findFirst().ifPresent(lb -> {
                    if (la.value() < lb.value() - 1e-9) {
                        boolean binding = a.first().map(f -> f.name().equals(la.name())).orElse(false);
                        lines.add(a.name() + ": " + Money.quantity(round(lb.value())) + " → "
                                + Money.quantity(round(la.value())) + " " + a.unit() + " (" + la.how() + ")"
                                + (binding ? ", now the first limit" : ""));
                    }
                });
            }
        }
        return lines;
    }
}
