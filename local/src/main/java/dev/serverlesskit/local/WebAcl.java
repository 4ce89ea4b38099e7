package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The AWS WAF web ACL the template associates with its API stage ({@code AWS::WAFv2::WebACLAssociation} whose
 * {@code ResourceArn} references the {@code AWS::ApiGateway::Stage}), evaluated before the API as WAF is: its
 * rate-based rules aggregated by source IP, in priority order, each blocking (with its custom response, else WAF's
 * 403) or counting a client over its {@code Limit} requests within its {@code EvaluationWindowSec}, then the
 * default action.
 *
 * <p>Stricter than WAF on purpose: a client is blocked on exactly the request over its limit, where WAF checks rates
 * every few seconds and may let a burst through first. Requests a rule blocks still count toward the rate, as in WAF.
 * Any other statement (managed rule groups, IP sets, byte matches, scope-down statements) refuses to start: a rule
 * the runtime cannot evaluate would otherwise be a rule that silently allows. A web ACL outside the template (an ARN
 * given as a string) cannot be read, and is reported and not emulated.
 */
final class WebAcl {
    /** WAF's default evaluation window, seconds. */
    private static final int DEFAULT_WINDOW_SECONDS = 300;

    /** A block: the response WAF sends instead of passing the request on. */
    record Block(String rule, int status, List<Map.Entry<String, String>> headers, byte[] body) {
        HttpFront.Response response() {
            return new HttpFront.Response(status, new ArrayList<>(headers), body.clone());
        }
    }

    private record RateRule(String name, int priority, long limit, long windowMillis, boolean block,
                            Block response) {
    }

    private final String logicalId;
    private final List<RateRule> rules;
    private final boolean defaultBlock;
    private final Block defaultResponse;
    private final LongSupplier clock;
    /** Per rule, per client address: the times of its requests within the rule's window, oldest first. */
    private final Map<String, Map<String, Deque<Long>>> seen = new HashMap<>();

    private WebAcl(String logicalId, List<RateRule> rules, boolean defaultBlock, Block defaultResponse,
                   LongSupplier clock) {
        this.logicalId = logicalId;
        this.rules = rules;
        this.defaultBlock = defaultBlock;
        this.defaultResponse = defaultResponse;
        this.clock = clock;
    }

    String logicalId() {
        return logicalId;
    }

    /** One line for the runtime's banner: what the web ACL limits. */
    String describe() {
        return logicalId + ": " + (rules.isEmpty() ? "no rules" : rules.stream()
                .map(r -> r.name() + " " + (r.block() ? "blocks (" + r.response().status() + ")" : "counts")
                        + " a client over " + r.limit() + " requests in " + r.windowMillis() / 1000 + " s")
                .collect(java.util.stream.Collectors.joining("; "))) + (defaultBlock ? "; blocks the rest" : "");
    }

