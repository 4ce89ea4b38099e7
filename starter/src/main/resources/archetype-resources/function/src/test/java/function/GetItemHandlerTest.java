package ${package}.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

class GetItemHandlerTest {
    private final List<GetItemRequest> requests = new ArrayList<>();
    private final Map<String, Map<String, AttributeValue>> table = Map.of(
            "42", Map.of("id", AttributeValue.fromS("42"), "name", AttributeValue.fromS("Rex \"the\" dog")));

    /** A DynamoDB client that answers GetItem from {@link #table} and records each request. */
    private final DynamoDbClient dynamoDb = new DynamoDbClient() {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            requests.add(request);
            return GetItemResponse.builder().item(table.get(request.key().get("id").s())).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    };
    private final GetItemHandler handler = new GetItemHandler(dynamoDb, "Items",
            RouteAccess.parse("{\"GET /items/{id}\":\"authenticated\"}"));

    @Test
    void returnsTheItemAsJson() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(get("42"), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEqualTo("{\"id\":\"42\",\"name\":\"Rex \\\"the\\\" dog\"}");
        assertThat(requests).singleElement().satisfies(r -> assertThat(r.tableName()).isEqualTo("Items"));
    }

    @Test
    void anUnknownIdIsA404() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(get("7"), null);

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getBody()).contains("\"field\":\"id\"");
    }

    @Test
    void anInvalidIdIsA400NamingTheFieldWithoutCallingDynamoDb() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(get("x".repeat(129)), null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).contains("\"field\":\"id\"");
        assertThat(requests).isEmpty();
    }

    @Test
    void aRouteTheApiDidNotDeclareForThisFunctionIsRefusedWithoutCallingDynamoDb() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(get("42").withResource("/admin/{id}"), null);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(requests).isEmpty();
    }

    @Test
    void aGroupRouteAdmitsOnlyMembersOfItsGroups() {
        GetItemHandler adminsOnly = new GetItemHandler(dynamoDb, "Items",
                RouteAccess.parse("{\"GET /items/{id}\":\"groups:admins\"}"));

        assertThat(adminsOnly.handleRequest(signedIn(get("42"), "[users]"), null).getStatusCode()).isEqualTo(403);
        assertThat(adminsOnly.handleRequest(get("42"), null).getStatusCode()).isEqualTo(401);
        assertThat(requests).isEmpty();
        assertThat(adminsOnly.handleRequest(signedIn(get("42"), "[users admins]"), null).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void withoutTheRouteAccessTheColdStartFailsNamingTheVariable() {
        assertThatThrownBy(() -> RouteAccess.parse(null)).hasMessageContaining("SERVERLESSKIT_ROUTE_ACCESS");
        assertThatThrownBy(() -> RouteAccess.parse("{}")).hasMessageContaining("SERVERLESSKIT_ROUTE_ACCESS");
    }

    private static APIGatewayProxyRequestEvent get(String id) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withResource("/items/{id}")
                .withPathParameters(Map.of("id", id));
    }

    private static APIGatewayProxyRequestEvent signedIn(APIGatewayProxyRequestEvent request, String groups) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAuthorizer(Map.of("claims", Map.of("sub", "user-1", "cognito:groups", groups)));
        return request.withRequestContext(context);
    }
}
