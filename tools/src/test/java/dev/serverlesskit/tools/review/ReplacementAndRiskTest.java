package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Stacks;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The reviewed replacement table covers the kit, and risk reads right for each removal policy. */
class ReplacementAndRiskTest {
    @Test
    void everyResourceTypeTheKitsTemplatesUseIsInTheReplacementTable() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("mvnw").toFile().exists()) {
            p = p.getParent();
        }
        Set<String> unknown = new TreeSet<>();
        Stacks.load(p.resolve("test/snapshots")).byKey().values().forEach(s -> s.raw().path("Resources")
                .forEach(r -> {
                    if (!Replacement.knows(r.path("Type").asText())) {
                        unknown.add(r.path("Type").asText());
                    }
                }));
        assertThat(unknown).as("types to review against the CloudFormation reference and add to Replacement")
                .isEmpty();
    }

    @Test
    void keysAndNamesReplaceOtherPropertiesUpdate() {
        assertThat(Replacement.replaces("AWS::DynamoDB::Table", "KeySchema")).isTrue();
        assertThat(Replacement.replaces("AWS::DynamoDB::Table", "GlobalSecondaryIndexes")).isFalse();
        assertThat(Replacement.replaces("AWS::Lambda::Function", "ReservedConcurrentExecutions")).isFalse();
        assertThat(Replacement.replaces("AWS::SQS::Queue", "FifoQueue")).isTrue();
        assertThat(Replacement.replaces("AWS::Cognito::UserPool", "UsernameAttributes")).isTrue();
        assertThat(Replacement.replaces("AWS::Lambda::Permission", "SourceArn")).isTrue();
        assertThat(Replacement.replaces("AWS::ApiGateway::Method", "AuthorizationType")).isFalse();
        assertThat(Replacement.knows("AWS::StepFunctions::StateMachine")).isFalse();
    }

    @Test
    void riskDependsOnTheChangeThePolicyAndTheState() {
        assertThat(Risk.assess("AWS::DynamoDB::Table", true, "Retain", false, null).words()).isEqualTo(
                "a new empty table; the old one is retained with its items, no longer used by the stack"
                        + " (UpdateReplacePolicy Retain)");
        assertThat(Risk.assess("AWS::DynamoDB::Table", true, null, false, null).severity())
                .isEqualTo(Risk.Severity.DATA_LOSS);
        assertThat(Risk.assess("AWS::Cognito::UserPool", false, "Delete", true, null).words()).isEqualTo(
                "deleted with its users and their passwords (DeletionPolicy Delete); deletion protection is on, so"
                        + " the delete fails until it is turned off");
        assertThat(Risk.assess("AWS::SQS::Queue", false, "Retain", false, null).words()).isEqualTo(
                "removed from the stack; the queue is retained with the messages in it, no longer managed"
                        + " (DeletionPolicy Retain)");
        assertThat(Risk.assess("AWS::DynamoDB::Table", true, "Snapshot", false, "TableName").words()).isEqualTo(
                "a new empty table; the old one is deleted after a snapshot (UpdateReplacePolicy Snapshot); it has a"
                        + " fixed TableName, so CloudFormation cannot create the new one and the update fails");
        assertThat(Risk.assess("AWS::KMS::Key", false, null, false, null).words()).startsWith(
                "scheduled for deletion with its key material");
        assertThat(Risk.assess("AWS::CloudWatch::Alarm", false, null, false, null)).isNull();
    }

    private static final String GSI = "{\"IndexName\":\"%s\",\"KeySchema\":[{\"AttributeName\":\"%s\","
            + "\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}";

    private static com.fasterxml.jackson.databind.JsonNode table(String policy, String... indexes) {
        return Json.parse("{\"Type\":\"AWS::DynamoDB::Table\"" + (policy == null ? "" : ",\"DeletionPolicy\":\""
                + policy + "\",\"UpdateReplacePolicy\":\"" + policy + "\"") + ",\"Properties\":{"
                + "\"GlobalSecondaryIndexes\":[" + String.join(",", indexes) + "]}}");
    }

    @Test
    void anUpdateThatLowersTheProtectionOfStatefulDataIsARisk() {
        Risk.Assessment lowered = Risk.update("AWS::DynamoDB::Table", table("Retain"), table("Delete"), true, false);
        assertThat(lowered.severity()).isEqualTo(Risk.Severity.PROTECTION_LOWERED);
        assertThat(lowered.words()).isEqualTo("DeletionPolicy Retain → Delete: a later removal would leave the table"
                + " deleted with its items instead of keeping it; UpdateReplacePolicy Retain → Delete: a later"
                + " replacement would leave the table deleted with its items instead of keeping it; deletion"
                + " protection turned off");
        assertThat(Risk.update("AWS::DynamoDB::Table", table(null), table("Retain"), false, true))
                .as("protection raised").isNull();
        assertThat(Risk.update("AWS::Lambda::Function", table("Retain"), table(null), false, false))
                .as("no state").isNull();
    }

    @Test
    void anIndexUpdateCloudFormationRefusesIsARisk() {
        String bySpecies = GSI.formatted("bySpecies", "species");
        Risk.Assessment rekeyed = Risk.update("AWS::DynamoDB::Table", table("Retain", bySpecies),
                table("Retain", GSI.formatted("bySpecies", "name")), false, false);
        assertThat(rekeyed.severity()).isEqualTo(Risk.Severity.DEPLOY_FAILS);
        assertThat(rekeyed.words()).startsWith("index bySpecies's KeySchema changed in place");
        Risk.Assessment two = Risk.update("AWS::DynamoDB::Table", table("Retain", bySpecies),
                table("Retain", GSI.formatted("byName", "name"), GSI.formatted("byPrice", "price"), bySpecies),
                false, false);
        assertThat(two.words()).startsWith("2 global secondary indexes added or removed (byName, byPrice)");
        assertThat(Risk.update("AWS::DynamoDB::Table", table("Retain", bySpecies),
                table("Retain", bySpecies, GSI.formatted("byName", "name")), false, false))
                .as("one index added").isNull();
    }
}
