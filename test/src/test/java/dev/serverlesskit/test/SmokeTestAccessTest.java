package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the smoke tests get in dev and staging, and that prod has none of it: generated secrets, an admin-flow-only
 * app client and a role that only the pipeline's smoke step may assume, allowed exactly the calls the smoke run makes.
 */
class SmokeTestAccessTest {
    private static final String PIPELINE_ACCOUNT = "444444444444";

    private static CfnTemplate template(String stage) {
        return new CfnTemplate(Synthesis.shared().templateJson(stage));
    }

    private static String only(Map<String, JsonNode> resources, String prefix) {
        List<String> ids = resources.keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        assertThat(ids).as(prefix).hasSize(1);
        return ids.get(0);
    }

    @Test
    void theSmokeRoleTrustsOnlyThePipelinesSmokeStepAndMayOnlyDoWhatTheRunNeeds() {
        for (String stage : List.of("dev", "staging")) {
            CfnTemplate t = template(stage);
            String role = only(t.ofType("AWS::IAM::Role"), "SmokeTestsRole");
            JsonNode props = t.resource(role).path("Properties");
            assertThat(props.path("RoleName").asText()).isEqualTo(stage + "-serverless-kit-smoke-tests");
            assertThat(props.path("ManagedPolicyArns").isMissingNode()).isTrue();
            assertThat(props.path("PermissionsBoundary").isMissingNode()).isTrue();
            JsonNode trust = props.path("AssumeRolePolicyDocument").path("Statement");
            assertThat(trust).hasSize(1);
            assertThat(trust.get(0).path("Action").asText()).isEqualTo("sts:AssumeRole");
            assertThat(trust.get(0).path("Principal").path("AWS").toString()).contains(":iam::" + PIPELINE_ACCOUNT
                    + ":root");
            assertThat(trust.get(0).path("Condition").toString()).isEqualTo("{\"ArnEquals\":{\"aws:PrincipalArn\":"
                    + "\"arn:aws:iam::" + PIPELINE_ACCOUNT + ":role/serverless-kit-pipeline-smoke-" + stage + "\"}}");

            String buyer = only(t.ofType("AWS::SecretsManager::Secret"), "SmokeTestsBuyerSecret");
            String admin = only(t.ofType("AWS::SecretsManager::Secret"), "SmokeTestsAdminSecret");
            String pool = only(t.ofType("AWS::Cognito::UserPool"), "UsersUserPool");
            List<JsonNode> statements = t.statementsOfRole(role);
            assertThat(statements).hasSize(2);
            assertThat(statements).allSatisfy(st -> {
                assertThat(st.path("Effect").asText()).isEqualTo("Allow");
                assertThat(st.has("Condition")).isFalse();
            });
            assertThat(CfnTemplate.strings(statements.get(0).path("Action")))
                    .containsExactly("secretsmanager:GetSecretValue");
            assertThat(statements.get(0).path("Resource")).hasSize(2);
            assertThat(CfnTemplate.references(statements.get(0).path("Resource"))).containsExactlyInAnyOrder(buyer, admin);
            assertThat(statements.get(0).path("Resource").toString()).doesNotContain("Fn::", "*");
            assertThat(CfnTemplate.strings(statements.get(1).path("Action"))).containsExactly(
                    "cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminCreateUser",
                    "cognito-idp:AdminInitiateAuth", "cognito-idp:AdminSetUserPassword");
            assertThat(statements.get(1).path("Resource").toString())
                    .isEqualTo("{\"Fn::GetAtt\":[\"" + pool + "\",\"Arn\"]}");
        }
    }

    @Test
    void theUsersPasswordsAreGeneratedAndTheirClientAllowsOnlyAdminSignIn() {
        for (String stage : List.of("dev", "staging")) {
            CfnTemplate t = template(stage);
            assertThat(t.ofType("AWS::SecretsManager::Secret")).hasSize(2).allSatisfy((id, secret) -> {
                JsonNode props = secret.path("Properties");
                assertThat(props.has("SecretString")).as(id + ": no value in the template").isFalse();
                assertThat(props.path("GenerateSecretString").path("GenerateStringKey").asText()).isEqualTo("password");
                assertThat(props.path("GenerateSecretString").path("PasswordLength").asInt()).isEqualTo(32);
                assertThat(props.path("GenerateSecretString").path("RequireEachIncludedType").asBoolean()).isTrue();
            });
            String client = only(t.ofType("AWS::Cognito::UserPoolClient"), "SmokeTestsClient");
            JsonNode props = t.resource(client).path("Properties");
            assertThat(CfnTemplate.strings(props.path("ExplicitAuthFlows")))
                    .containsExactly("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
            assertThat(props.path("GenerateSecret").asBoolean()).isFalse();
            assertThat(props.has("AllowedOAuthFlows")).isFalse();
        }
        CfnTemplate prod = template("prod");
        assertThat(prod.ofType("AWS::SecretsManager::Secret")).isEmpty();
        assertThat(prod.ofType("AWS::Cognito::UserPoolClient")).hasSize(1);
        assertThat(prod.ofType("AWS::IAM::Role").values().toString()).doesNotContain("smoke");
    }
}
