package dev.serverlesskit.app.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.app.common.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The smoke flows' verdicts against a fake API that behaves like the real one: a working API passes every step; each
 * wrong answer fails its flow, naming the step, the status and the body, while the other flows still run.
 */
class SmokeFlowsTest {
    private static final String API = "https://api.example.com/v1/";
    private static final String BUYER = "buyer-token";
    private static final String ADMIN = "admin-token";

    /** A fake of the API's answers; {@code tamper} may replace the answer to a "METHOD path" route. */
    static final class FakeApi implements SmokeFlows.Http {
        final List<String> calls = new ArrayList<>();
        final Map<String, UnaryOperator<Response>> tamper = new HashMap<>();
        final Map<String, Map<String, Object>> pets = new HashMap<>();
        final Map<String, Response> purchases = new HashMap<>();
        int clicks = 3;
        int clicksCountedAfterReads = 1;
        int statsReadsSinceClick;

        @Override
        public Response send(String method, String url, String token, String body, Map<String, String> headers) {
            String path = url.substring(API.length());
            calls.add(method + " " + path + (token == null ? "" : " as " + token)
                    + (headers.isEmpty() ? "" : " " + headers));
            Response r = answer(method, path, token, body, headers);
            UnaryOperator<Response> t = tamper.get(method + " " + path.replaceAll("pet-[0-9]+", "{petId}"));
            return t == null ? r : t.apply(r);
        }

