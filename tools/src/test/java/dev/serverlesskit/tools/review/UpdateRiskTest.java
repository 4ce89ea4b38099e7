package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.Fixtures;
import dev.serverlesskit.tools.cfn.Template;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** An update in place of a stateful resource is assessed as well: the review names what it risks. */
class UpdateRiskTest {
    private static ObjectNode petsTable(ObjectNode template) {
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e
                : (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) template.path("Resources")::fields) {
            if (e.getValue().path("Metadata").path("aws:cdk:path").asText().endsWith("PetStore/Pets/Table/Resource")) {
                return (ObjectNode) e.getValue();
            }
        }
        throw new IllegalStateException("no Pets table in dev");
    }

    private static ResourceChanges.Change tableChange(Consumer<ObjectNode> before, Consumer<ObjectNode> after) {
        ObjectNode base = Fixtures.dev();
        ObjectNode head = Fixtures.dev();
        before.accept(petsTable(base));
        after.accept(petsTable(head));
        List<ResourceChanges.Change> changes = ResourceChanges.diff(new Template(base, "dev/ServerlessKit", null),
                new Template(head, "dev/ServerlessKit", null));
        assertThat(changes).as("the one changed resource").hasSize(1);
        return changes.get(0);
    }

    @Test
    void aRetainPolicyTakenOffATableIsAProtectionFinding() {
        ResourceChanges.Change c = tableChange(t -> t.put("DeletionPolicy", "Retain"), t -> { });
        assertThat(c.kind()).isEqualTo(ResourceChanges.Kind.UPDATED);
        assertThat(c.findingKind()).isEqualTo("protection");
        assertThat(c.risk().words()).startsWith("DeletionPolicy Retain → Delete");
    }

    @Test
    void anIndexKeyChangedInPlaceIsADeployFinding() {
        ResourceChanges.Change c = tableChange(t -> { }, t -> {
            ObjectNode index = (ObjectNode) t.path("Properties").path("GlobalSecondaryIndexes").get(0);
            ((ObjectNode) index.path("KeySchema").get(0)).put("AttributeName", "renamed");
        });
        assertThat(c.findingKind()).isEqualTo("deploy");
        assertThat(c.verb()).isEqualTo("updated");
    }
}
