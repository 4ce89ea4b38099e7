package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pipeline() {
        return new HashMap<>((Map<String, Object>) ProjectFiles.cdkContext().get(PipelineConfig.CONTEXT_KEY));
    }

    private static List<StageConfig> stages() {
        return StageConfig.parseAll(ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY));
    }

    @Test
    void anUnknownKeyIsRefusedRatherThanIgnored() {
        Map<String, Object> typo = pipeline();
        typo.put("branchName", "release");
        assertThatThrownBy(() -> PipelineConfig.parse(typo)).isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessage("pipeline: unknown key 'branchName' (known keys: [account, branch, connectionArn,"
                        + " region, repository])");
    }

    @Test
    void aStageOutsideThePipelinesRegionNamesTheStageAndTheRegions() {
        assertThatCode(() -> PipelineConfig.parse(pipeline()).checkStagesIn(stages())).doesNotThrowAnyException();

        Map<String, Object> elsewhere = pipeline();
        elsewhere.put("region", "us-east-1");
        assertThatThrownBy(() -> PipelineConfig.parse(elsewhere).checkStagesIn(stages()))
                .isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessage("stage 'dev': 'region' eu-west-1 is not the pipeline's region us-east-1"
                        + " ('serverlesskit:pipeline'): every stage deploys in the pipeline's region");
    }
}
