package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** {@code GET /pets/{petId}} (public): the pet, or 404 NOT_FOUND. */
public class GetPetHandler extends ApiHandler {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoPriming priming;

    public GetPetHandler() {
        this(AwsClients.dynamoDb(), Env.required("PETS_TABLE"));
    }

    GetPetHandler(DynamoDbClient dynamoDb, String table) {
        super("GET /pets/{petId}", Set.of());
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.priming = Pets.registerPriming(dynamoDb, table);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String petId = Pets.checkPetId(request.pathParameter("petId"), "path parameter 'petId'");
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder()
                .tableName(table).key(Map.of("petId", AttributeValue.fromS(petId))).build()).item();
        if (item == null || item.isEmpty()) {
            throw ApiException.notFound("pet '" + petId + "' does not exist");
        }
        return ApiResponse.json(200, Pets.publicView(item));
    }
}
