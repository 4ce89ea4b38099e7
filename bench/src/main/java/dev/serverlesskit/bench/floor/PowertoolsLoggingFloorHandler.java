package dev.serverlesskit.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The DynamoDB SDK floor plus Powertools logging (Log4j, JSON template layout, functional API): one structured log
 * line with the Lambda context, then the same GetItem. Its ratio to {@code sdk-floor-dynamodb} is what Powertools
 * logging costs at cold start.
 */
public class PowertoolsLoggingFloorHandler implements RequestHandler<Object, String> {
    private static final Logger LOG = LoggerFactory.getLogger(PowertoolsLoggingFloorHandler.class);
    private final DynamoDbClient dynamoDb = FloorClients.dynamoDb();
    private final String table = System.getenv("FLOOR_TABLE");
    private final String keyName = System.getenv("FLOOR_KEY");

    @Override
    public String handleRequest(Object event, Context context) {
        PowertoolsLogging.initializeLogging(context);
        LOG.info("reading the floor key");
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of(keyName, AttributeValue.fromS("floor-key"))).build()).item();
        return item == null || item.isEmpty() ? "miss" : "hit";
    }
}
