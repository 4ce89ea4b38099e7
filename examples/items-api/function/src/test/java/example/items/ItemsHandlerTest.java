package example.items;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class ItemsHandlerTest {
    private final List<Object> calls = new ArrayList<>();

    /** Records puts; every update finds no item. */
    private final DynamoDbClient dynamoDb = new DynamoDbClient() {
        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            calls.add(request);
            return PutItemResponse.builder().build();
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            calls.add(request);
            throw ConditionalCheckFailedException.builder().message("no item").build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    };
    private final ItemsHandler handler = new ItemsHandler(dynamoDb, "Items", Set.of("https://app.example.com"));

    @Test
    void createStoresTheFieldsUnderANewIdThatCannotOverwrite() {
        APIGatewayProxyResponseEvent response = handler.create(request("{\"name\":\"lamp\"}", null), null);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(response.getBody()).contains("\"name\":\"lamp\"", "\"itemId\":");
        PutItemRequest put = (PutItemRequest) calls.get(0);
        assertThat(put.item()).containsKeys("itemId", "name");
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(#k)");
    }

    @Test
    void aBodyThatIsNotAnObjectOfStringsIsA400NamingTheField() {
        assertThat(handler.create(request("[1]", null), null).getBody()).contains("\"field\":\"body\"");
        assertThat(handler.create(request("{\"price\":3}", null), null).getBody()).contains("\"field\":\"price\"");
        assertThat(handler.create(request("{\"itemId\":\"x\"}", null), null).getBody()).contains("\"field\":\"itemId\"");
        assertThat(handler.create(request("{not json", null), null).getStatusCode()).isEqualTo(400);
        assertThat(calls).isEmpty();
    }

    @Test
    void updatingAMissingItemIsA404() {
        APIGatewayProxyRequestEvent request = request("{\"name\":\"desk\"}", null).withPathParameters(Map.of("id", "42"));

        assertThat(handler.update(request, null).getStatusCode()).isEqualTo(404);
        assertThat(((UpdateItemRequest) calls.get(0)).conditionExpression()).isEqualTo("attribute_exists(#k)");
    }

    @Test
    void onlyAnAllowedOriginIsEchoed() {
        assertThat(handler.create(request("{\"a\":\"b\"}", "https://app.example.com"), null).getHeaders())
                .containsEntry("Access-Control-Allow-Origin", "https://app.example.com");
        assertThat(handler.create(request("{\"a\":\"b\"}", "https://evil.example"), null).getHeaders())
                .doesNotContainKey("Access-Control-Allow-Origin");
    }

    private static APIGatewayProxyRequestEvent request(String body, String origin) {
        return new APIGatewayProxyRequestEvent().withBody(body)
                .withHeaders(origin == null ? Map.of() : Map.of("origin", origin));
    }
}
