package dev.serverlesskit.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.serverlesskit.app.adclicks.CampaignStatsHandler;
import dev.serverlesskit.app.adclicks.RecordClickHandler;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.petstore.AddPetHandler;
import dev.serverlesskit.app.petstore.GetPetHandler;
import dev.serverlesskit.app.petstore.ListPetsHandler;
import dev.serverlesskit.app.petstore.ListPurchasesHandler;
import dev.serverlesskit.app.petstore.PurchasePetHandler;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.LocalAws;
import dev.serverlesskit.app.testing.Requests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every route of the app, fed generated junk in every parameter and body it reads (numbers of every size, precision
 * and exponent, cursors holding such numbers and long strings, random text and JSON), against the real engines:
 * the answer is never a 5xx, a 4xx is the app's JSON error, and each request finishes within {@link #BOUND_SECONDS}.
 *
 * <p>Shrinking is off: a request that hangs would be retried by every shrinking step.
 */
class JunkInputIT {
    /** Far above any request's real cost (milliseconds), far below a function's timeout. */
    static final long BOUND_SECONDS = 5;
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "junk-request");
        t.setDaemon(true);
        return t;
    });
    private static Map<String, ApiHandler> handlers;

    @BeforeContainer
    static void engines() throws Exception {
        new LocalAws().beforeAll(null);
        handlers = new LinkedHashMap<>();
        handlers.put("GET /pets", new ListPetsHandler());
        handlers.put("GET /pets/{petId}", new GetPetHandler());
        handlers.put("POST /pets", new AddPetHandler());
        handlers.put("POST /purchases", new PurchasePetHandler());
        handlers.put("GET /purchases", new ListPurchasesHandler());
        RecordClickHandler clicks = new RecordClickHandler();
        handlers.put("POST /clicks", clicks);
        handlers.put("POST /clicks/batch", clicks);
        handlers.put("GET /campaigns/{campaignId}/stats", new CampaignStatsHandler());
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void listPets(@ForAll("petQueries") Map<String, String> query) {
        Requests r = Requests.get("/pets");
        query.forEach(r::query);
        answersWithinBound("GET /pets", r.build());
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void getPet(@ForAll("junk") String petId) {
        answersWithinBound("GET /pets/{petId}", Requests.get("/pets/{petId}").path("petId", petId).build());
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void addPet(@ForAll("petBodies") String body) {
        answersWithinBound("POST /pets", Requests.post("/pets").admin("admin-1").body(body).build());
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void purchasePet(@ForAll("purchaseBodies") String body, @ForAll("maybeJunk") Optional<String> key) {
        Requests r = Requests.post("/purchases").user("buyer-junk", null).body(body);
        key.ifPresent(k -> r.header("Idempotency-Key", k));
        answersWithinBound("POST /purchases", r.build());
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void listPurchases(@ForAll("purchaseQueries") Map<String, String> query) {
        Requests r = Requests.get("/purchases").user("buyer-junk", null);
        query.forEach(r::query);
        answersWithinBound("GET /purchases", r.build());
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void recordClick(@ForAll("clickBodies") String body) {
        answersWithinBound("POST /clicks", Requests.post("/clicks").body(body).build());
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void recordClickBatch(@ForAll("clickBatchBodies") String body) {
        answersWithinBound("POST /clicks/batch", Requests.post("/clicks/batch").body(body).build());
    }

    @Property(tries = 100, shrinking = ShrinkingMode.OFF)
    void campaignStats(@ForAll("junk") String campaignId) {
        answersWithinBound("GET /campaigns/{campaignId}/stats", Requests.get("/campaigns/{campaignId}/stats")
                .admin("admin-1").path("campaignId", campaignId).build());
    }

    private static void answersWithinBound(String route, APIGatewayProxyRequestEvent event) {
        ApiHandler handler = handlers.get(route);
        Future<APIGatewayProxyResponseEvent> answer = RUNNER.submit(() -> handler.handleRequest(event,
                new FakeContext()));
        APIGatewayProxyResponseEvent response;
        try {
            response = answer.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new AssertionError(route + " took more than " + BOUND_SECONDS + " s for " + describe(event));
        } catch (Exception e) {
            throw new AssertionError(route + " threw for " + describe(event), e);
        }
        assertThat(response.getStatusCode()).as(route + " " + describe(event) + " -> " + response.getBody())
                .isLessThan(500);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        Object body = parse(response.getBody());
        if (response.getStatusCode() >= 400) {
            assertThat(body).as(response.getBody()).isInstanceOf(Map.class);
            Object error = ((Map<?, ?>) body).get("error");
            assertThat(error).as(response.getBody()).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) error).get("code")).isInstanceOf(String.class);
            assertThat(((Map<?, ?>) error).get("message")).isInstanceOf(String.class);
        }
    }

    private static Object parse(String json) {
        try {
            return JSON.std.anyFrom(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String describe(APIGatewayProxyRequestEvent e) {
        String text = "query=" + e.getQueryStringParameters() + " path=" + e.getPathParameters() + " body="
                + e.getBody() + " headers=" + e.getHeaders();
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }

    // ---- generators ----

    /** Decimal text of every shape: huge and tiny exponents, 40+ digits, signs, and things that are not numbers. */
    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(60);
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.of(-999999999L, -131L, -130L, -129L, 125L, 126L, 999999999L, 0L)
                        .map(e -> "e" + e),
                Arbitraries.longs().between(-2_000_000_000L, 2_000_000_000L).map(e -> "E" + e));
        Arbitrary<String> decimal = Combinators.combine(Arbitraries.of("", "-", "+"), digits,
                Arbitraries.oneOf(Arbitraries.just(""), digits.map(d -> "." + d)), exponent)
                .as((sign, i, f, e) -> sign + i + f + e);
        return Arbitraries.oneOf(decimal, Arbitraries.of("1e-999999999", "1e-131", "1e999999999", "-1e-131",
                "1234567890123456789012345678901234567890", "0.1234567890123456789012345678901234567890",
                "NaN", "Infinity", "-0", "0e-999999999", "1e", ".", "-", "0x10", "1_000", "\uff11\uff12", " 1",
                "9.9999999999999999999999999999999999999E+125", "1E-130", "1E+126"));
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMinLength(100).ofMaxLength(3000),
                Arbitraries.strings().withChars("{}[]\":,\\%&=+ \u0000\u00e9\ud83d\ude00").ofMaxLength(30),
                numbers(),
                cursors(),
                Arbitraries.of("", "pet-1", "pet-" + "x".repeat(64), "dog", "cat", "admins", "null", "{}", "[]"));
    }

    @Provide
    Arbitrary<Optional<String>> maybeJunk() {
        return junk().optional();
    }

    /** Base64url of JSON key maps, with junk or out-of-range numbers and long strings in them. */
    @Provide
    Arbitrary<String> cursors() {
        Arbitrary<Object> value = Arbitraries.oneOf(
                numbers().map(n -> (Object) Map.of("N", n)),
                Arbitraries.strings().all().ofMaxLength(1500).map(s -> (Object) Map.of("S", s)),
                Arbitraries.of("buyer-junk", "dog", "x", "").map(s -> (Object) Map.of("S", s)),
                Arbitraries.strings().ofMaxLength(10).map(s -> (Object) s));
        Arbitrary<String> names = Arbitraries.of("petId", "species", "price", "buyerId", "soldAt", "x");
        return Arbitraries.maps(names, value).ofMaxSize(4).map(map -> {
            try {
                return Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(JSON.std.asString(map).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Provide
    Arbitrary<Map<String, String>> petQueries() {
        return Arbitraries.maps(Arbitraries.of("species", "maxPrice", "q", "limit", "cursor", "colour"),
                Arbitraries.oneOf(junk(), numbers(), cursors(), Arbitraries.of("dog", "cat"))).ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, String>> purchaseQueries() {
        return Arbitraries.maps(Arbitraries.of("limit", "cursor", "x"), Arbitraries.oneOf(junk(), cursors()))
                .ofMaxSize(2);
    }

    /** JSON objects with the route's fields (and others), each a junk string, number, nested value or literal. */
    private Arbitrary<String> objects(List<String> fields) {
        Arbitrary<Object> value = Arbitraries.oneOf(junk().map(s -> (Object) s),
                numbers().map(n -> (Object) new RawNumber(n)),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null),
                Arbitraries.just((Object) List.of(1, "x")));
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of(fields), Arbitraries.strings().ofMaxLength(8));
        Arbitrary<String> object = Arbitraries.maps(names, value).ofMaxSize(fields.size() + 1)
                .map(JunkInputIT::toJson);
        return Arbitraries.oneOf(object, junk());
    }

    @Provide
    Arbitrary<String> petBodies() {
        return objects(List.of("name", "species", "price", "description"));
    }

    @Provide
    Arbitrary<String> purchaseBodies() {
        return objects(List.of("petId"));
    }

    @Provide
    Arbitrary<String> clickBodies() {
        return objects(List.of("campaignId", "adId", "clickId", "occurredAt"));
    }

    @Provide
    Arbitrary<String> clickBatchBodies() {
        return Arbitraries.oneOf(clickBodies().list().ofMaxSize(12).map(items -> "{\"clicks\":["
                + String.join(",", items) + "]}"), junk());
    }

    /** A number written into JSON as is (possibly not valid JSON, which is junk too). */
    private record RawNumber(String text) {
    }

    private static String toJson(Map<String, Object> map) {
        StringBuilder json = new StringBuilder("{");
        map.forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(k)).append(':').append(value(v));
        });
        return json.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof RawNumber n) {
            return n.text();
        }
        if (v instanceof String s) {
            return quote(s);
        }
        try {
            return JSON.std.asString(v);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.std.asString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
