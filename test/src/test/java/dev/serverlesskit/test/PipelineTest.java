package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The delivery pipeline: dev and staging, each followed by its smoke tests, then a security check, the review's check
 * and an approval, then prod.
 */
class PipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stagesRunInOrderWithSecurityAndReviewChecksAndApprovalBeforeProd() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson(Synthesis.PIPELINE_KEY));
        JsonNode pipeline = template.ofType("AWS::CodePipeline::Pipeline").values().iterator().next();
        List<String> stages = new ArrayList<>();
        pipeline.path("Properties").path("Stages").forEach(stage -> stages.add(stage.path("Name").asText()));
        assertThat(stages).containsExactly("Source", "Build", "Assets", "dev", "staging", "prod");

        JsonNode prod = pipeline.path("Properties").path("Stages").get(5);
        List<String> actions = new ArrayList<>();
        prod.path("Actions").forEach(a -> actions.add(a.path("RunOrder").asInt() + " " + a.path("Name").asText()
                + " " + a.path("ActionTypeId").path("Provider").asText()));
        assertThat(actions).containsExactly(
                "1 SecurityCheck.Check CodeBuild",
                "2 SecurityCheck.Confirm Manual",
                "3 ReviewCheck CodeBuild",
                "4 PromoteToProd Manual",
                "5 serverless-kit.Prepare CloudFormation",
                "6 serverless-kit.Deploy CloudFormation");
    }

    @Test
    void artifactsAreEncryptedWithARotatedKeySharedWithTheStageAccounts() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson(Synthesis.PIPELINE_KEY));
        assertThat(template.ofType("AWS::KMS::Key")).hasSize(1).allSatisfy((id, key) ->
                assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean()).isTrue());
        String keyPolicy = template.ofType("AWS::KMS::Key").values().iterator().next().toString();
        assertThat(keyPolicy).contains("111111111111", "222222222222", "333333333333");
    }

    /** The smoke step runs after dev and after staging deploy (not after prod), with that stage's outputs. */
    @Test
    void smokeTestsRunAfterDevAndStagingDeployButNotAfterProd() throws Exception {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson(Synthesis.PIPELINE_KEY));
        JsonNode stages = template.ofType("AWS::CodePipeline::Pipeline").values().iterator().next()
                .path("Properties").path("Stages");
        for (int i : new int[] {3, 4}) {
            JsonNode stage = stages.get(i);
            String name = stage.path("Name").asText();
            List<String> actions = new ArrayList<>();
            stage.path("Actions").forEach(a -> actions.add(a.path("RunOrder").asInt() + " " + a.path("Name").asText()
                    + " " + a.path("ActionTypeId").path("Provider").asText()));
            assertThat(actions).as(name).containsExactly(
                    "1 serverless-kit.Prepare CloudFormation",
                    "2 serverless-kit.Deploy CloudFormation",
                    "3 SmokeTests CodeBuild");
            JsonNode smoke = stage.path("Actions").get(2);
            String deployNamespace = stage.path("Actions").get(1).path("Namespace").asText();
            JsonNode env = JSON.readTree(smoke.path("Configuration").path("EnvironmentVariables").asText("[]"));
            Map<String, String> vars = new TreeMap<>();
            env.forEach(v -> vars.put(v.path("name").asText(), v.path("value").asText()));
            assertThat(vars).as(name).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "SMOKE_API_URL", "#{" + deployNamespace + ".ApiUrl}",
                    "SMOKE_USER_POOL_ID", "#{" + deployNamespace + ".UserPoolId}",
                    "SMOKE_CLIENT_ID", "#{" + deployNamespace + ".SmokeClientId}",
                    "SMOKE_BUYER_SECRET", "#{" + deployNamespace + ".SmokeBuyerSecretArn}",
                    "SMOKE_ADMIN_SECRET", "#{" + deployNamespace + ".SmokeAdminSecretArn}"));

            JsonNode project = template.resource(CfnTemplate.references(smoke.path("Configuration")
                    .path("ProjectName")).iterator().next());
            String account = name.equals("dev") ? "111111111111" : "222222222222";
            String buildSpec = project.path("Properties").path("Source").path("BuildSpec").asText();
            assertThat(buildSpec).as(name)
                    .contains("aws sts assume-role --role-arn arn:aws:iam::" + account + ":role/" + name
                            + "-serverless-kit-smoke-tests ")
                    .contains("java -cp serverless-kit-functions-delivery.jar dev.serverlesskit.app.delivery.SmokeRun");
            assertThat(project.path("Properties").path("Environment").path("EnvironmentVariables").toString())
                    .as(name).contains("{\"Name\":\"SMOKE_REGION\",\"Type\":\"PLAINTEXT\",\"Value\":\"eu-west-1\"}");
            assertThat(project.path("Properties").path("ServiceRole").toString()).as(name)
                    .contains(roleId(template, "serverless-kit-pipeline-smoke-" + name));
        }
        assertThat(stages.get(5).path("Actions").toString()).doesNotContain("SmokeTests");
    }

    /**
     * The smoke step's own role may assume exactly its stage's smoke role and nothing else; the rest is what CodeBuild
     * needs for its logs, reports and the pipeline's artifacts (none on "*", no other sts or secrets action).
     */
    @Test
    void theSmokeStepMayOnlyAssumeItsOwnStagesSmokeRole() {
        CfnTemplate template = new CfnTemplate(Synthesis.shared().templateJson(Synthesis.PIPELINE_KEY));
        for (String stage : List.of("dev", "staging")) {
            String account = stage.equals("dev") ? "111111111111" : "222222222222";
            String role = roleId(template, "serverless-kit-pipeline-smoke-" + stage);
            assertThat(template.resource(role).path("Properties").path("AssumeRolePolicyDocument").toString())
                    .contains("\"Service\":\"codebuild.amazonaws.com\"");
            List<JsonNode> statements = template.statementsOfRole(role);
            List<JsonNode> assume = statements.stream()
                    .filter(st -> CfnTemplate.strings(st.path("Action")).stream().anyMatch(a -> a.startsWith("sts:")))
                    .toList();
            assertThat(assume).as(stage).singleElement().satisfies(st -> {
                assertThat(CfnTemplate.strings(st.path("Action"))).containsExactly("sts:AssumeRole");
                assertThat(CfnTemplate.strings(st.path("Resource"))).containsExactly(
                        "arn:aws:iam::" + account + ":role/" + stage + "-serverless-kit-smoke-tests");
            });
            for (JsonNode st : statements) {
                assertThat(CfnTemplate.strings(st.path("Resource"))).as(stage + " " + st).doesNotContain("*");
                assertThat(CfnTemplate.strings(st.path("Action"))).as(stage + " " + st).allSatisfy(a ->
                        assertThat(a).matches("sts:AssumeRole|logs:(CreateLogGroup|CreateLogStream|PutLogEvents)"
                                + "|codebuild:(CreateReportGroup|CreateReport|UpdateReport|BatchPutTestCases"
                                + "|BatchPutCodeCoverages)|s3:(GetObject\\*|GetBucket\\*|List\\*)"
                                + "|kms:(Decrypt|DescribeKey|Encrypt|ReEncrypt\\*|GenerateDataKey\\*)"));
            }
        }
        assertThat(Synthesis.shared().template(Synthesis.PIPELINE_KEY)).doesNotContain("serverless-kit-pipeline-smoke-prod");
    }

    private static String roleId(CfnTemplate template, String roleName) {
        return template.ofType("AWS::IAM::Role").entrySet().stream()
                .filter(e -> roleName.equals(e.getValue().path("Properties").path("RoleName").asText()))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no role named " + roleName));
    }
}
