package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.ServerlessKitStage;
import dev.serverlesskit.infra.StageConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Route access in every stage's template: each route has the access the product defines (written here, not read
 * from the code), the gateway's authorizer matches it, each function is told exactly the routes it serves and their
 * access (its only source for group checks), every group exists in the user pool, and both click routes carry the
 * stage's click throttling.
 */
class RouteAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The product's rules: who may call each route. */
    private static final Map<String, String> PRODUCT = Map.of(
            "GET /pets", "public",
            "GET /pets/{petId}", "public",
            "POST /pets", "groups:admins",
            "POST /purchases", "authenticated",
            "GET /purchases", "authenticated",
            "POST /clicks", "public",
            "POST /clicks/batch", "public",
            "GET /campaigns/{campaignId}/stats", "groups:admins");

    @Test
    void everyRouteHasTheProductsAccessAndTheMatchingAuthorizer() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson("dev"));
        Map<String, String> actual = new LinkedHashMap<>();
        template.routes().forEach((route, method) -> {
            String access = method.path("Metadata").path("serverlesskit:access").asText();
            actual.put(route, access);
            assertThat(method.path("Properties").path("AuthorizationType").asText()).as(route)
                    .isEqualTo(access.equals("public") ? "NONE" : "COGNITO_USER_POOLS");
            JsonNode details = method.path("Metadata").path("serverlesskit:accessDetails");
            assertThat(details.path("access").asText()).as(route).isEqualTo(access.replaceFirst(":.*", ""));
            if (access.equals("public")) {
                assertThat(details.path("reason").asText()).as(route + " says why it is public").isNotBlank();
            }
        });
        assertThat(actual).isEqualTo(PRODUCT);
    }

    @TestFactory
    Stream<DynamicTest> eachFunctionIsToldExactlyItsRoutesAndOnlyExistingGroups() {
        return Synthesis.shared().stages().stream().map(stage -> DynamicTest.dynamicTest(stage.getConfig().name(),
                () -> functionsKnowTheirRoutes(new CfnTemplate(Synthesis.shared().templateJson(
                        stage.getConfig().name())))));
    }

    private static void functionsKnowTheirRoutes(CfnTemplate template) throws Exception {
        Set<String> poolGroups = new TreeSet<>();
        template.ofType("AWS::Cognito::UserPoolGroup").values()
                .forEach(g -> poolGroups.add(g.path("Properties").path("GroupName").asText()));
        Map<String, Map<String, String>> routesByFunction = new HashMap<>();
        template.routes().forEach((route, method) -> {
            String access = method.path("Metadata").path("serverlesskit:access").asText();
            routesByFunction.computeIfAbsent(template.functionOfRoute(method), f -> new HashMap<>())
                    .put(route, access);
            if (access.startsWith("groups:")) {
                assertThat(List.of(access.substring("groups:".length()).split(","))).as(route)
                        .isSubsetOf(poolGroups);
                JsonNode details = method.path("Metadata").path("serverlesskit:accessDetails");
                assertThat(details.path("groupsCheckedBy").asText()).as(route)
                        .contains("SERVERLESSKIT_ROUTE_ACCESS");
            }
        });
        for (Map.Entry<String, Map<String, String>> e : routesByFunction.entrySet()) {
            String told = template.resource(e.getKey()).path("Properties").path("Environment").path("Variables")
                    .path("SERVERLESSKIT_ROUTE_ACCESS").asText();
            Map<String, String> toldMap = JSON.readValue(told.isEmpty() ? "{}" : told,
                    JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            assertThat(toldMap).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @TestFactory
    Stream<DynamicTest> bothClickRoutesCarryTheStagesClickThrottling() {
        return Synthesis.shared().stages().stream().map(ServerlessKitStage::getConfig).map(config ->
                DynamicTest.dynamicTest(config.name(), () -> clickThrottling(config)));
    }

    private static void clickThrottling(StageConfig config) {
        JsonNode stage = new CfnTemplate(Synthesis.shared().templateJson(config.name()))
                .ofType("AWS::ApiGateway::Stage").values().iterator().next();
        Map<String, JsonNode> settings = new HashMap<>();
        stage.path("Properties").path("MethodSettings").forEach(s ->
                settings.put(s.path("HttpMethod").asText() + " " + s.path("ResourcePath").asText(), s));
        assertThat(settings.get("* /*").path("ThrottlingRateLimit").asInt()).isEqualTo(config.apiRateLimit());
        assertThat(settings.get("* /*").path("ThrottlingBurstLimit").asInt()).isEqualTo(config.apiBurstLimit());
        for (String route : List.of("POST /~1clicks", "POST /~1clicks~1batch")) {
            JsonNode s = settings.get(route);
            assertThat(s).as(route + " has its own throttling").isNotNull();
            assertThat(s.path("ThrottlingRateLimit").asInt()).as(route).isEqualTo(config.clicksRateLimit());
            assertThat(s.path("ThrottlingBurstLimit").asInt()).as(route).isEqualTo(config.clicksBurstLimit());
            assertThat(s.path("LoggingLevel").asText()).as(route).isEqualTo("ERROR");
        }
    }
}
