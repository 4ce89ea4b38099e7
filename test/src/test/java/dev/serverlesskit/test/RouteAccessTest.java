package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each route of the reference app has exactly the access it should, read back from the dev template. */
class RouteAccessTest {
    private static final Map<String, String> EXPECTED = Map.of(
            "GET /pets", "public",
            "GET /pets/{petId}", "public",
            "POST /pets", "groups:admins",
            "POST /purchases", "authenticated",
            "GET /purchases", "authenticated",
            "POST /clicks", "public",
            "POST /clicks/batch", "public",
            "GET /campaigns/{campaignId}/stats", "groups:admins");

    @Test
    void everyRouteHasTheDeclaredAccessAndTheMatchingAuthorizer() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson("dev"));
        Map<String, String> actual = new LinkedHashMap<>();
        template.routes().forEach((route, method) -> {
            String access = method.path("Metadata").path("serverlesskit:access").asText();
            actual.put(route, access);
            String authorization = method.path("Properties").path("AuthorizationType").asText();
            assertThat(authorization).as(route)
                    .isEqualTo(access.equals("public") ? "NONE" : "COGNITO_USER_POOLS");
        });
        assertThat(actual).isEqualTo(EXPECTED);
    }

    @Test
    void groupRoutesRunHandlersToldWhichGroupToRequire() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson("dev"));
        template.routes().forEach((route, method) -> {
            if (method.path("Metadata").path("serverlesskit:access").asText().startsWith("groups:")) {
                JsonNode env = template.resource(template.functionOfRoute(method))
                        .path("Properties").path("Environment").path("Variables");
                assertThat(env.path("ADMIN_GROUP").asText()).as(route).isEqualTo("admins");
            }
        });
    }

    @Test
    void clickIntakeIsThrottledBelowTheStage() {
        JsonNode stage = new CfnTemplate(Synthesis.shared().templateJson("dev"))
                .ofType("AWS::ApiGateway::Stage").values().iterator().next();
        assertThat(stage.path("Properties").path("MethodSettings").toString())
                .contains("\"HttpMethod\":\"POST\",\"LoggingLevel\":\"ERROR\",\"MetricsEnabled\":true,\"ResourcePath\":\"/~1clicks\"");
    }
}