        @SuppressWarnings("unchecked")
        private Response answer(String method, String path, String token, String body, Map<String, String> headers) {
            try {
                if (method.equals("POST") && path.equals("pets")) {
                    assertThat(token).isEqualTo(ADMIN);
                    Map<String, Object> pet = new HashMap<>((Map<String, Object>) Json.parse(body));
                    pet.put("petId", "pet-" + (pets.size() + 1));
                    pet.put("status", "AVAILABLE");
                    pets.put((String) pet.get("petId"), pet);
                    return new Response(201, Json.write(pet));
                }
                if (method.equals("GET") && path.startsWith("pets?")) {
                    String species = path.contains("species=") ? path.replaceAll(".*species=([^&]+).*", "$1") : null;
                    List<Object> items = pets.values().stream().filter(p -> "AVAILABLE".equals(p.get("status")))
                            .filter(p -> species == null || species.equals(p.get("species"))).map(p -> (Object) p)
                            .toList();
                    return new Response(200, Json.write(Map.of("items", items)));
                }
                if (method.equals("GET") && path.startsWith("pets/")) {
                    Map<String, Object> pet = pets.get(path.substring(5));
                    return pet == null ? new Response(404, "{\"error\":{\"code\":\"NOT_FOUND\"}}")
                            : new Response(200, Json.write(pet));
                }
                if (method.equals("POST") && path.equals("purchases")) {
                    assertThat(token).isEqualTo(BUYER);
                    String key = headers.get("Idempotency-Key");
                    Response earlier = purchases.get(key);
                    if (earlier != null) {
                        return new Response(201, earlier.body(), Map.of("idempotent-replayed", "true"));
                    }
                    Map<String, Object> pet = pets.get(((Map<String, Object>) Json.parse(body)).get("petId"));
                    if (pet == null || !"AVAILABLE".equals(pet.get("status"))) {
                        return new Response(409, "{\"error\":{\"code\":\"PET_ALREADY_SOLD\"}}");
                    }
                    pet.put("status", "SOLD");
                    Response bought = new Response(201, Json.write(Map.of("purchaseId", "p-1",
                            "petId", pet.get("petId"), "buyerId", "buyer")));
                    purchases.put(key, bought);
                    return bought;
                }
                if (method.equals("POST") && path.equals("clicks")) {
                    statsReadsSinceClick = 0;
                    clicks++;
                    return new Response(202, "{\"clickId\":\"c-1\"}");
                }
                if (method.equals("GET") && path.equals("campaigns/smoke-test/stats")) {
                    assertThat(token).isEqualTo(ADMIN);
                    // the queue consumer counts the click after a few reads
                    int shown = statsReadsSinceClick++ >= clicksCountedAfterReads || clicks == 3 ? clicks : clicks - 1;
                    return new Response(200, "{\"campaignId\":\"smoke-test\",\"totalClicks\":" + shown + "}");
                }
                throw new IllegalStateException(method + " " + path);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static SmokeFlows.Result run(FakeApi api) {
        return SmokeFlows.run(API, api, BUYER, ADMIN, new SmokeFlows.Options("run-1", 3, 0, millis -> { }));
    }

    @Test
    void aWorkingApiPassesEveryStepAndTheRetriedPurchaseSellsThePetOnce() {
        FakeApi api = new FakeApi();
        SmokeFlows.Result result = run(api);
        assertThat(result.failures()).isEmpty();
        assertThat(result.passed()).hasSize(9);
        assertThat(api.calls).containsExactly(
                "POST pets as admin-token",
                "GET pets?limit=10",
                "GET pets?species=smoke-test&limit=50",
                "GET pets/pet-1",
                "POST purchases as buyer-token {Idempotency-Key=run-1}",
                "POST purchases as buyer-token {Idempotency-Key=run-1}",
                "GET campaigns/smoke-test/stats as admin-token",
                "POST clicks",
                "GET campaigns/smoke-test/stats as admin-token",
                "GET campaigns/smoke-test/stats as admin-token");
        assertThat(api.pets.get("pet-1")).containsEntry("status", "SOLD").containsEntry("species", "smoke-test");
    }

    private static List<String> failuresWith(String route, UnaryOperator<SmokeFlows.Http.Response> tamper) {
        FakeApi api = new FakeApi();
        api.tamper.put(route, tamper);
        return run(api).failures().stream().map(Object::toString).toList();
    }

    private static UnaryOperator<SmokeFlows.Http.Response> answer(int status, String body) {
        return r -> new SmokeFlows.Http.Response(status, body);
    }

    @Test
    void eachBrokenStepFailsItsFlowNamingTheStepStatusAndBody() {
        // a GetPet that answers the catalog instead of the pet (the e2e suite's broken handler)
        assertThat(failuresWith("GET pets/{petId}", answer(200, "{\"items\":[]}"))).containsExactly(
                "browse: GET /pets/{petId} of this run's pet: got 200 {\"items\":[]}");
        assertThat(failuresWith("GET pets?limit=10", answer(500, "{\"error\":{}}"))).containsExactly(
                "browse: GET /pets?limit=10: got 500 {\"error\":{}}");
        // the catalog query by species does not list the new pet
        assertThat(failuresWith("GET pets?species=smoke-test&limit=50", answer(200, "{\"items\":[]}")))
                .containsExactly("browse: GET /pets?species=smoke-test lists this run's pet: got 200 {\"items\":[]}");
        // the admin cannot add the pet: nothing to browse by species or buy, clicks still checked
        assertThat(failuresWith("POST pets", answer(403, "{\"error\":{\"code\":\"FORBIDDEN\"}}"))).containsExactly(
                "buy: POST /pets as admin (this run's smoke-test pet): got 403 {\"error\":{\"code\":\"FORBIDDEN\"}}");
    }

    @Test
    void aRetriedPurchaseThatIsNotTheSameAnswerFails() {
        // a purchase handler that ignores the Idempotency-Key: the retry finds the pet sold
        FakeApi api = new FakeApi();
        int[] n = {0};
        api.tamper.put("POST purchases", r -> ++n[0] == 2
                ? new SmokeFlows.Http.Response(409, "{\"error\":{\"code\":\"PET_ALREADY_SOLD\"}}") : r);
        assertThat(run(api).failures()).singleElement().asString().startsWith(
                "buy: POST /purchases retried with the same Idempotency-Key answers the same 201: got 409"
                        + " {\"error\":{\"code\":\"PET_ALREADY_SOLD\"}} (expected 201 with the first answer");
        // a replay with another body
        FakeApi other = new FakeApi();
        int[] m = {0};
        other.tamper.put("POST purchases", r -> ++m[0] == 2
                ? new SmokeFlows.Http.Response(201, "{\"purchaseId\":\"p-2\",\"petId\":\"pet-1\"}", r.headers()) : r);
        assertThat(run(other).failures()).singleElement().asString().contains("got 201 {\"purchaseId\":\"p-2\"");
        // the same body but no replay header: the purchase ran twice
        FakeApi twice = new FakeApi();
        twice.tamper.put("POST purchases", r -> new SmokeFlows.Http.Response(r.status(), r.body()));
        assertThat(run(twice).failures()).singleElement().asString().contains("no 'Idempotent-Replayed: true' header");
        // the first purchase fails
        assertThat(failuresWith("POST purchases", answer(502, "{\"message\":\"Internal server error\"}")))
                .containsExactly("buy: POST /purchases with an Idempotency-Key: got 502"
                        + " {\"message\":\"Internal server error\"}");
    }

    @Test
    void aClickThatIsNeverCountedOrStatsRefusedFailTheClickFlow() {
        FakeApi lost = new FakeApi();
        lost.clicksCountedAfterReads = Integer.MAX_VALUE; // the consumer never counts it
        assertThat(run(lost).failures()).singleElement().asString().isEqualTo(
                "click: GET /campaigns/smoke-test/stats as admin counts the click: got 200"
                        + " {\"campaignId\":\"smoke-test\",\"totalClicks\":3} (totalClicks was 3 before the click,"
                        + " read 3 times 0 ms apart)");
        assertThat(lost.calls.stream().filter(c -> c.startsWith("GET campaigns"))).hasSize(4);
        assertThat(failuresWith("GET campaigns/smoke-test/stats", answer(403, "{\"error\":{}}"))).containsExactly(
                "click: GET /campaigns/smoke-test/stats as admin (before the click): got 403 {\"error\":{}}");
        assertThat(failuresWith("POST clicks", answer(400, "{\"error\":{}}"))).containsExactly(
                "click: POST /clicks: got 400 {\"error\":{}}");
    }

    @Test
    void anUnreachableApiFailsEveryFlowAndBadOptionsAreRefused() {
        SmokeFlows.Http down = (m, u, t, b, h) -> {
            throw new java.io.UncheckedIOException(new java.net.ConnectException("refused"));
        };
        SmokeFlows.Result result = SmokeFlows.run(API, down, BUYER, ADMIN,
                new SmokeFlows.Options("run-1", 3, 0, millis -> { }));
        assertThat(result.ok()).isFalse();
        assertThat(result.failures()).extracting(SmokeFlows.Failure::flow).containsExactly("buy", "browse", "click");
        assertThatThrownBy(() -> new SmokeFlows.Options("run 1", 1, 0, ms -> { }))
                .hasMessageContaining("runId must be 1 to 40 of [A-Za-z0-9_-]");
    }

    @Test
    void settingsComeFromTheEnvironmentOrOptionsAndSecretsMustHoldAUser() {
        Map<String, String> env = Map.of("SMOKE_API_URL", "https://a/v1/", "SMOKE_USER_POOL_ID", "eu-west-1_x",
                "SMOKE_CLIENT_ID", "c", "SMOKE_BUYER_SECRET", "arn:b", "SMOKE_ADMIN_SECRET", "arn:a",
                "AWS_REGION", "eu-west-1");
        assertThat(SmokeRun.settings(new String[] {"--api", "http://127.0.0.1:3000/v1/"}, env))
                .containsEntry("SMOKE_API_URL", "http://127.0.0.1:3000/v1/").containsEntry("SMOKE_REGION", "eu-west-1")
                .containsEntry("SMOKE_ADMIN_GROUP", "admins");
        assertThatThrownBy(() -> SmokeRun.settings(new String[0], Map.of("SMOKE_API_URL", "x")))
                .hasMessage("SMOKE_ADMIN_SECRET (or --admin-secret) is required");
        assertThat(SmokeRun.userOf("s", "{\"username\":\"smoke@example.com\",\"password\":\"p\"}"))
                .hasToString("smoke@example.com");
        assertThatThrownBy(() -> SmokeRun.userOf("arn:s", "{\"password\":\"p\"}"))
                .hasMessage("secret arn:s must hold {\"username\": ..., \"password\": ...}");
    }
}
