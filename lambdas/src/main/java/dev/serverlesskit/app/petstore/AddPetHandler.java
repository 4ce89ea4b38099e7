package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.JsonBody;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * {@code POST /pets} (admins only): body {@code {"name": 1..100 chars, "species": lower-case word 1..40,
 * "price": number > 0 and <= 100000 with at most 2 decimals, "description": optional, <= 1000 chars}}.
 * The server assigns petId ({@code pet-<uuid>}), status AVAILABLE and createdAt; 201 with the pet.
 */
public class AddPetHandler extends ApiHandler {
    private static final Set<String> FIELDS = Set.of("name", "species", "price", "description");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;
    private final DynamoPriming priming;

    public AddPetHandler() {
        this(AwsClients.dynamoDb(), Env.required("PETS_TABLE"), Clock.systemUTC());
    }

    AddPetHandler(DynamoDbClient dynamoDb, String table, Clock clock) {
        super("POST /pets", Set.of());
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
        this.priming = Pets.registerPriming(dynamoDb, table);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        JsonBody body = request.jsonBody().allowOnly(FIELDS);
        String name = body.requiredString("name", 1, 100).strip();
        if (name.isEmpty()) {
            throw ApiException.validation("field 'name' must not be blank");
        }
        String species = body.requiredString("species", 1, 40);
        if (!Pets.SPECIES.matcher(species).matches()) {
            throw ApiException.validation("field 'species' must be a lower-case word (letters, digits, '-'), "
                    + "e.g. dog, cat, bird, fish, reptile, other");
        }
        BigDecimal price = body.requiredNumber("price");
        if (price.signum() <= 0 || price.compareTo(Pets.MAX_PRICE) > 0) {
            throw ApiException.validation("field 'price' must be > 0 and <= 100000");
        }
        if (price.stripTrailingZeros().scale() > 2) {
            throw ApiException.validation("field 'price' must have at most 2 decimal places");
        }
        price = price.stripTrailingZeros();
        if (price.scale() < 0) {
            price = price.setScale(0);
        }
        String description = body.optionalString("description", 1000);

        String petId = "pet-" + UUID.randomUUID();
        String createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("petId", AttributeValue.fromS(petId));
        item.put("name", AttributeValue.fromS(name));
        item.put("species", AttributeValue.fromS(species));
        item.put("price", AttributeValue.fromN(price.toPlainString()));
        if (description != null && !description.isEmpty()) {
            item.put("description", AttributeValue.fromS(description));
        }
        item.put("status", AttributeValue.fromS(Pets.STATUS_AVAILABLE));
        item.put("createdAt", AttributeValue.fromS(createdAt));
        item.put("searchText", AttributeValue.fromS(Pets.searchText(name, description)));
        dynamoDb.putItem(PutItemRequest.builder()
                .tableName(table)
                .item(item)
                .conditionExpression("attribute_not_exists(petId)")
                .build());
        request.metrics().count("PetsAdded");
        return ApiResponse.json(201, Pets.publicView(item)).header("Location", "/pets/" + petId);
    }
}
