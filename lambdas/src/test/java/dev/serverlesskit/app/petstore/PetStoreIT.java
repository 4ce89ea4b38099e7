package dev.serverlesskit.app.petstore;

import static dev.serverlesskit.app.testing.Responses.errorCode;
import static dev.serverlesskit.app.testing.Responses.items;
import static dev.serverlesskit.app.testing.Responses.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.serverlesskit.app.common.Cursor;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.LocalAws;
import dev.serverlesskit.app.testing.Requests;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Pet catalogue against dynalite: admin-only writes, reads, filters and cursor pagination. */
@ExtendWith(LocalAws.class)
class PetStoreIT {
    static final AddPetHandler ADD = new AddPetHandler();
    static final GetPetHandler GET = new GetPetHandler();
    static final ListPetsHandler LIST = new ListPetsHandler();
    static final PurchasePetHandler PURCHASE = new PurchasePetHandler();

    static String addPet(String name, String species, String price, String description) {
        String body = "{\"name\":\"" + name + "\",\"species\":\"" + species + "\",\"price\":" + price
                + (description == null ? "" : ",\"description\":\"" + description + "\"") + "}";
        APIGatewayProxyResponseEvent response = ADD.handleRequest(Requests.post("/pets").user("admin-1", "[admins users]")
                .body(body).build(), new FakeContext());
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        return (String) json(response).get("petId");
    }

