package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.Fixtures;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Template;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Identity and resource policies flattened to grants; what broadens is what lets more in. */
class IamTest {
    private static ObjectNode dev() {
        return Fixtures.dev();
    }

    private static List<Iam.Change> diff(Consumer<ObjectNode> change) {
        ObjectNode before = dev();
        ObjectNode after = dev();
        change.accept(after);
        return Iam.diff(Iam.grants(new Template(before, "dev/ServerlessKit", null)),
                Iam.grants(new Template(after, "dev/ServerlessKit", null)));
    }

    private static ObjectNode byPath(ObjectNode t, String suffix) {
        for (JsonNode r : t.path("Resources")) {
            if (r.path("Metadata").path("aws:cdk:path").asText().endsWith(suffix)) {
                return (ObjectNode) r;
            }
        }
        throw new IllegalStateException(suffix);
    }

    @Test
    void aLambdaPermissionForAnyoneIsABroadeningOnTheFunction() {
        List<Iam.Change> changes = diff(t -> ((ObjectNode) t.get("Resources")).set("Open", Json.parse(
                "{\"Type\": \"AWS::Lambda::Permission\", \"Properties\": {\"Action\": \"lambda:InvokeFunction\","
                        + " \"Principal\": \"*\", \"FunctionName\": {\"Ref\": \"" + aliasOf(t, "ListPets") + "\"}}}")));

        assertThat(changes).extracting(Iam.Change::describe, Iam.Change::broadening)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("+lambda:InvokeFunction on ListPets for *",
                        true));
    }

    @Test
    void droppingADenyBroadensAndDroppingAnAllowNarrows() {
        List<Iam.Change> changes = diff(t -> {
            ((ArrayNode) byPath(t, "Processor/Queue/Policy/Resource").path("Properties").path("PolicyDocument")
                    .path("Statement")).removeAll();
            ArrayNode statements = (ArrayNode) byPath(t, "GetPet/Role/DefaultPolicy/Resource").path("Properties")
                    .path("PolicyDocument").path("Statement");
            statements.remove(statements.size() - 1);
        });

        assertThat(changes).extracting(Iam.Change::describe, Iam.Change::broadening).containsExactly(
                org.assertj.core.groups.Tuple.tuple("-dynamodb:GetItem on Pets for GetPet", false),
                org.assertj.core.groups.Tuple.tuple("-Deny sqs:* on Processor/Queue for anyone when"
                        + " {\"Bool\":{\"aws:SecureTransport\":\"false\"}}", true));
    }

    private static String aliasOf(ObjectNode t, String function) {
        for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> t.path("Resources").fields()) {
            if (e.getValue().path("Type").asText().equals("AWS::Lambda::Alias") && e.getValue().path("Metadata")
                    .path("aws:cdk:path").asText().contains("/" + function + "/")) {
                return e.getKey();
            }
        }
        throw new IllegalStateException(function);
    }
}
