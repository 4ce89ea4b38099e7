package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Request body models, which the library declares for {@code RouteOptions.requestSchema} as the {@code $default}
 * model: API Gateway applies them whatever the request's Content-Type. The app's own routes have none (API Gateway's
 * answer to a body its model refuses names no field; the handlers name it), so this runs a copy of the dev stage
 * whose {@code POST /clicks} has a model and a body validator.
 */
@Order(2) // a runtime of its own: after the dev stage's classes
class RequestModelTest {
    @Test
    void theModelAppliesWhateverTheContentType() {
        Path variant = LocalStage.variant("dev", "click-model", template -> {
            ObjectNode resources = (ObjectNode) template.path("Resources");
            String method = null;
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) resources::fields) {
                if (e.getValue().path("Metadata").path("aws:cdk:path").asText().endsWith("/clicks/POST/Resource")) {
                    method = e.getKey();
                }
            }
            assertThat(method).as("dev's POST /clicks method").isNotNull();
            ObjectNode props = (ObjectNode) resources.path(method).path("Properties");
            JsonNode api = props.path("RestApiId");
            resources.set("ClickModel", Json.parse("{\"Type\":\"AWS::ApiGateway::Model\",\"Properties\":{"
                    + "\"ContentType\":\"application/json\",\"Schema\":{\"type\":\"object\","
                    + "\"required\":[\"campaignId\",\"adId\"],\"properties\":{\"campaignId\":{\"type\":\"string\","
                    + "\"pattern\":\"^[A-Za-z0-9_-]{1,64}$\"}}}}}"));
            ((ObjectNode) resources.path("ClickModel").path("Properties")).set("RestApiId", api);
            resources.set("ClickValidator", Json.parse("{\"Type\":\"AWS::ApiGateway::RequestValidator\","
                    + "\"Properties\":{\"ValidateRequestBody\":true}}"));
            ((ObjectNode) resources.path("ClickValidator").path("Properties")).set("RestApiId", api);
            props.set("RequestModels", Json.parse("{\"$default\":{\"Ref\":\"ClickModel\"}}"));
            props.set("RequestValidatorId", Json.parse("{\"Ref\":\"ClickValidator\"}"));
        });
        Client modelled = new Client(LocalStage.runtime("dev-click-model", "dev", variant).apiUrl());
        String invalid = "{\"campaignId\":\"spring sale!\",\"adId\":\"banner-1\"}";
        for (String type : new String[] {"application/json", "text/plain", "application/json; charset=utf-8"}) {
            Client.Response refused = modelled.send("POST", "/clicks", null, invalid, "Content-Type", type);
            assertThat(refused.status()).as(type + ": " + refused).isEqualTo(400);
            assertThat(refused.fromGateway()).as(type + " refused by the gateway's model: " + refused).isTrue();
            assertThat(refused.errorCode()).isEqualTo("BAD_REQUEST_BODY");
        }
        Client.Response notJson = modelled.send("POST", "/clicks", null, "campaignId=x", "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.errorCode()).isEqualTo("BAD_REQUEST_BODY");
        Client.Response accepted = modelled.send("POST", "/clicks", null, "{\"campaignId\":\"c1\",\"adId\":\"a1\"}",
                "Content-Type", "text/plain");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    }
}
