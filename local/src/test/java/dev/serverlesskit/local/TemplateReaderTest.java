package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.StageModel.Route;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateReaderTest {
    static JsonNode fixture() throws Exception {
        try (InputStream in = TemplateReaderTest.class.getResourceAsStream("/fixture-template.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    static StageModel read(JsonNode template) {
        return TemplateReader.read(template, "fixture-stack", key -> Path.of("/assets/" + key));
    }

    @Test
    void readsRoutesFromTheResourceTreeWithTheirAccess() throws Exception {
        StageModel.Api api = read(fixture()).api().orElseThrow();
        assertThat(api.stageName()).isEqualTo("v2");
        assertThat(api.routes()).extracting(Route::key)
                .containsExactly("GET /items", "OPTIONS /items", "GET /items/mine", "GET /items/{itemId}");
        Route mine = api.routes().stream().filter(r -> r.key().equals("GET /items/mine")).findFirst().orElseThrow();
        assertThat(mine.needsCognito()).isTrue();
        assertThat(mine.access()).isEqualTo("groups:admins");
        assertThat(mine.function()).isEqualTo("ListFunctionABCDEF12"); // through the alias
        assertThat(api.authorizers().get(mine.authorizer()).userPools()).containsExactly("Pool");
        Route list = api.routes().get(0);
        assertThat(list.needsCognito()).isFalse();
        assertThat(list.access()).isEqualTo("public");
        assertThat(api.routes().get(1).mock()).isNotNull();
        assertThat(api.routes().get(3).function()).isEqualTo("ListFunctionABCDEF12"); // through GetAtt Arn
    }

    @Test
    void readsStageAndPerMethodThrottlingAndGatewayResponses() throws Exception {
        StageModel.Api api = read(fixture()).api().orElseThrow();
        assertThat(api.stageThrottle()).isEqualTo(new StageModel.Throttle(20, 40));
        assertThat(api.methodThrottles()).containsEntry("GET /items/mine", new StageModel.Throttle(1, 2));
        assertThat(api.throttleOf(api.routes().get(0))).isEqualTo(new StageModel.Throttle(20, 40));
        assertThat(api.gatewayResponses().get("DEFAULT_4XX").headers())
                .containsEntry("Access-Control-Allow-Origin", "*");
    }

    @Test
    void readsEachFunctionsRoleAndWhetherSnapStartApplies() throws Exception {
        JsonNode template = fixture();
        StageModel.Function f = read(template).function("ListFunctionABCDEF12");
        assertThat(f.role()).isEqualTo("ListRole");
        assertThat(f.snapStart()).isTrue();
        // SnapStart applies to published versions only: without one, the function runs on demand
        ((ObjectNode) template.path("Resources")).remove("ListVersion");
        assertThat(read(template).function("ListFunctionABCDEF12").snapStart()).isFalse();
        // and only to functions that ask for it
        JsonNode withoutSnapStart = fixture();
        ((ObjectNode) withoutSnapStart.path("Resources").path("ListFunctionABCDEF12").path("Properties"))
                .remove("SnapStart");
        assertThat(read(withoutSnapStart).function("ListFunctionABCDEF12").snapStart()).isFalse();
    }

    @Test
    void lambdaSetsTheLogLevelOnlyInJsonFormatWithInfoAsItsDefault() {
        assertThat(function(null, null).loggingEnvironment()).isEqualTo(Map.of("AWS_LAMBDA_LOG_FORMAT", "TEXT"));
        assertThat(function("Text", null).loggingEnvironment()).isEqualTo(Map.of("AWS_LAMBDA_LOG_FORMAT", "TEXT"));
        assertThat(function("JSON", null).loggingEnvironment())
                .isEqualTo(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "INFO"));
    }

    private static StageModel.Function function(String logFormat, String applicationLogLevel) {
        return new StageModel.Function("Fn", null, "example.Handler", "handleRequest", "java21", 128, 3, null,
                Map.of(), Path.of("fn.jar"), logFormat, applicationLogLevel, null, false);
    }

    @Test
    void readsFunctionsTablesQueuesMappingsAndCognito() throws Exception {
        StageModel m = read(fixture());
        assertThat(m.region()).isEqualTo("us-east-2");
        StageModel.Function f = m.function("ListFunctionABCDEF12");
        assertThat(f.handlerClass()).isEqualTo("example.ListHandler");
        assertThat(f.handlerMethod()).isEqualTo("handleRequest");
        assertThat(f.memoryMb()).isEqualTo(512);
        assertThat(f.timeoutSeconds()).isEqualTo(7);
        assertThat(f.reservedConcurrency()).isEqualTo(2);
        assertThat(f.codeJar()).isEqualTo(Path.of("/assets/abc.jar"));
        assertThat(f.environment()).containsKeys("TABLE", "QUEUE_URL", "PLAIN");
        assertThat(f.shortName()).isEqualTo("List");
        assertThat(f.loggingEnvironment()).as("what Lambda sets from LoggingConfig")
                .isEqualTo(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "DEBUG"));

        StageModel.Table t = m.tables().get(0);
        assertThat(t.keySchema()).containsExactly(new StageModel.KeyElement("id", "HASH"));
        assertThat(t.globalSecondaryIndexes().get(0).keySchema()).extracting(StageModel.KeyElement::attributeName)
                .containsExactly("owner", "at");
        assertThat(t.attributeTypes()).containsEntry("at", "N");

        StageModel.Queue work = m.queues().stream().filter(q -> q.logicalId().equals("WorkQueue")).findFirst()
                .orElseThrow();
        assertThat(work.deadLetterQueue()).isEqualTo("WorkDlq");
        assertThat(work.maxReceiveCount()).isEqualTo(3);
        assertThat(work.visibilityTimeoutSeconds()).isEqualTo(60);

        StageModel.EventSourceMapping esm = m.eventSourceMappings().get(0);
        assertThat(esm.queue()).isEqualTo("WorkQueue");
        assertThat(esm.function()).isEqualTo("ListFunctionABCDEF12");
        assertThat(esm.batchSize()).isEqualTo(25);
        assertThat(esm.reportBatchItemFailures()).isTrue();
        assertThat(esm.maximumConcurrency()).isEqualTo(3);

        assertThat(m.userPoolClients().get(0).userPool()).isEqualTo("Pool");
        assertThat(m.userPoolClients().get(0).explicitAuthFlows()).contains("ALLOW_USER_PASSWORD_AUTH");
        assertThat(m.groups().get(0).groupName()).isEqualTo("admins");
    }

    @Test
    void aMethodWithoutAuthorizerIsPublicWhateverItsMetadataSays() throws Exception {
        ObjectNode template = (ObjectNode) fixture();
        ObjectNode props = (ObjectNode) template.path("Resources").path("MineGet").path("Properties");
        props.put("AuthorizationType", "NONE");
        props.remove("AuthorizerId");
        Route mine = read(template).api().orElseThrow().routes().stream()
                .filter(r -> r.key().equals("GET /items/mine")).findFirst().orElseThrow();
        assertThat(mine.needsCognito()).isFalse();
        assertThat(mine.access()).isEqualTo("groups:admins");
    }

    @Test
    void unsupportedIntegrationsFailLoudly() throws Exception {
        ObjectNode template = (ObjectNode) fixture();
        ((ObjectNode) template.path("Resources").path("ItemsGet").path("Properties").path("Integration"))
                .put("Type", "HTTP_PROXY");
        assertThatThrownBy(() -> read(template)).hasMessageContaining("HTTP_PROXY");
    }
}
