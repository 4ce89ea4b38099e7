package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.FunctionHost;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.LocalRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The pre-traffic hook stops a faulty release: in a dev template whose GetPet function runs the wrong handler (the
 * catalog's list code, which answers 200 but not with the pet), GetPet's hook reports Failed, naming it, while
 * another function's hook still passes, and the synthetic check of the public routes fails. In the same release
 * PurchasePet and CampaignStats run wrong handlers too ({@link #BROKEN}): the pipeline's smoke tests fail each of
 * their three flows, naming the step. (Every function passing on the real templates is
 * {@code LocalAppEndToEndTest.everyFunctionsNewVersionPassesItsPreTrafficHook}.)
 */
@Order(4)
class PreTrafficHookTest {
    private static final String LIST_PETS = "dev.serverlesskit.app.petstore.ListPetsHandler::handleRequest";
    private static final String LIST_PURCHASES = "dev.serverlesskit.app.petstore.ListPurchasesHandler::handleRequest";
    /**
     * The faulty release: GetPet runs the catalog's list code (200, but not the pet), PurchasePet lists the caller's
     * purchases instead of buying, CampaignStats runs the catalog's list code, whose init fails without its table.
     * Each breaks one flow of the pipeline's smoke tests; AddPet and RecordClick are untouched.
     */
    private static final Map<String, String> BROKEN = Map.of(
            "PetStoreGetPet", LIST_PETS,
            "PetStorePurchasePet", LIST_PURCHASES,
            "AdClicksCampaignStats", LIST_PETS);

    /** The functions whose alias CodeDeploy updates with a pre-traffic hook, by logical id. */
    static List<String> deployedFunctions(LocalRuntime runtime) {
        List<String> functions = new ArrayList<>();
        runtime.model().template().path("Resources").fields().forEachRemaining(e -> {
            JsonNode r = e.getValue();
            if ("AWS::Lambda::Alias".equals(r.path("Type").asText()) && r.path("UpdatePolicy")
                    .path("CodeDeployLambdaAliasUpdate").has("BeforeAllowTrafficHook")) {
                functions.add(r.path("Properties").path("FunctionName").path("Ref").asText());
            }
        });
        return functions;
    }

    @Test
    void aFunctionDeployedWithABrokenHandlerFailsItsHook() {
        Path variant = withHandlers(BROKEN);
        LocalRuntime runtime = LocalStage.runtime("dev-broken-get-pet", "dev", variant);
        String getPet = deployedFunctions(runtime).stream().filter(id -> id.startsWith("PetStoreGetPet"))
                .findFirst().orElseThrow();
        LocalRuntime.HookRun broken = runtime.runPreTrafficHook(getPet);
        assertThat(broken.status()).isEqualTo("Failed");
        assertThat(broken.invocation().payload()).contains("GetPet: ");

        String addPet = deployedFunctions(runtime).stream().filter(id -> id.startsWith("PetStoreAddPet"))
                .findFirst().orElseThrow();
        assertThat(runtime.runPreTrafficHook(addPet).status()).isEqualTo("Succeeded");

        // had it been released, the stage's synthetic check would fail (its errors alarm notifies operations)
        FunctionHost.Invocation check = runSyntheticCheck(runtime);
        assertThat(check.ok()).isFalse();
        assertThat(check.errorMessage()).contains("GET /pets/pet-synthetic-check");

        // and the pipeline's smoke tests after the stage would stop the release, naming each broken flow's step
        PipelineSmokeTests.Run smoke = PipelineSmokeTests.run(runtime);
        assertThat(smoke.exitStatus()).as(smoke.toString()).isEqualTo(1);
        assertThat(smoke.output()).as(smoke.toString())
                .contains("ok      GET /pets?species=smoke-test lists this run's pet")
                .contains("FAILED  browse: GET /pets/{petId} of this run's pet: got ")
                .contains("FAILED  buy: POST /purchases with an Idempotency-Key: got ")
                .contains("FAILED  click: GET /campaigns/smoke-test/stats as admin (before the click): got ")
                .contains("smoke tests failed: 3 flow(s) broken");
    }

    /** Invokes the stage's synthetic check against the local API, as its schedule does against the stage's. */
    static FunctionHost.Invocation runSyntheticCheck(LocalRuntime runtime) {
        String id = runtime.functions().keySet().stream().filter(k -> k.startsWith("SyntheticCheck")).findFirst()
                .orElseThrow();
        return runtime.functions().get(id).invoke(Json.MAPPER.createObjectNode().put("apiUrl", runtime.apiUrl())
                .toString());
    }

    /**
     * A copy of the suite's dev assembly whose functions (by logical id prefix) run the given handlers (all else
     * linked).
     */
    private static Path withHandlers(Map<String, String> handlers) {
        return LocalStage.variant("dev", "broken-get-pet", template -> {
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>)
                    () -> template.path("Resources").fields()) {
                JsonNode props = e.getValue().path("Properties");
                for (Map.Entry<String, String> h : handlers.entrySet()) {
                    if (e.getKey().startsWith(h.getKey())
                            && "AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                        ((ObjectNode) props).put("Handler", h.getValue());
                        changed.add(h.getKey());
                    }
                }
            }
            assertThat(changed).as("functions changed in the dev template")
                    .containsExactlyInAnyOrderElementsOf(handlers.keySet());
        });
    }
}
