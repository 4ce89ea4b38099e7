package dev.serverlesskit.app.petstore;

import static dev.serverlesskit.app.testing.Responses.errorCode;
import static dev.serverlesskit.app.testing.Responses.errorMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.Requests;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Bad input never reaches DynamoDB: every case is answered with the right 4xx naming the field. (The handlers'
 * clients point at an address where nothing listens, so a case that got past validation would give 503.)
 */
class PetStoreValidationTest {
    private static final AddPetHandler ADD = new AddPetHandler();
    private static final PurchasePetHandler PURCHASE = new PurchasePetHandler();
    private static final ListPetsHandler LIST = new ListPetsHandler();
    private static final GetPetHandler GET = new GetPetHandler();
    private static final ListPurchasesHandler PURCHASES = new ListPurchasesHandler();

    static Stream<Arguments> badPets() {
        return Stream.of(
                Arguments.of("{\"species\":\"dog\",\"price\":10}", "name"),
                Arguments.of("{\"name\":\"\",\"species\":\"dog\",\"price\":10}", "name"),
                Arguments.of("{\"name\":\"   \",\"species\":\"dog\",\"price\":10}", "name"),
                Arguments.of("{\"name\":42,\"species\":\"dog\",\"price\":10}", "name"),
                Arguments.of("{\"name\":\"" + "n".repeat(101) + "\",\"species\":\"dog\",\"price\":10}", "name"),
                Arguments.of("{\"name\":\"Rex\",\"price\":10}", "species"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"Dog\",\"price\":10}", "species"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"" + "d".repeat(41) + "\",\"price\":10}", "species"),
                Arguments.of("{\"name\":\"Rex\",\"species\":[\"dog\"],\"price\":10}", "species"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\"}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":\"10\"}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":0}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":-5}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":100000.01}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":1.999}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":1e400}", "price"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10,\"description\":\""
                        + "d".repeat(1001) + "\"}", "description"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10,\"description\":7}", "description"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10,\"status\":\"SOLD\"}", "status"),
                Arguments.of("{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10,\"petId\":\"pet-1\"}", "petId"),
                Arguments.of("\"just a string\"", "body"),
                Arguments.of("", "body"));
    }

    @ParameterizedTest
    @MethodSource("badPets")
    void addPetRejectsBadBodiesNamingTheField(String body, String field) {
        APIGatewayProxyResponseEvent response = ADD.handleRequest(Requests.post("/pets").admin("admin-1")
                .body(body).build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(response)).contains(field);
    }

    @Test
    void addPetMalformedJsonIsInvalidJson() {
        APIGatewayProxyResponseEvent response = ADD.handleRequest(Requests.post("/pets").admin("admin-1")
                .body("{\"name\": \"Rex\", ").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("INVALID_JSON");
    }

    @Test
    void addPetNeedsAnAdmin() {
        String body = "{\"name\":\"Rex\",\"species\":\"dog\",\"price\":10}";
        APIGatewayProxyResponseEvent anonymous = ADD.handleRequest(Requests.post("/pets").body(body).build(),
                new FakeContext());
        assertThat(anonymous.getStatusCode()).isEqualTo(401);
        assertThat(errorCode(anonymous)).isEqualTo("UNAUTHENTICATED");
        APIGatewayProxyResponseEvent user = ADD.handleRequest(Requests.post("/pets").user("u-1", "[users]")
                .body(body).build(), new FakeContext());
        assertThat(user.getStatusCode()).isEqualTo(403);
        assertThat(errorCode(user)).isEqualTo("FORBIDDEN");
        APIGatewayProxyResponseEvent noGroups = ADD.handleRequest(Requests.post("/pets").user("u-1", null)
                .body(body).build(), new FakeContext());
        assertThat(noGroups.getStatusCode()).isEqualTo(403);
    }

    static Stream<Arguments> badPurchases() {
        return Stream.of(
                Arguments.of("{}", null, "petId"),
                Arguments.of("{\"petId\":12}", null, "petId"),
                Arguments.of("{\"petId\":\"dog-1\"}", null, "petId"),
                Arguments.of("{\"petId\":\"pet-" + "a".repeat(65) + "\"}", null, "petId"),
                Arguments.of("{\"petId\":\"pet-1\",\"quantity\":2}", null, "quantity"),
                Arguments.of("{\"petId\":\"pet-1\"}", "has space", "Idempotency-Key"),
                Arguments.of("{\"petId\":\"pet-1\"}", "k".repeat(65), "Idempotency-Key"),
                Arguments.of("{\"petId\":\"pet-1\"}", "ключ", "Idempotency-Key"));
    }

    @ParameterizedTest
    @MethodSource("badPurchases")
    void purchaseRejectsBadInputNamingIt(String body, String idempotencyKey, String field) {
        Requests request = Requests.post("/purchases").user("u-1", null).body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        APIGatewayProxyResponseEvent response = PURCHASE.handleRequest(request.build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(response)).contains(field);
    }

    @Test
    void purchaseAndListPurchasesNeedASignedInCaller() {
        APIGatewayProxyResponseEvent purchase = PURCHASE.handleRequest(Requests.post("/purchases")
                .body("{\"petId\":\"pet-1\"}").build(), new FakeContext());
        assertThat(purchase.getStatusCode()).isEqualTo(401);
        APIGatewayProxyResponseEvent list = PURCHASES.handleRequest(Requests.get("/purchases").build(),
                new FakeContext());
        assertThat(list.getStatusCode()).isEqualTo(401);
        assertThat(errorCode(list)).isEqualTo("UNAUTHENTICATED");
    }

    static Stream<Arguments> badListQueries() {
        return Stream.of(
                Arguments.of("limit", "0", "VALIDATION_FAILED", "limit"),
                Arguments.of("limit", "51", "VALIDATION_FAILED", "limit"),
                Arguments.of("limit", "ten", "VALIDATION_FAILED", "limit"),
                Arguments.of("maxPrice", "-1", "VALIDATION_FAILED", "maxPrice"),
                Arguments.of("maxPrice", "cheap", "VALIDATION_FAILED", "maxPrice"),
                Arguments.of("species", "Dog", "VALIDATION_FAILED", "species"),
                Arguments.of("species", "d'; drop", "VALIDATION_FAILED", "species"),
                Arguments.of("q", "x".repeat(101), "VALIDATION_FAILED", "q"),
                Arguments.of("sort", "price", "VALIDATION_FAILED", "sort"),
                Arguments.of("cursor", "garbage!", "INVALID_CURSOR", "cursor"),
                Arguments.of("cursor", "eyJwZXRJZCI6eyJTIjoxfX0", "INVALID_CURSOR", "cursor"));
    }

    @ParameterizedTest
    @MethodSource("badListQueries")
    void listPetsRejectsBadQueryParameters(String name, String value, String code, String field) {
        APIGatewayProxyResponseEvent response = LIST.handleRequest(Requests.get("/pets").query(name, value).build(),
                new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo(code);
        assertThat(errorMessage(response)).contains(field);
    }

    @Test
    void getPetValidatesTheId() {
        for (String bad : new String[] {"123", "pet-", "pet-a/b", "pet-" + "x".repeat(65)}) {
            APIGatewayProxyResponseEvent response = GET.handleRequest(Requests.get("/pets/{petId}")
                    .path("petId", bad).build(), new FakeContext());
            assertThat(response.getStatusCode()).isEqualTo(400);
            assertThat(errorMessage(response)).contains("petId");
        }
        APIGatewayProxyResponseEvent unknownParam = GET.handleRequest(Requests.get("/pets/{petId}")
                .path("petId", "pet-1").query("expand", "all").build(), new FakeContext());
        assertThat(unknownParam.getStatusCode()).isEqualTo(400);
        assertThat(errorMessage(unknownParam)).contains("expand");
    }

    @Test
    void unreachableDynamoDbIs503WithoutInternals() {
        DynamoDbClient dead = DynamoDbClient.builder()
                .region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofMillis(500)).build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        GetPetHandler handler = new GetPetHandler(dead, "Pets-secret-name");
        APIGatewayProxyResponseEvent response = handler.handleRequest(Requests.get("/pets/{petId}")
                .path("petId", "pet-1").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(errorCode(response)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(response.getBody()).doesNotContain("Pets-secret-name").doesNotContain("127.0.0.1");
    }
}
