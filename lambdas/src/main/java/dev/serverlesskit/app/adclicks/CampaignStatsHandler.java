package dev.serverlesskit.app.adclicks;

import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.ApiHandler;
import dev.serverlesskit.app.common.ApiRequest;
import dev.serverlesskit.app.common.ApiResponse;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /campaigns/{campaignId}/stats} (admins only): all hourly counters of the campaign,
 * {@code {"campaignId","totalClicks","byAd":{adId:count},"byHour":[{"hour","adId","clicks"}]}}, hours ascending.
 */
public class CampaignStatsHandler extends ApiHandler {
    /** Bound on Query pages per request (1 MB each). */
    private static final int MAX_PAGES = 50;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoPriming priming;

    public CampaignStatsHandler() {
        this(AwsClients.dynamoDb(), Env.required("CLICKS_TABLE"));
    }

    CampaignStatsHandler(DynamoDbClient dynamoDb, String table) {
        super("GET /campaigns/{campaignId}/stats", Set.of());
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.priming = DynamoPriming.register(dynamoDb, table,
                Map.of("pk", AttributeValue.fromS("PRIMING"), "sk", AttributeValue.fromS("NEVER-EXISTS")),
                () -> Json.write(Map.of("campaignId", "c", "totalClicks", 0)));
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String campaignId = request.pathParameter("campaignId");
        if (!Click.ID.matcher(campaignId).matches()) {
            throw ApiException.validation("path parameter 'campaignId' must be 1..64 characters of letters, "
                    + "digits, '-' or '_'");
        }
        long total = 0;
        Map<String, Long> byAd = new TreeMap<>();
        List<Map<String, Object>> byHour = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            QueryResponse r = dynamoDb.query(QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :hour)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaignId),
                            ":hour", AttributeValue.fromS("HOUR#")))
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .build());
            for (Map<String, AttributeValue> item : r.items()) {
                if (!item.containsKey("clicks")) {
                    continue; // holds only a fenced token (ClickCounters): nothing was ever counted on it
                }
                long clicks = Long.parseLong(item.get("clicks").n());
                String adId = item.get("adId") == null ? null : item.get("adId").s();
                String hour = item.get("hour") == null ? null : item.get("hour").s();
                total += clicks;
                byAd.merge(adId, clicks, Long::sum);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("hour", hour);
                row.put("adId", adId);
                row.put("clicks", clicks);
                byHour.add(row);
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            if (start == null) {
                break;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("campaignId", campaignId);
        body.put("totalClicks", total);
        body.put("byAd", byAd);
        body.put("byHour", byHour);
        return ApiResponse.json(200, body);
    }
}
