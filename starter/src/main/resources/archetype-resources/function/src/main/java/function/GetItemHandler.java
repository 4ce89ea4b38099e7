package ${package}.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * {@code GET /items/{id}}: the item with that id from the table named by {@code ITEMS_TABLE}, as JSON; 404 when there
 * is none, 400 naming the field when the id is not valid, 403 for a route or caller the API's {@link RouteAccess} does
 * not allow. Every error is JSON too.
 */
public class GetItemHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private static final int MAX_ID_LENGTH = 128;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final RouteAccess routeAccess;

    /**
     * Lambda's constructor: one client per execution environment, built at init (and so in the SnapStart snapshot).
     * It fails the cold start without the route access the API declared ({@link RouteAccess}).
     */
    public GetItemHandler() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                System.getenv("ITEMS_TABLE"), RouteAccess.fromEnvironment());
    }

    GetItemHandler(DynamoDbClient dynamoDb, String tableName, RouteAccess routeAccess) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.routeAccess = routeAccess;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        RouteAccess.Refusal refusal = routeAccess.refusal(request);
        if (refusal != null) {
            return json(refusal.status(), "{\"error\":" + quote(refusal.message()) + "}");
        }
        Map<String, String> pathParameters = request.getPathParameters();
        String id = pathParameters == null ? null : pathParameters.get("id");
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            return json(400, "{\"error\":\"id must be 1 to " + MAX_ID_LENGTH + " characters\",\"field\":\"id\"}");
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(Map.of("id", AttributeValue.fromS(id)))
                .build()).item();
        if (item == null || item.isEmpty()) {
            return json(404, "{\"error\":\"no item with this id\",\"field\":\"id\"}");
        }
        AttributeValue name = item.get("name");
        return json(200, "{\"id\":" + quote(id) + ",\"name\":" + (name == null || name.s() == null ? "null" : quote(name.s())) + "}");
    }

    private static APIGatewayProxyResponseEvent json(int status, String body) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
