package example.items;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The items API, one method per route, each deployed as its own function (handler {@code ItemsHandler::list} and so
 * on) with only the DynamoDB action it calls. An item is a JSON object of string fields, keyed by {@code itemId}.
 * Responses are JSON; a bad request is a 400 naming the field. {@code Access-Control-Allow-Origin} is the request's
 * {@code Origin} when {@code CORS_ALLOW_ORIGINS} lists it, as the API's preflight answers.
 */
public class ItemsHandler {
    static final String KEY = "itemId";
    private static final int MAX_FIELDS = 20;
    private static final int MAX_LENGTH = 1024;
    private static final int LIST_LIMIT = 100;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Set<String> allowedOrigins;

    /** Lambda's constructor: one client per execution environment, built at init. */
    public ItemsHandler() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(), System.getenv("TABLE_NAME"),
                Set.of(System.getenv().getOrDefault("CORS_ALLOW_ORIGINS", "").split(",")));
    }

    ItemsHandler(DynamoDbClient dynamoDb, String table, Set<String> allowedOrigins) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.allowedOrigins = allowedOrigins;
    }

    /** {@code GET /items}: up to 100 items. */
    public APIGatewayProxyResponseEvent list(APIGatewayProxyRequestEvent request, Context context) {
        List<Map<String, String>> items = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamoDb.scan(ScanRequest.builder().tableName(table).limit(LIST_LIMIT).build()).items()) {
            items.add(fromDynamoDb(item));
        }
        return respond(request, 200, Map.of("items", items));
    }

    /** {@code GET /items/{id}}. */
    public APIGatewayProxyResponseEvent get(APIGatewayProxyRequestEvent request, Context context) {
        String id = id(request);
        if (id == null) {
            return error(request, 400, "id", "must be 1 to 64 characters");
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table).key(key(id)).build()).item();
        return item == null || item.isEmpty() ? error(request, 404, "id", "no item with this id")
                : respond(request, 200, fromDynamoDb(item));
    }

    /** {@code POST /items}: a new item with a generated {@code itemId}; 201 with the item. */
    public APIGatewayProxyResponseEvent create(APIGatewayProxyRequestEvent request, Context context) {
        Object fields = fields(request);
        if (fields instanceof String problem) {
            return error(request, 400, problem.substring(0, problem.indexOf(' ')), problem.substring(problem.indexOf(' ') + 1));
        }
        Map<String, String> item = new LinkedHashMap<>(asStrings(fields));
        item.put(KEY, UUID.randomUUID().toString());
        Map<String, AttributeValue> values = new HashMap<>();
        item.forEach((k, v) -> values.put(k, AttributeValue.fromS(v)));
        dynamoDb.putItem(PutItemRequest.builder().tableName(table).item(values)
                .conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", KEY)).build());
        return respond(request, 201, item);
    }

    /** {@code PATCH /items/{id}}: sets the given fields of an existing item; 404 when there is none. */
    public APIGatewayProxyResponseEvent update(APIGatewayProxyRequestEvent request, Context context) {
        String id = id(request);
        if (id == null) {
            return error(request, 400, "id", "must be 1 to 64 characters");
        }
        Object fields = fields(request);
        if (fields instanceof String problem) {
            return error(request, 400, problem.substring(0, problem.indexOf(' ')), problem.substring(problem.indexOf(' ') + 1));
        }
        Map<String, String> names = new HashMap<>(Map.of("#k", KEY));
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> field : asStrings(fields).entrySet()) {
            names.put("#f" + i, field.getKey());
            values.put(":v" + i, AttributeValue.fromS(field.getValue()));
            sets.add("#f" + i + " = :v" + i);
            i++;
        }
        try {
            Map<String, AttributeValue> item = dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table).key(key(id))
                    .updateExpression("SET " + String.join(", ", sets)).conditionExpression("attribute_exists(#k)")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues("ALL_NEW").build()).attributes();
            return respond(request, 200, fromDynamoDb(item));
        } catch (ConditionalCheckFailedException e) {
            return error(request, 404, "id", "no item with this id");
        }
    }

    /** {@code DELETE /items/{id}}: 204, also when there was no such item (deleting is idempotent). */
    public APIGatewayProxyResponseEvent delete(APIGatewayProxyRequestEvent request, Context context) {
        String id = id(request);
        if (id == null) {
            return error(request, 400, "id", "must be 1 to 64 characters");
        }
        dynamoDb.deleteItem(DeleteItemRequest.builder().tableName(table).key(key(id)).build());
        return cors(request, new APIGatewayProxyResponseEvent().withStatusCode(204));
    }

    private static String id(APIGatewayProxyRequestEvent request) {
        String id = request.getPathParameters() == null ? null : request.getPathParameters().get("id");
        return id == null || id.isEmpty() || id.length() > 64 ? null : id;
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of(KEY, AttributeValue.fromS(id));
    }

    /** The body's fields, or a problem as "field message". */
    private static Object fields(APIGatewayProxyRequestEvent request) {
        Object body;
        try {
            body = request.getBody() == null ? null : JSON.std.anyFrom(request.getBody());
        } catch (IOException e) {
            return "body must be a JSON object";
        }
        if (!(body instanceof Map<?, ?> map) || map.isEmpty() || map.size() > MAX_FIELDS) {
            return "body must be a JSON object of 1 to " + MAX_FIELDS + " fields";
        }
        for (Map.Entry<?, ?> field : map.entrySet()) {
            String name = String.valueOf(field.getKey());
            if (name.equals(KEY)) {
                return name + " is set by the service";
            }
            if (name.isEmpty() || name.contains(" ")) {
                return "body field names must be non-empty and without spaces";
            }
            if (!(field.getValue() instanceof String value) || value.length() > MAX_LENGTH) {
                return name + " must be a string of at most " + MAX_LENGTH + " characters";
            }
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> asStrings(Object fields) {
        return (Map<String, String>) fields;
    }

    private static Map<String, String> fromDynamoDb(Map<String, AttributeValue> item) {
        Map<String, String> result = new LinkedHashMap<>();
        item.forEach((k, v) -> result.put(k, v.s()));
        return result;
    }

    private APIGatewayProxyResponseEvent error(APIGatewayProxyRequestEvent request, int status, String field, String message) {
        return respond(request, status, Map.of("error", message, "field", field));
    }

    private APIGatewayProxyResponseEvent respond(APIGatewayProxyRequestEvent request, int status, Object body) {
        try {
            return cors(request, new APIGatewayProxyResponseEvent().withStatusCode(status)
                    .withHeaders(new HashMap<>(Map.of("Content-Type", "application/json")))
                    .withBody(JSON.std.asString(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private APIGatewayProxyResponseEvent cors(APIGatewayProxyRequestEvent request, APIGatewayProxyResponseEvent response) {
        Map<String, String> headers = response.getHeaders() == null ? new HashMap<>() : response.getHeaders();
        String origin = request.getHeaders() == null ? null : request.getHeaders().get("origin");
        if (origin == null && request.getHeaders() != null) {
            origin = request.getHeaders().get("Origin");
        }
        if (origin != null && allowedOrigins.contains(origin)) {
            headers.put("Access-Control-Allow-Origin", origin);
        }
        headers.put("Vary", "Origin");
        return response.withHeaders(headers);
    }
}
