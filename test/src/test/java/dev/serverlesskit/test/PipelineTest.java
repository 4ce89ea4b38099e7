package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delivery pipeline: dev, then staging, then a security check, the review's check and an approval, then prod. */
class PipelineTest {

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
}
