package dev.serverlesskit.app.delivery;

import dev.serverlesskit.app.common.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The main flows of a deployed stage, as its users go through them: browse the catalog, buy a pet with an
 * {@code Idempotency-Key} (the retry must answer the same 201), record a click and read it in the campaign's stats
 * as an admin. Run after each deployment before prod ({@link SmokeRun}) and against the local runtime by the
 * end-to-end tests. Pure logic: the HTTP calls and the two users' ID tokens are given.
 *
 * <p>What it writes, and why that is harmless: the admin adds one pet of species {@value #SPECIES} (named
 * {@code smoke test <run id>}) that the buyer buys at once; a sold pet is no longer listed, so shoppers see it for
 * at most the second between the two calls. Clicks go to campaign {@value #CAMPAIGN} only. Real pets and campaigns
 * are never touched; the smoke data is recognisable by that species and campaign.
 */
public final class SmokeFlows {
    /** The species of the pets the smoke tests add (and buy at once). */
    public static final String SPECIES = "smoke-test";
    /** The campaign the smoke tests click on; no real campaign has this id. */
    public static final String CAMPAIGN = "smoke-test";
    /** The ad the smoke tests click on. */
    public static final String AD = "smoke-run";

    /** One HTTP exchange; {@code token} is an ID token for the Authorization header, or null. */
    public interface Http {
        Response send(String method, String url, String token, String body, Map<String, String> headers);

        /** @param headers response headers by lower-case name */
        record Response(int status, String body, Map<String, String> headers) {
            public Response(int status, String body) {
                this(status, body, Map.of());
            }

            String header(String name) {
                return headers.get(name.toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /** Waits between two reads of the stats while the clicks queue is processed. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * How to run: {@code runId} names this run's pet and is its purchase's idempotency key (1 to 40 of
     * {@code [A-Za-z0-9_-]}); the stats are read up to {@code statsAttempts} times, {@code pollMillis} apart, until
     * they count the click.
     */
    public record Options(String runId, int statsAttempts, long pollMillis, Sleeper sleeper) {
        public Options {
            if (runId == null || !runId.matches("[A-Za-z0-9_-]{1,40}")) {
                throw new IllegalArgumentException("runId must be 1 to 40 of [A-Za-z0-9_-] (got " + runId + ")");
            }
            if (statsAttempts < 1) {
                throw new IllegalArgumentException("statsAttempts must be at least 1 (got " + statsAttempts + ")");
            }
        }
    }

    /** A failed step: its flow, what it did, and what was wrong (status and body when the API answered). */
    public record Failure(String flow, String step, String problem) {
        @Override
        public String toString() {
            return flow + ": " + step + ": " + problem;
        }
    }

    /** What a run did: the steps that passed, in order, and the failures (empty when every flow passed). */
    public record Result(List<String> passed, List<Failure> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private final String base;
    private final Http http;
    private final String buyerToken;
    private final String adminToken;
    private final Options options;
    private final List<String> passed = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    private SmokeFlows(String apiUrl, Http http, String buyerToken, String adminToken, Options options) {
        this.base = apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
        this.http = http;
        this.buyerToken = Objects.requireNonNull(buyerToken, "buyerToken");
        this.adminToken = Objects.requireNonNull(adminToken, "adminToken");
        this.options = options;
    }

    /**
     * Runs every flow against the API at {@code apiUrl}. A flow stops at its first failed step; the other flows still
     * run, so one run names every broken flow.
     */
    public static Result run(String apiUrl, Http http, String buyerToken, String adminToken, Options options) {
        SmokeFlows flows = new SmokeFlows(apiUrl, http, buyerToken, adminToken, options);
        String petId = flows.addPet();
        flows.browse(petId);
        if (petId != null) {
            flows.buy(petId);
        }
        flows.clickAndReadStats();
        return new Result(List.copyOf(flows.passed), List.copyOf(flows.failures));
    }

    /** The admin adds this run's pet (the one the buyer buys); null when that failed. */
    private String addPet() {
        String step = "POST /pets as admin (this run's " + SPECIES + " pet)";
        Map<String, Object> pet = new LinkedHashMap<>();
        pet.put("name", "smoke test " + options.runId());
        pet.put("species", SPECIES);
        pet.put("price", 1);
        pet.put("description", "Added and bought by the pipeline's smoke tests (run " + options.runId() + ")");
        Http.Response r = call("buy", step, "POST", "pets", adminToken, Json.write(pet), Map.of());
        if (r == null) {
            return null;
        }
        Map<String, Object> body = object(r);
        if (r.status() != 201 || !(body.get("petId") instanceof String id) || !"AVAILABLE".equals(body.get("status"))) {
            return fail("buy", step, r);
        }
        passed.add(step);
        return id;
    }

    private void browse(String petId) {
        String list = "GET /pets?limit=10";
        Http.Response r = call("browse", list, "GET", "pets?limit=10", null, null, Map.of());
        if (r == null) {
            return;
        }
        if (r.status() != 200 || !(object(r).get("items") instanceof List<?>)) {
            fail("browse", list, r);
            return;
        }
        passed.add(list);
        if (petId == null) {
            return;
        }
        String bySpecies = "GET /pets?species=" + SPECIES + " lists this run's pet";
        r = call("browse", bySpecies, "GET", "pets?species=" + SPECIES + "&limit=50", null, null, Map.of());
        if (r == null) {
            return;
        }
        if (r.status() != 200 || !(object(r).get("items") instanceof List<?> items) || items.stream()
                .noneMatch(i -> i instanceof Map<?, ?> m && petId.equals(m.get("petId")))) {
            fail("browse", bySpecies, r);
            return;
        }
        passed.add(bySpecies);
        String one = "GET /pets/{petId} of this run's pet";
        r = call("browse", one, "GET", "pets/" + petId, null, null, Map.of());
        if (r == null) {
            return;
        }
        Map<String, Object> pet = object(r);
        if (r.status() != 200 || !petId.equals(pet.get("petId")) || !SPECIES.equals(pet.get("species"))) {
            fail("browse", one, r);
            return;
        }
        passed.add(one);
    }

    private void buy(String petId) {
        String body = Json.write(Map.of("petId", petId));
        Map<String, String> key = Map.of("Idempotency-Key", options.runId());
        String first = "POST /purchases with an Idempotency-Key";
        Http.Response bought = call("buy", first, "POST", "purchases", buyerToken, body, key);
        if (bought == null) {
            return;
        }
        Map<String, Object> purchase = object(bought);
        if (bought.status() != 201 || !petId.equals(purchase.get("petId"))
                || !(purchase.get("purchaseId") instanceof String)) {
            fail("buy", first, bought);
            return;
        }
        passed.add(first);
        String retry = "POST /purchases retried with the same Idempotency-Key answers the same 201";
        Http.Response replay = call("buy", retry, "POST", "purchases", buyerToken, body, key);
        if (replay == null) {
            return;
        }
        if (replay.status() != 201 || !object(replay).equals(purchase)) {
            fail("buy", retry, replay, "expected 201 with the first answer " + abbreviate(bought.body()));
            return;
        }
        if (!"true".equals(replay.header("Idempotent-Replayed"))) {
            failures.add(new Failure("buy", retry, "no 'Idempotent-Replayed: true' header: the purchase may have"
                    + " run twice"));
            return;
        }
        passed.add(retry);
    }

    private void clickAndReadStats() {
        String path = "campaigns/" + CAMPAIGN + "/stats";
        String before = "GET /campaigns/" + CAMPAIGN + "/stats as admin (before the click)";
        Http.Response r = call("click", before, "GET", path, adminToken, null, Map.of());
        if (r == null) {
            return;
        }
        BigDecimal counted = total(r);
        if (r.status() != 200 || counted == null) {
            fail("click", before, r);
            return;
        }
        passed.add(before);
        String click = "POST /clicks";
        r = call("click", click, "POST", "clicks", null,
                Json.write(Map.of("campaignId", CAMPAIGN, "adId", AD)), Map.of());
        if (r == null) {
            return;
        }
        if (r.status() != 202 || !(object(r).get("clickId") instanceof String)) {
            fail("click", click, r);
            return;
        }
        passed.add(click);
        String after = "GET /campaigns/" + CAMPAIGN + "/stats as admin counts the click";
        for (int attempt = 1; ; attempt++) {
            r = call("click", after, "GET", path, adminToken, null, Map.of());
            if (r == null) {
                return;
            }
            BigDecimal now = total(r);
            if (r.status() == 200 && now != null && now.compareTo(counted) > 0) {
                passed.add(after);
                return;
            }
            if (r.status() != 200 || now == null || attempt >= options.statsAttempts()) {
                fail("click", after, r, "totalClicks was " + counted + " before the click, read "
                        + options.statsAttempts() + " times " + options.pollMillis() + " ms apart");
                return;
            }
            try {
                options.sleeper().sleep(options.pollMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(new Failure("click", after, "interrupted"));
                return;
            }
        }
    }

    private static BigDecimal total(Http.Response r) {
        Object total = object(r).get("totalClicks");
        return total instanceof Number n ? new BigDecimal(n.toString()) : null;
    }

    /** The answer, or null after recording a failure when the call itself failed (no answer). */
    private Http.Response call(String flow, String step, String method, String path, String token, String body,
                               Map<String, String> headers) {
        try {
            return http.send(method, base + path, token, body, headers);
        } catch (RuntimeException e) {
            failures.add(new Failure(flow, step, "no answer: " + e));
            return null;
        }
    }

    private <T> T fail(String flow, String step, Http.Response r) {
        return fail(flow, step, r, null);
    }

    private <T> T fail(String flow, String step, Http.Response r, String detail) {
        failures.add(new Failure(flow, step, "got " + r.status() + " " + abbreviate(r.body())
                + (detail == null ? "" : " (" + detail + ")")));
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Http.Response r) {
        try {
            Object parsed = Json.parse(r.body() == null ? "" : r.body());
            return parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.isEmpty() ? "(no body)" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
