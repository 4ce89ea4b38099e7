package dev.serverlesskit.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** SDK floor for DynamoDB handlers: the same client, one GetItem on {@code FLOOR_TABLE}/{@code FLOOR_KEY}, nothing else. */
public class DynamoFloorHandler implements RequestHandler<Object, String> {
    private final DynamoDbClient dynamoDb = FloorClients.dynamoDb();
    private final String table = System.getenv("FLOOR_TABLE");
    private final String keyName = System.getenv("FLOOR_KEY");

    @Override
    public String handleRequest(Object event, Context context) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of(keyName, AttributeValue.fromS("floor-key"))).build()).item();
        return item == null || item.isEmpty() ? "miss" : "hit";
    }
}
