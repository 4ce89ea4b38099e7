package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.local.StageModel;
import dev.serverlesskit.local.iam.AccessLog;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The staging stage: SnapStart on every function, so each gets its role's credentials from the container credentials
 * endpoint only, and runs init, its CRaC {@code beforeCheckpoint} hooks (the priming) and {@code afterRestore} before
 * its first invocation; its app client allows only SRP sign-in.
 */
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StagingEndToEndTest extends LocalAppEndToEndTest {
    StagingEndToEndTest() {
        super("staging", "https://staging.petstore.example.com");
    }

    @Test
    void snapStartFunctionsPrimeBeforeTheSnapshotWithCredentialsFromTheContainerEndpoint() {
        // all but the pre-traffic hook, which CodeDeploy invokes unpublished, where SnapStart never applies
        assertThat(runtime().model().functions()).allSatisfy(f -> assertThat(f.snapStart()).as(f.shortName())
                .isEqualTo(!f.logicalId().startsWith("PreTrafficHook")));
        assertThat(new Client(runtime().apiUrl()).get("/pets", null).status()).isEqualTo(200);
        StageModel.Function listPets = runtime().model().functions().stream()
                .filter(f -> f.handlerClass().endsWith(".ListPetsHandler")).findFirst().orElseThrow();
        assertThat(runtime().credentialsEndpoint().served(listPets.logicalId()))
                .as("ListPets fetched its credentials from the endpoint").isGreaterThanOrEqualTo(1);
        // the priming's GetItem ran before the first request, signed with ListPets' own role session
        var calls = runtime().accessLog().calls().stream()
                .filter(c -> c.function().equals(listPets.logicalId()) && c.allowed()).toList();
        AccessLog.Call priming = calls.stream().filter(c -> c.action().equals("dynamodb:GetItem")).findFirst()
                .orElseThrow(() -> new AssertionError("no priming GetItem by ListPets: " + calls));
        assertThat(calls).filteredOn(c -> !c.action().equals("dynamodb:GetItem")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.seq()).as(c.action() + " after the priming")
                        .isGreaterThan(priming.seq()));
    }

    /** Last, once the other tests have initialized every function: no init leaves per-environment state behind. */
    @Test
    @Order(Integer.MAX_VALUE)
    void noHandlerKeepsStateFromInitThatEveryRestoredEnvironmentWouldShare() {
        assertThat(runtime().functions().values()).filteredOn(h -> h.warm()).hasSize(runtime().functions().size());
        assertThat(runtime().functions().values()).allSatisfy(h ->
                assertThat(h.snapStartHazards()).as(h.function().shortName()).isEmpty());
    }
}
