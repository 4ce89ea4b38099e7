package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.Caller;
import dev.serverlesskit.app.common.Cursor;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.Pages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /purchases} (signed in): the caller's own purchases, newest first, from GSI {@code byBuyer} with
 * {@code buyerId = sub}. Paginated with {@code limit} (1..50, default 20) and {@code cursor}; a cursor that names
 * another buyer is rejected as INVALID_CURSOR.
 */
public class ListPurchasesHandler extends ApiHandler {
    private static final Cursor.Shape CURSOR = Cursor.Shape.of("petId", 'S', "buyerId", 'S', "soldAt", 'S');

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoPriming priming;

    public ListPurchasesHandler() {
        this(AwsClients.dynamoDb(), Env.required("PETS_TABLE"));
    }

    ListPurchasesHandler(DynamoDbClient dynamoDb, String table) {
        super("GET /purchases", Set.of("limit", "cursor"));
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.priming = Pets.registerPriming(dynamoDb, table);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        Caller caller = request.requireCaller();
        int limit = Pages.limit(request.query("limit"), 20, 50);
        Map<String, AttributeValue> start = Cursor.decode(request.query("cursor"), CURSOR);
        if (start != null && !caller.sub().equals(start.get("buyerId").s())) {
            throw Cursor.invalid();
        }
        Pages.Page page = Pages.collect((startKey, pageSize) -> {
            QueryResponse r = dynamoDb.query(QueryRequest.builder()
                    .tableName(table).indexName("byBuyer")
                    .keyConditionExpression("buyerId = :buyer")
                    .expressionAttributeValues(Map.of(":buyer", AttributeValue.fromS(caller.sub())))
                    .scanIndexForward(false)
                    .exclusiveStartKey(startKey)
                    .limit(pageSize)
                    .build());
            return new Pages.Page(r.items(), r.lastEvaluatedKey());
        }, start, limit, List.of("petId", "buyerId", "soldAt"));
        List<Map<String, Object>> items = new ArrayList<>();
        page.items().forEach(item -> items.add(Pets.purchaseView(item)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", Cursor.encode(page.lastKey()));
        return ApiResponse.json(200, body);
    }
}