    /**
     * The web ACL associated with the template's API stage, if the template defines it.
     *
     * @param warn told about an association the runtime cannot emulate (a web ACL outside the template)
     */
    static Optional<WebAcl> read(JsonNode template, java.util.function.Consumer<String> warn, LongSupplier clock) {
        JsonNode resources = template.path("Resources");
        List<String> associated = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (!"AWS::WAFv2::WebACLAssociation".equals(e.getValue().path("Type").asText())
                    || TemplateReader.referenced(resources, p.path("ResourceArn"),
                            Set.of("AWS::ApiGateway::Stage")) == null) {
                return;
            }
            String acl = TemplateReader.referenced(resources, p.path("WebACLArn"), Set.of("AWS::WAFv2::WebACL"));
            if (acl == null) {
                warn.accept("web ACL " + p.path("WebACLArn") + " (association " + e.getKey() + ") is not in the"
                        + " template: not emulated, its rules do not apply locally");
            } else {
                associated.add(acl);
            }
        });
        if (associated.isEmpty()) {
            return Optional.empty();
        }
        if (associated.size() > 1) {
            throw new IllegalStateException("The template associates several web ACLs with its API stage "
                    + associated + "; WAF allows one per resource");
        }
        return Optional.of(parse(associated.get(0), resources.get(associated.get(0)).path("Properties"), clock));
    }

    private static WebAcl parse(String id, JsonNode p, LongSupplier clock) {
        JsonNode bodies = p.path("CustomResponseBodies");
        List<RateRule> rules = new ArrayList<>();
        for (JsonNode rule : p.path("Rules")) {
            String name = rule.path("Name").asText();
            JsonNode statement = rule.path("Statement");
            JsonNode rate = statement.path("RateBasedStatement");
            if (statement.size() != 1 || rate.isMissingNode()) {
                throw unsupported(id, name, "a " + statement.fieldNames().next() + " statement");
            }
            if (!"IP".equals(rate.path("AggregateKeyType").asText()) || rate.has("ScopeDownStatement")) {
                throw unsupported(id, name, "a rate-based statement aggregated by "
                        + rate.path("AggregateKeyType").asText() + (rate.has("ScopeDownStatement")
                        ? " with a scope-down statement" : ""));
            }
            JsonNode action = rule.path("Action");
            boolean block = action.has("Block");
            if (!block && !action.has("Count")) {
                throw unsupported(id, name, "the action " + action);
            }
            if (!rate.path("Limit").isNumber() || (rate.has("EvaluationWindowSec")
                    && !rate.path("EvaluationWindowSec").isNumber())) {
                throw new IllegalStateException("Web ACL " + id + " rule " + name + ": Limit and EvaluationWindowSec"
                        + " must be numbers in the template (a parameter or other intrinsic is not resolved locally)");
            }
            rules.add(new RateRule(name, rule.path("Priority").asInt(), rate.path("Limit").asLong(),
                    rate.path("EvaluationWindowSec").asLong(DEFAULT_WINDOW_SECONDS) * 1000, block,
                    block ? response(id, name, action.path("Block").path("CustomResponse"), bodies) : null));
        }
        rules.sort(Comparator.comparingInt(RateRule::priority));
        JsonNode defaultAction = p.path("DefaultAction");
        boolean defaultBlock = defaultAction.has("Block");
        return new WebAcl(id, List.copyOf(rules), defaultBlock,
                defaultBlock ? response(id, "DefaultAction", defaultAction.path("Block").path("CustomResponse"),
                        bodies) : null, clock);
    }

    private static Block response(String id, String rule, JsonNode custom, JsonNode bodies) {
        if (custom.isMissingNode()) { // WAF's own block response
            return new Block(rule, 403, List.of(Map.entry("Content-Type", "text/html")),
                    "<html><body><h1>403 Forbidden</h1></body></html>".getBytes(StandardCharsets.UTF_8));
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        byte[] body = new byte[0];
        String key = custom.path("CustomResponseBodyKey").asText(null);
        if (key != null) {
            JsonNode b = bodies.path(key);
            if (b.isMissingNode()) {
                throw new IllegalStateException("Web ACL " + id + " rule " + rule + " names the response body '" + key
                        + "' that CustomResponseBodies lacks (WAF would refuse the web ACL)");
            }
            headers.add(Map.entry("Content-Type", switch (b.path("ContentType").asText()) {
                case "APPLICATION_JSON" -> "application/json";
                case "TEXT_HTML" -> "text/html";
                default -> "text/plain";
            }));
            body = b.path("Content").asText().getBytes(StandardCharsets.UTF_8);
        }
        for (JsonNode h : custom.path("ResponseHeaders")) {
            headers.add(Map.entry(h.path("Name").asText(), h.path("Value").asText()));
        }
        return new Block(rule, custom.path("ResponseCode").asInt(403), List.copyOf(headers), body);
    }

    private static IllegalStateException unsupported(String id, String rule, String what) {
        return new IllegalStateException("Web ACL " + id + " rule " + rule + " has " + what + ": the local runtime"
                + " evaluates rate-based rules aggregated by IP (Block or Count) only, and refuses to start rather than"
                + " let requests through a rule it cannot evaluate");
    }

    /**
     * Evaluates one request from {@code clientAddress}: the block to answer with, or empty to pass it on to the API.
     */
    synchronized Optional<Block> evaluate(String clientAddress) {
        long now = clock.getAsLong();
        for (RateRule rule : rules) { // in priority order; a block ends the evaluation, a count does not
            Deque<Long> times = seen.computeIfAbsent(rule.name(), k -> new HashMap<>())
                    .computeIfAbsent(clientAddress, k -> new ArrayDeque<>());
            while (!times.isEmpty() && times.peekFirst() <= now - rule.windowMillis()) {
                times.pollFirst();
            }
            times.addLast(now);
            if (rule.block() && times.size() > rule.limit()) {
                return Optional.of(rule.response());
            }
        }
        return defaultBlock ? Optional.of(defaultResponse) : Optional.empty();
    }
}
