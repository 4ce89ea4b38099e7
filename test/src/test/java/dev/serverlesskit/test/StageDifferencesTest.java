package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What must differ between stages: prod keeps its data and pages people; dev can be destroyed and stays quiet. */
class StageDifferencesTest {
    private static final List<String> STATEFUL = List.of("AWS::DynamoDB::Table", "AWS::Cognito::UserPool");

    private static CfnTemplate template(String stage) {
        return new CfnTemplate(Synthesis.shared().templateJson(stage));
    }

    @Test
    void prodRetainsTablesAndUserPoolWithDeletionProtection() {
        for (String type : STATEFUL) {
            assertThat(template("prod").ofType(type)).isNotEmpty().allSatisfy((id, r) -> {
                assertThat(r.path("DeletionPolicy").asText()).as(id).isEqualTo("Retain");
                assertThat(r.path("UpdateReplacePolicy").asText()).as(id).isEqualTo("Retain");
            });
        }
        assertThat(template("prod").ofType("AWS::DynamoDB::Table")).allSatisfy((id, r) ->
                assertThat(r.path("Properties").path("DeletionProtectionEnabled").asBoolean()).as(id).isTrue());
        assertThat(template("prod").ofType("AWS::Cognito::UserPool")).allSatisfy((id, r) ->
                assertThat(r.path("Properties").path("DeletionProtection").asText()).as(id).isEqualTo("ACTIVE"));
    }

    @Test
    void devCanBeDestroyed() {
        for (String type : STATEFUL) {
            assertThat(template("dev").ofType(type)).isNotEmpty().allSatisfy((id, r) ->
                    assertThat(r.path("DeletionPolicy").asText()).as(id).isEqualTo("Delete"));
        }
        assertThat(template("dev").ofType("AWS::DynamoDB::Table")).allSatisfy((id, r) ->
                assertThat(r.path("Properties").path("DeletionProtectionEnabled").asBoolean()).as(id).isFalse());
        assertThat(Synthesis.shared().stage("dev").getStack().getTerminationProtection()).isFalse();
    }

    @Test
    void prodHasTerminationProtection() {
        assertThat(Synthesis.shared().stage("prod").getStack().getTerminationProtection()).isTrue();
    }

    @Test
    void prodAlarmsPageAndDevAlarmsAreSilent() {
        assertThat(template("prod").ofType("AWS::CloudWatch::Alarm")).isNotEmpty().allSatisfy((id, alarm) ->
                assertThat(alarm.path("Properties").path("ActionsEnabled").isMissingNode()
                        || alarm.path("Properties").path("ActionsEnabled").asBoolean()).as(id).isTrue());
        assertThat(template("prod").ofType("AWS::SNS::Subscription")).isNotEmpty();
        assertThat(template("dev").ofType("AWS::CloudWatch::Alarm")).isNotEmpty().allSatisfy((id, alarm) ->
                assertThat(alarm.path("Properties").path("ActionsEnabled").asBoolean(true)).as(id).isFalse());
    }

    @Test
    void prodRequiresMfaAndRefusesPasswordAuthWhileDevAllowsTheCliWalkthrough() {
        JsonNode prodPool = template("prod").ofType("AWS::Cognito::UserPool").values().iterator().next();
        assertThat(prodPool.path("Properties").path("MfaConfiguration").asText()).isEqualTo("ON");
        JsonNode prodClient = template("prod").ofType("AWS::Cognito::UserPoolClient").values().iterator().next();
        assertThat(prodClient.path("Properties").path("ExplicitAuthFlows").toString()).doesNotContain("USER_PASSWORD_AUTH");
        JsonNode devClient = template("dev").ofType("AWS::Cognito::UserPoolClient").values().iterator().next();
        assertThat(devClient.path("Properties").path("ExplicitAuthFlows").toString()).contains("ALLOW_USER_PASSWORD_AUTH");
    }

    @Test
    void snapStartAndConcurrencyFollowTheStageConfig() {
        // CodeDeploy invokes the pre-traffic hook unpublished, where SnapStart never applies
        assertThat(template("prod").ofType("AWS::Lambda::Function")).allSatisfy((id, fn) ->
                assertThat(fn.path("Properties").path("SnapStart").path("ApplyOn").asText()).as(id)
                        .isEqualTo(id.startsWith("PreTrafficHook") ? "" : "PublishedVersions"));
        assertThat(template("dev").ofType("AWS::Lambda::Function")).allSatisfy((id, fn) -> {
            assertThat(fn.path("Properties").has("SnapStart")).as(id).isFalse();
            // the deployment checks have their own: one hook run per function deployed at once, one check at a time
            int reserved = id.startsWith("PreTrafficHook") ? 8 : id.startsWith("SyntheticCheck") ? 1 : 5;
            assertThat(fn.path("Properties").path("ReservedConcurrentExecutions").asInt()).as(id).isEqualTo(reserved);
        });
    }
}
