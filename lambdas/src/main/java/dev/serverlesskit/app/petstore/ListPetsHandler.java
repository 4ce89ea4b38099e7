package dev.serverlesskit.app.petstore;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.Cursor;
import dev.serverlesskit.app.common.DynamoNumbers;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.Pages;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * {@code GET /pets} (public): available pets, filtered by {@code species}, {@code maxPrice} (>= 0) and {@code q}
 * (case-insensitive text in name or description), {@code limit} 1..50 (default 20) per page, {@code cursor} from
 * the previous page's {@code nextCursor}. With a species it queries GSI {@code bySpecies} (price as key
 * condition); without, it scans with filters.
 */
public class ListPetsHandler extends ApiHandler {
    private static final Cursor.Shape TABLE_CURSOR = Cursor.Shape.of("petId", 'S');
    private static final Cursor.Shape SPECIES_CURSOR = Cursor.Shape.of("petId", 'S', "species", 'S', "price", 'N');

    private static final BigDecimal MAX_PRICE_FILTER = new BigDecimal("1000000000");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoPriming priming;

    public ListPetsHandler() {
        this(AwsClients.dynamoDb(), Env.required("PETS_TABLE"));
    }

    ListPetsHandler(DynamoDbClient dynamoDb, String table) {
        super("GET /pets", Set.of("species", "maxPrice", "q", "limit", "cursor"));
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.priming = Pets.registerPriming(dynamoDb, table);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String species = request.query("species");
        if (species != null && !Pets.SPECIES.matcher(species).matches()) {
            throw ApiException.validation("query parameter 'species' must be 1..40 lower-case letters, digits or '-'"
                    + ", starting with a letter");
        }
        BigDecimal maxPrice = maxPrice(request.query("maxPrice"));
        String q = request.query("q");
        if (q != null && q.length() > 100) {
            throw ApiException.validation("query parameter 'q' must be at most 100 characters");
        }
        int limit = Pages.limit(request.query("limit"), 20, 50);
        String cursor = request.query("cursor");

        Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":available",
                AttributeValue.fromS(Pets.STATUS_AVAILABLE)));
        List<String> filters = new ArrayList<>(List.of("#status = :available"));
        if (q != null) {
            filters.add("contains(searchText, :q)");
            values.put(":q", AttributeValue.fromS(q.toLowerCase(Locale.ROOT)));
        }
        if (maxPrice != null) {
            values.put(":max", AttributeValue.fromN(maxPrice.toPlainString()));
        }

        Pages.Page page;
        if (species != null) {
            Map<String, AttributeValue> start = Cursor.decode(cursor, SPECIES_CURSOR);
            // the start key must lie inside the key condition, or DynamoDB refuses the query
            if (start != null && (!species.equals(start.get("species").s()) || maxPrice != null
                    && new BigDecimal(start.get("price").n()).compareTo(maxPrice) > 0)) {
                throw Cursor.invalid();
            }
            values.put(":species", AttributeValue.fromS(species));
            String keyCondition = "species = :species" + (maxPrice != null ? " AND price <= :max" : "");
            String filter = String.join(" AND ", filters);
            page = Pages.collect((startKey, pageSize) -> {
                QueryResponse r = dynamoDb.query(QueryRequest.builder()
                        .tableName(table).indexName("bySpecies")
                        .keyConditionExpression(keyCondition)
                        .filterExpression(filter)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .exclusiveStartKey(startKey)
                        .limit(pageSize)
                        .build());
                return new Pages.Page(r.items(), r.lastEvaluatedKey());
            }, start, limit, List.of("petId", "species", "price"));
        } else {
            Map<String, AttributeValue> start = Cursor.decode(cursor, TABLE_CURSOR);
            if (maxPrice != null) {
                filters.add("price <= :max");
            }
            String filter = String.join(" AND ", filters);
            page = Pages.collect((startKey, pageSize) -> {
                ScanResponse r = dynamoDb.scan(ScanRequest.builder()
                        .tableName(table)
                        .filterExpression(filter)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .exclusiveStartKey(startKey)
                        .limit(pageSize)
                        .build());
                return new Pages.Page(r.items(), r.lastEvaluatedKey());
            }, start, limit, List.of("petId"));
        }
        List<Map<String, Object>> items = new ArrayList<>();
        page.items().forEach(item -> items.add(Pets.publicView(item)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", Cursor.encode(page.lastKey()));
        return ApiResponse.json(200, body);
    }

    private static BigDecimal maxPrice(String value) {
        if (value == null) {
            return null;
        }
        BigDecimal max = DynamoNumbers.parse("query parameter 'maxPrice'", value);
        if (max.signum() < 0 || max.compareTo(MAX_PRICE_FILTER) > 0) {
            throw ApiException.validation("query parameter 'maxPrice' must be a number >= 0 and <= 1000000000");
        }
        return max;
    }
}