    static String uniqueSpecies() {
        return "sp" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void adminAddsAPetAnyoneReadsIt() {
        String body = "{\"name\":\"Rex\",\"species\":\"dog\",\"price\":49.90,\"description\":\"Good boy\"}";
        assertThat(ADD.handleRequest(Requests.post("/pets").body(body).build(), new FakeContext()).getStatusCode())
                .isEqualTo(401);
        assertThat(ADD.handleRequest(Requests.post("/pets").user("u-1", "users").body(body).build(),
                new FakeContext()).getStatusCode()).isEqualTo(403);

        APIGatewayProxyResponseEvent created = ADD.handleRequest(Requests.post("/pets").user("a-1", "admins,users")
                .body(body).build(), new FakeContext());
        assertThat(created.getStatusCode()).isEqualTo(201);
        Map<String, Object> pet = json(created);
        String petId = (String) pet.get("petId");
        assertThat(petId).startsWith("pet-");
        assertThat(pet).containsEntry("status", "AVAILABLE").containsEntry("name", "Rex").containsKey("createdAt");
        assertThat(new BigDecimal(pet.get("price").toString())).isEqualByComparingTo("49.9");
        assertThat(created.getHeaders()).containsEntry("Location", "/pets/" + petId);

        APIGatewayProxyResponseEvent read = GET.handleRequest(Requests.get("/pets/{petId}").path("petId", petId)
                .build(), new FakeContext());
        assertThat(read.getStatusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(pet);

        APIGatewayProxyResponseEvent missing = GET.handleRequest(Requests.get("/pets/{petId}")
                .path("petId", "pet-does-not-exist").build(), new FakeContext());
        assertThat(missing.getStatusCode()).isEqualTo(404);
        assertThat(errorCode(missing)).isEqualTo("NOT_FOUND");
    }

    @Test
    void listsBySpeciesAndMaxPriceThroughCursors() {
        String species = uniqueSpecies();
        Set<String> expected = new HashSet<>();
        for (int i = 1; i <= 7; i++) {
            String id = addPet("Pet " + i, species, Integer.toString(i * 10), null);
            if (i * 10 <= 50) {
                expected.add(id);
            }
        }
        String sold = addPet("Sold one", species, "5", null);
        assertThat(PURCHASE.handleRequest(Requests.post("/purchases").user("buyer-x", null)
                .body("{\"petId\":\"" + sold + "\"}").build(), new FakeContext()).getStatusCode()).isEqualTo(201);
        addPet("Other species", uniqueSpecies(), "10", null);

        List<Map<String, Object>> all = paginate(cursor -> {
            Requests r = Requests.get("/pets").query("species", species).query("maxPrice", "50").query("limit", "2");
            return cursor == null ? r : r.query("cursor", cursor);
        });
        assertThat(all).extracting(p -> (String) p.get("petId")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(all).extracting(p -> new BigDecimal(p.get("price").toString()).intValue())
                .containsExactly(10, 20, 30, 40, 50);                     // GSI sort key order
        assertThat(all).allSatisfy(p -> assertThat(p).containsEntry("status", "AVAILABLE")
                .doesNotContainKey("buyerId"));

        List<Map<String, Object>> everything = paginate(cursor -> {
            Requests r = Requests.get("/pets").query("species", species).query("limit", "3");
            return cursor == null ? r : r.query("cursor", cursor);
        });
        assertThat(everything).hasSize(7);
    }

    @Test
    void scansWithTextAndPriceFiltersThroughCursors() {
        String token = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Set<String> expected = new HashSet<>();
        expected.add(addPet("Fluffy " + token.toUpperCase(), "cat", "100", null));       // name, other case
        expected.add(addPet("Nemo", "fish", "3.50", "Loves " + token + " a lot"));        // description
        expected.add(addPet("Polly", "bird", "40", "Very " + token));
        addPet("Expensive " + token, "cat", "900", null);                                  // over maxPrice
        addPet("Unrelated", "cat", "10", "nothing to see");

        List<Map<String, Object>> found = paginate(cursor -> {
            Requests r = Requests.get("/pets").query("q", token.substring(0, 8).toUpperCase())
                    .query("maxPrice", "100").query("limit", "1");
            return cursor == null ? r : r.query("cursor", cursor);
        });
        assertThat(found).extracting(p -> (String) p.get("petId")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aCursorFromAnotherQueryIsRejected() {
        String species = uniqueSpecies();
        for (int i = 0; i < 3; i++) {
            addPet("P" + i, species, "1" + i, null);
        }
        APIGatewayProxyResponseEvent first = LIST.handleRequest(Requests.get("/pets").query("species", species)
                .query("limit", "1").build(), new FakeContext());
        String cursor = (String) json(first).get("nextCursor");
        assertThat(cursor).isNotNull();

        APIGatewayProxyResponseEvent otherSpecies = LIST.handleRequest(Requests.get("/pets")
                .query("species", uniqueSpecies()).query("cursor", cursor).build(), new FakeContext());
        assertThat(otherSpecies.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(otherSpecies)).isEqualTo("INVALID_CURSOR");

        APIGatewayProxyResponseEvent scan = LIST.handleRequest(Requests.get("/pets").query("cursor", cursor).build(),
                new FakeContext());
        assertThat(errorCode(scan)).isEqualTo("INVALID_CURSOR");

        String forged = Cursor.encode(Map.of("petId", AttributeValue.fromS("pet-x"),
                "species", AttributeValue.fromS(species), "price", AttributeValue.fromS("12")));
        APIGatewayProxyResponseEvent typed = LIST.handleRequest(Requests.get("/pets").query("species", species)
                .query("cursor", forged).build(), new FakeContext());
        assertThat(errorCode(typed)).isEqualTo("INVALID_CURSOR");

        // a cursor past the price filter: DynamoDB refuses a start key outside the key condition (was a 503)
        APIGatewayProxyResponseEvent dearer = LIST.handleRequest(Requests.get("/pets").query("species", species)
                .query("maxPrice", "9").query("cursor", cursor).build(), new FakeContext());
        assertThat(dearer.getStatusCode()).as(dearer.getBody()).isEqualTo(400);
        assertThat(errorCode(dearer)).isEqualTo("INVALID_CURSOR");
        APIGatewayProxyResponseEvent withinFilter = LIST.handleRequest(Requests.get("/pets").query("species", species)
                .query("maxPrice", "10").query("cursor", cursor).build(), new FakeContext());
        assertThat(withinFilter.getStatusCode()).as(withinFilter.getBody()).isEqualTo(200);
    }

    /** Follows nextCursor to the end; asserts every page respects its limit. */
    static List<Map<String, Object>> paginate(Function<String, Requests> request) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Requests r = request.apply(cursor);
            var event = r.build();
            APIGatewayProxyResponseEvent response = LIST.handleRequest(event, new FakeContext());
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
            List<Map<String, Object>> items = items(response);
            int limit = Integer.parseInt(event.getQueryStringParameters().get("limit"));
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            all.addAll(items);
            cursor = (String) json(response).get("nextCursor");
            if (cursor == null) {
                return all;
            }
        }
        throw new AssertionError("pagination did not end");
    }
}
