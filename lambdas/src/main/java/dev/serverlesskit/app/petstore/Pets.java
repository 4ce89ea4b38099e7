package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Json;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Pets table model shared by the pet store handlers.
 *
 * <p>Table (env {@code PETS_TABLE}): partition key {@code petId} (S). GSI {@code bySpecies}: {@code species} (S) +
 * {@code price} (N). GSI {@code byBuyer}: {@code buyerId} (S) + {@code soldAt} (S). Both GSIs project ALL.
 * Attributes: name, species, price (N), description, status ({@code AVAILABLE|SOLD}), createdAt, searchText
 * (lower-case name + description, for the case-insensitive {@code q} filter) and, once sold, buyerId,
 * purchaseId, soldAt and, when the purchase had an {@code Idempotency-Key}, purchaseRequest (a hash of the buyer
 * and the key, never shown: how a retry recognises its own sale).
 *
 * <p>Pet ids are {@code pet-} followed by 1..64 of [A-Za-z0-9-] (the server assigns {@code pet-<uuid>}).
 */
final class Pets {
    static final String STATUS_AVAILABLE = "AVAILABLE";
    static final String STATUS_SOLD = "SOLD";
    static final Pattern PET_ID = Pattern.compile("pet-[A-Za-z0-9-]{1,64}");
    /** Species: lower-case word, 1..40 (dog, cat, bird, fish, reptile, other, or any other such word). */
    static final Pattern SPECIES = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    static final BigDecimal MAX_PRICE = new BigDecimal("100000");

    private Pets() {}

    static String checkPetId(String petId, String what) {
        if (petId == null || !PET_ID.matcher(petId).matches()) {
            throw ApiException.validation(what + " must be 'pet-' followed by 1..64 letters, digits or '-'");
        }
        return petId;
    }

    /** The public view of a pet: never the buyer's identity. */
    static Map<String, Object> publicView(Map<String, AttributeValue> item) {
        Map<String, Object> pet = new LinkedHashMap<>();
        pet.put("petId", s(item, "petId"));
        pet.put("name", s(item, "name"));
        pet.put("species", s(item, "species"));
        pet.put("price", n(item, "price"));
        if (item.containsKey("description")) {
            pet.put("description", s(item, "description"));
        }
        pet.put("status", s(item, "status"));
        pet.put("createdAt", s(item, "createdAt"));
        return pet;
    }

    /**
     * The buyer's view of a sold pet: a function of the item alone, so a retry that finds the sale already made
     * answers with the body the sale itself answered.
     */
    static Map<String, Object> purchaseView(Map<String, AttributeValue> item) {
        Map<String, Object> purchase = new LinkedHashMap<>();
        purchase.put("purchaseId", s(item, "purchaseId"));
        purchase.put("petId", s(item, "petId"));
        purchase.put("buyerId", s(item, "buyerId"));
        purchase.put("name", s(item, "name"));
        purchase.put("species", s(item, "species"));
        purchase.put("price", n(item, "price"));
        purchase.put("soldAt", s(item, "soldAt"));
        return purchase;
    }

    static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static BigDecimal n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : new BigDecimal(v.n());
    }

    static String searchText(String name, String description) {
        return (name + " " + (description == null ? "" : description)).toLowerCase(java.util.Locale.ROOT);
    }

    /** Warms serialization paths (used by CRaC priming). */
    /**
     * Registers the SnapStart priming of a pet store handler: a GetItem on a pet id that never exists, plus the
     * pet JSON path.
     */
    static DynamoPriming registerPriming(DynamoDbClient dynamoDb, String table) {
        return DynamoPriming.register(dynamoDb, table,
                Map.of("petId", AttributeValue.fromS("pet-priming-never-exists")), Pets::primeJson);
    }

    static String primeJson() {
        Map<String, AttributeValue> item = Map.of("petId", AttributeValue.fromS("pet-priming"),
                "name", AttributeValue.fromS("priming"), "species", AttributeValue.fromS("dog"),
                "price", AttributeValue.fromN("1"), "status", AttributeValue.fromS(STATUS_AVAILABLE),
                "createdAt", AttributeValue.fromS("2026-01-01T00:00:00Z"));
        return Json.write(publicView(item));
    }
}
