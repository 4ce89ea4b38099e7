package dev.serverlesskit.app.common;

import static dev.serverlesskit.app.testing.Responses.errorCode;
import static dev.serverlesskit.app.testing.Responses.errorMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.Requests;
import dev.serverlesskit.app.testing.Responses;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class ApiHandlerTest {

    /** A route whose behaviour the test chooses. */
    static final class Route extends ApiHandler {
        private final Function<ApiRequest, ApiResponse> body;

        Route(Function<ApiRequest, ApiResponse> body) {
            super("GET /test", Set.of("a"));
            this.body = body;
        }

        @Override
        protected ApiResponse handle(ApiRequest request) {
            return body.apply(request);
        }
    }

    private static final Route OK = new Route(r -> ApiResponse.json(200, Map.of("correlationId", r.correlationId())));

    @Test
    void echoesASaneCorrelationIdHeader() {
        APIGatewayProxyResponseEvent response = OK.handleRequest(Requests.get("/test")
                .header("x-correlation-id", "abc-123_X.y").build(), new FakeContext());
        assertThat(response.getHeaders()).containsEntry("X-Correlation-Id", "abc-123_X.y");
        assertThat(Responses.json(response)).containsEntry("correlationId", "abc-123_X.y");
    }

    @Test
    void insaneCorrelationIdFallsBackToApiGatewayRequestId() {
        for (String bad : List.of("a b", "x".repeat(129), "<script>", "")) {
            APIGatewayProxyResponseEvent response = OK.handleRequest(Requests.get("/test")
                    .header("X-Correlation-Id", bad).apiGatewayRequestId("gw-1").build(), new FakeContext());
            assertThat(response.getHeaders()).containsEntry("X-Correlation-Id", "gw-1");
        }
    }

    @Test
    void withoutHeaderOrApiGatewayIdTheLambdaRequestIdIsUsed() {
        APIGatewayProxyRequestEvent event = Requests.get("/test").build();
        event.setRequestContext(null);
        APIGatewayProxyResponseEvent response = OK.handleRequest(event, new FakeContext("lambda-req-7"));
        assertThat(response.getHeaders()).containsEntry("X-Correlation-Id", "lambda-req-7");
    }

    @Test
    void everyResponseIsJsonAndNamesTheRequestsOriginOnlyWhenItIsAllowed() {
        // CORS_ALLOW_ORIGINS (surefire): https://app.example.com,https://admin.example.com
        for (String origin : List.of("https://app.example.com", "https://admin.example.com")) {
            APIGatewayProxyResponseEvent response = OK.handleRequest(Requests.get("/test").header("origin", origin)
                    .build(), new FakeContext());
            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json")
                    .containsEntry("Access-Control-Allow-Origin", origin).containsEntry("Vary", "Origin");
            APIGatewayProxyResponseEvent error = OK.handleRequest(Requests.get("/test").header("Origin", origin)
                    .query("zzz", "1").build(), new FakeContext());
            assertThat(error.getHeaders()).containsEntry("Content-Type", "application/json")
                    .containsEntry("Access-Control-Allow-Origin", origin);
        }
        for (String other : List.of("https://evil.example.com", "https://app.example.com.evil.example", "null")) {
            APIGatewayProxyResponseEvent response = OK.handleRequest(Requests.get("/test").header("Origin", other)
                    .build(), new FakeContext());
            assertThat(response.getHeaders()).doesNotContainKey("Access-Control-Allow-Origin")
                    .containsEntry("Vary", "Origin");
        }
        assertThat(OK.handleRequest(Requests.get("/test").build(), new FakeContext()).getHeaders())
                .doesNotContainKey("Access-Control-Allow-Origin");
    }

    /** A handler told its routes' access as ServerlessApi tells it, through SERVERLESSKIT_ROUTE_ACCESS. */
    private static ApiHandler withAccess(String json) {
        return new ApiHandler("GET /x", Set.of(), RouteAccess.parse(json)) {
            @Override
            protected ApiResponse handle(ApiRequest request) {
                return ApiResponse.json(200, Map.of("ok", true));
            }
        };
    }

    /** DELETE /things/{id} by a caller with this cognito:groups claim (null: no groups; no sub: anonymous). */
    private static APIGatewayProxyRequestEvent delete(String sub, String groups) {
        Requests r = Requests.get("/things/{id}");
        if (sub != null) {
            r.user(sub, groups);
        }
        APIGatewayProxyRequestEvent event = r.build();
        event.setHttpMethod("DELETE");
        return event;
    }

    @Test
    void groupRoutesAdmitOnlyMembersOfTheGroupsTheRouteDeclares() {
        ApiHandler handler = withAccess("{\"DELETE /things/{id}\":\"groups:auditors,owners\",\"GET /things\":\"public\"}");
        assertThat(handler.handleRequest(Requests.get("/things").build(), new FakeContext()).getStatusCode())
                .isEqualTo(200);
        assertThat(handler.handleRequest(delete("u1", "owners"), new FakeContext()).getStatusCode()).isEqualTo(200);
        assertThat(handler.handleRequest(delete("u2", "[auditors users]"), new FakeContext()).getStatusCode())
                .isEqualTo(200);
        APIGatewayProxyResponseEvent admin = handler.handleRequest(delete("u3", "admins"), new FakeContext());
        assertThat(admin.getStatusCode()).isEqualTo(403); // no default "admins": only the declared groups
        assertThat(errorMessage(admin)).contains("[auditors, owners]");
        assertThat(handler.handleRequest(delete("u4", null), new FakeContext()).getStatusCode()).isEqualTo(403);
        assertThat(handler.handleRequest(delete(null, null), new FakeContext()).getStatusCode()).isEqualTo(401);
    }

    @Test
    void iamAndLambdaAuthorizerRoutesWereCheckedByApiGatewayAndCarryNoClaims() {
        ApiHandler iam = withAccess("{\"DELETE /things/{id}\":\"iam\"}");
        assertThat(iam.handleRequest(delete(null, null), new FakeContext()).getStatusCode()).isEqualTo(200);
        ApiHandler custom = withAccess("{\"DELETE /things/{id}\":\"authorizer:partners\"}");
        assertThat(custom.handleRequest(delete(null, null), new FakeContext()).getStatusCode()).isEqualTo(200);
        assertThatThrownBy(() -> RouteAccess.parse("{\"GET /x\":\"authorizer:\"}"))
                .hasMessageContaining("authorizer:name");
    }

    @Test
    void aRouteTheFunctionWasNotToldAboutIsRefused() {
        ApiHandler handler = withAccess("{\"GET /things\":\"public\"}");
        APIGatewayProxyResponseEvent other = handler.handleRequest(Requests.get("/admin/things").build(),
                new FakeContext());
        assertThat(other.getStatusCode()).isEqualTo(403);
        assertThat(errorMessage(other)).contains("'GET /admin/things' is not declared");
        APIGatewayProxyRequestEvent direct = Requests.get("/things").build();
        direct.setResource(null); // a direct invocation names no route
        assertThat(handler.handleRequest(direct, new FakeContext()).getStatusCode()).isEqualTo(403);
    }

    @Test
    void aMissingOrMalformedRouteAccessFailsTheColdStartNamingTheVariable() {
        for (String bad : List.of("", "{}", "[]", "{\"GET /x\":\"admins\"}", "{\"GET /x\":\"groups:\"}", "{")) {
            assertThatThrownBy(() -> RouteAccess.parse(bad)).as(bad)
                    .hasMessageContaining(RouteAccess.ENVIRONMENT_VARIABLE);
        }
    }

    @Test
    void unknownQueryParameterIsNamed() {
        APIGatewayProxyResponseEvent response = OK.handleRequest(Requests.get("/test").query("a", "1")
                .query("colour", "red").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(response)).contains("'colour'");
    }

    @Test
    void repeatedOrOversizedQueryParameterIsRejected() {
        APIGatewayProxyRequestEvent event = Requests.get("/test").query("a", "1").build();
        event.setMultiValueQueryStringParameters(Map.of("a", List.of("1", "2")));
        APIGatewayProxyResponseEvent response = OK.handleRequest(event, new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("'a'");
        response = OK.handleRequest(Requests.get("/test").query("a", "x".repeat(201)).build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("'a'").contains("200");
    }

    @Test
    void unexpectedFailureIsAGeneric500WithoutInternals() {
        Route broken = new Route(r -> {
            throw new IllegalStateException("secret table name Pets-XYZ");
        });
        APIGatewayProxyResponseEvent response = broken.handleRequest(Requests.get("/test").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(errorCode(response)).isEqualTo("INTERNAL_ERROR");
        assertThat(response.getBody()).doesNotContain("secret").doesNotContain("Exception");
    }

    @Test
    void dependencyFailureIs503WithoutInternals() {
        Route down = new Route(r -> {
            throw SdkClientException.create("Unable to connect to dynamodb.eu-west-1.amazonaws.com");
        });
        APIGatewayProxyResponseEvent response = down.handleRequest(Requests.get("/test").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(errorCode(response)).isEqualTo("DEPENDENCY_UNAVAILABLE");
        assertThat(response.getBody()).doesNotContain("amazonaws");
    }

    @Test
    void aRequestTheServiceRejectsIsABugNotAnOutageButThrottlingIs() {
        Route rejected = new Route(r -> {
            throw DynamoDbException.builder().statusCode(400).message("The provided starting key is invalid")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").build()).build();
        });
        APIGatewayProxyResponseEvent response = rejected.handleRequest(Requests.get("/test").build(),
                new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(errorCode(response)).isEqualTo("INTERNAL_ERROR");
        assertThat(response.getBody()).doesNotContain("starting key");

        Route throttled = new Route(r -> {
            throw DynamoDbException.builder().statusCode(400).message("Rate exceeded")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
        });
        response = throttled.handleRequest(Requests.get("/test").build(), new FakeContext());
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(errorCode(response)).isEqualTo("DEPENDENCY_UNAVAILABLE");
    }

    @Test
    void bodyLimitAndJsonErrors() {
        Route echo = new Route(r -> ApiResponse.json(200, r.jsonBody().asMap()));
        APIGatewayProxyResponseEvent big = echo.handleRequest(Requests.post("/test")
                .body("{\"a\":\"" + "x".repeat(16 * 1024) + "\"}").build(), new FakeContext());
        assertThat(big.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(big)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(big)).contains("body");

        APIGatewayProxyResponseEvent malformed = echo.handleRequest(Requests.post("/test").body("{\"a\":").build(),
                new FakeContext());
        assertThat(malformed.getStatusCode()).isEqualTo(400);
        assertThat(errorCode(malformed)).isEqualTo("INVALID_JSON");

        APIGatewayProxyResponseEvent duplicate = echo.handleRequest(Requests.post("/test")
                .body("{\"a\":1,\"a\":2}").build(), new FakeContext());
        assertThat(errorCode(duplicate)).isEqualTo("INVALID_JSON");

        APIGatewayProxyResponseEvent array = echo.handleRequest(Requests.post("/test").body("[1]").build(),
                new FakeContext());
        assertThat(errorCode(array)).isEqualTo("VALIDATION_FAILED");
        assertThat(errorMessage(array)).contains("body");

        APIGatewayProxyResponseEvent empty = echo.handleRequest(Requests.post("/test").build(), new FakeContext());
        assertThat(errorCode(empty)).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void logLinesAreJsonWithRequestContext() throws Exception {
        JsonLog.setContext("corr-1", "req-1", true);
        String line = JsonLog.format(JsonLog.Level.INFO, "hello", Map.of("route", "GET /x", "status", 200), null);
        JsonLog.clearContext();
        Map<String, Object> parsed = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(line);
        assertThat(parsed).containsEntry("level", "INFO").containsEntry("message", "hello")
                .containsEntry("service", "serverless-kit-test").containsEntry("correlationId", "corr-1")
                .containsEntry("requestId", "req-1").containsEntry("coldStart", true)
                .containsEntry("route", "GET /x").containsEntry("status", 200).containsKey("timestamp");
    }

    @Test
    void missingRequiredEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> Env.required("SERVERLESS_KIT_SURELY_UNSET"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SERVERLESS_KIT_SURELY_UNSET");
    }

    @Test
    void theLoggedRouteIsTheOneTheRequestCameInOn() {
        com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent batch =
                new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent()
                        .withHttpMethod("POST").withResource("/clicks/batch").withPath("/clicks/batch");
        assertThat(ApiHandler.routeOf(batch, "POST /clicks")).isEqualTo("POST /clicks/batch");
        assertThat(ApiHandler.routeOf(new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent(),
                "POST /clicks")).isEqualTo("POST /clicks");
    }
}
