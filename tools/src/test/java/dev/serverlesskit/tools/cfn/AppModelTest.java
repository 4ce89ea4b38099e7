package dev.serverlesskit.tools.cfn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routes, their access as the template enforces and declares it, and names people read, from the dev template. */
class AppModelTest {
    private static ObjectNode dev() {
        return Fixtures.dev();
    }

    private static ObjectNode metadata(ObjectNode t, String route) {
        String id = new AppModel(new Template(t, "dev/ServerlessKit", null)).route(route).orElseThrow().methodId();
        return (ObjectNode) t.path("Resources").path(id).path("Metadata");
    }

    private static AppModel.Access access(ObjectNode t, String route) {
        return new AppModel(new Template(t, "dev/ServerlessKit", null)).route(route).orElseThrow().access();
    }

    @Test
    void routesCarryTheirFunctionAccessThrottleAndCors() {
        AppModel m = new AppModel(new Template(dev(), "dev/ServerlessKit", null));

        assertThat(m.routes()).extracting(AppModel.Route::key).containsExactly("GET /pets", "GET /pets/{petId}",
                "POST /pets", "POST /purchases", "GET /purchases", "POST /clicks", "POST /clicks/batch",
                "GET /campaigns/{campaignId}/stats");
        AppModel.Route addPet = m.route("POST /pets").orElseThrow();
        assertThat(m.functions().get(addPet.functionId()).name()).isEqualTo("AddPet");
        assertThat(addPet.access().describe()).isEqualTo("group admins (Cognito: Users)");
        assertThat(addPet.throttle().describe()).isEqualTo("20 rps, burst 40 (stage default)");
        assertThat(addPet.corsOrigins()).containsExactly("http://localhost:5173");
        assertThat(m.route("POST /clicks").orElseThrow().throttle().source()).isEqualTo("route");
    }

    @Test
    void theAccessMetadataMayGrowDetailsUnderOtherKeys() {
        ObjectNode t = dev();
        metadata(t, "GET /pets").put("serverlesskit:publicReason", "anyone may browse the catalog");
        metadata(t, "POST /pets").set("serverlesskit:access", Json.parse(
                "{\"kind\": \"groups\", \"groups\": [\"admins\", \"ops\"], \"enforcement\": \"handler\"}"));

        assertThat(access(t, "GET /pets").describe()).isEqualTo("public: \"anyone may browse the catalog\"");
        assertThat(access(t, "POST /pets").describe()).isEqualTo(
                "groups admins, ops (Cognito: Users); enforcement: handler");
    }

    @Test
    void whatTheMetadataDeclaresIsCheckedAgainstTheAuthorizerTheMethodHas() {
        ObjectNode t = dev();
        metadata(t, "GET /pets").put("serverlesskit:access", "groups:admins");
        metadata(t, "GET /purchases").remove(List.of("serverlesskit:access", "serverlesskit:accessDetails"));

        assertThat(access(t, "GET /pets").kind()).isEqualTo("public");
        assertThat(access(t, "GET /pets").inconsistencies()).containsExactly(
                "declared groups:admins but the method has no authorizer", "the function enforces public");
        assertThat(access(t, "GET /purchases").kind()).isEqualTo("authenticated");
        assertThat(access(t, "GET /purchases").inconsistencies()).containsExactly(
                "no serverlesskit:access metadata", "the function enforces authenticated");
    }

    @Test
    void namesAreTheShortestUniquePathSuffixWithoutGenericConstructIds() {
        Template t = new Template(dev(), "dev/ServerlessKit", null);
        Map<String, String> byPath = new java.util.TreeMap<>();
        t.resources().keySet().forEach(id -> byPath.put(t.path(id), t.name(id)));

        assertThat(byPath).containsEntry("PetStore/Pets/Table", "Pets")
                .containsEntry("PetStore/AddPet/Function", "AddPet")
                .containsEntry("PetStore/AddPet/Logs", "AddPet/Logs")
                .containsEntry("AdClicks/Processor/Consumer/Function", "Processor")
                .containsEntry("AdClicks/Processor/Queue", "Processor/Queue")
                .containsEntry("PetStore/ListPets/ErrorsAlarm", "ListPets/ErrorsAlarm");
        assertThat(byPath.values()).doesNotHaveDuplicates();
    }
}
