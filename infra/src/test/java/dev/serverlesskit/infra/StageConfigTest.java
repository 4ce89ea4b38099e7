package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.logs.RetentionDays;

class StageConfigTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stage(String name) {
        Map<String, Object> stages = (Map<String, Object>) ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY);
        return new HashMap<>((Map<String, Object>) stages.get(name));
    }

    @Test
    void cdkJsonDeclaresDevStagingAndProdWithSafeProductionSettings() {
        List<StageConfig> stages = StageConfig.parseAll(ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY));
        assertThat(stages).extracting(StageConfig::name).containsExactly("dev", "staging", "prod");
        StageConfig prod = stages.get(2);
        assertThat(prod.removalPolicy()).isEqualTo(RemovalPolicy.RETAIN);
        assertThat(prod.terminationProtection()).isTrue();
        assertThat(prod.paging()).isTrue();
        assertThat(prod.mfa()).isEqualTo(Mfa.REQUIRED);
        assertThat(prod.allowPasswordAuth()).isFalse();
        assertThat(prod.logRetention()).isEqualTo(RetentionDays.ONE_YEAR);
        StageConfig dev = stages.get(0);
        assertThat(dev.removalPolicy()).isEqualTo(RemovalPolicy.DESTROY);
        assertThat(dev.paging()).isFalse();
        assertThat(stages).extracting(StageConfig::account).doesNotHaveDuplicates();
    }

    @Test
    void devDeploysAllAtOnceWhileStagingAndProdDeployACanary() {
        List<StageConfig> stages = StageConfig.parseAll(ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY));
        assertThat(stages).extracting(c -> c.deployment().toString())
                .containsExactly("all at once", "canary 10% for 5 minutes", "canary 10% for 10 minutes");
    }

    @Test
    void aMalformedDeploymentNamesTheStageAndTheSetting() {
        Map<String, Object> type = stage("prod");
        type.put("deployment", Map.of("type", "blue-green"));
        assertThatThrownBy(() -> StageConfig.parse("prod", type)).isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessage("stage 'prod': 'deployment.type' must be \"all-at-once\", \"canary\" or \"linear\""
                        + " (got String blue-green)");

        Map<String, Object> percent = stage("staging");
        percent.put("deployment", Map.of("type", "canary", "percent", 100, "intervalMinutes", 5));
        assertThatThrownBy(() -> StageConfig.parse("staging", percent))
                .hasMessage("stage 'staging': 'deployment.percent' must be a whole number from 1 to 99 (got Integer 100)");

        Map<String, Object> interval = stage("staging");
        interval.put("deployment", Map.of("type", "linear", "percent", 10));
        assertThatThrownBy(() -> StageConfig.parse("staging", interval))
                .hasMessage("stage 'staging': 'deployment.intervalMinutes' is missing");

        Map<String, Object> typo = stage("dev");
        typo.put("deployment", Map.of("type", "canary", "percent", 10, "intervalMinute", 5));
        assertThatThrownBy(() -> StageConfig.parse("dev", typo))
                .hasMessageStartingWith("stage 'dev': unknown key 'deployment.intervalMinute'");

        Map<String, Object> missing = stage("dev");
        missing.remove("deployment");
        assertThatThrownBy(() -> StageConfig.parse("dev", missing)).hasMessage("stage 'dev': 'deployment' is missing");

        Map<String, Object> string = stage("dev");
        string.put("deployment", "canary");
        assertThatThrownBy(() -> StageConfig.parse("dev", string))
                .hasMessageStartingWith("stage 'dev': 'deployment' must be {\"type\": \"all-at-once\"} or");
    }

    @Test
    void missingValueNamesTheStageAndTheKey() {
        Map<String, Object> prod = stage("prod");
        prod.remove("account");
        assertThatThrownBy(() -> StageConfig.parse("prod", prod))
                .isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessage("stage 'prod': 'account' is missing");
    }

    @Test
    void malformedValuesNameTheStageTheKeyAndWhatWasExpected() {
        Map<String, Object> bad = stage("staging");
        bad.put("account", "12345");
        assertThatThrownBy(() -> StageConfig.parse("staging", bad))
                .hasMessage("stage 'staging': 'account' must be a 12-digit AWS account id (got String 12345)");

        Map<String, Object> concurrency = stage("dev");
        concurrency.put("apiConcurrency", 0);
        assertThatThrownBy(() -> StageConfig.parse("dev", concurrency))
                .hasMessageStartingWith("stage 'dev': 'apiConcurrency' must be a whole number from 1 to 1000");

        Map<String, Object> clientRate = stage("dev");
        clientRate.put("clientRateLimit", 5); // below AWS WAF's minimum rate limit
        assertThatThrownBy(() -> StageConfig.parse("dev", clientRate))
                .hasMessageStartingWith("stage 'dev': 'clientRateLimit' must be a whole number from 10 to 2000000000");

        Map<String, Object> retention = stage("dev");
        retention.put("logRetentionDays", 10);
        assertThatThrownBy(() -> StageConfig.parse("dev", retention))
                .hasMessageStartingWith("stage 'dev': 'logRetentionDays' must be one of CloudWatch's retention periods");

        Map<String, Object> mfa = stage("dev");
        mfa.put("mfa", "sometimes");
        assertThatThrownBy(() -> StageConfig.parse("dev", mfa))
                .hasMessage("stage 'dev': 'mfa' must be \"optional\" or \"required\" (got String sometimes)");

        Map<String, Object> flag = stage("dev");
        flag.put("retainData", "yes");
        assertThatThrownBy(() -> StageConfig.parse("dev", flag))
                .hasMessage("stage 'dev': 'retainData' must be true or false (got String yes)");
    }

    @Test
    void unknownKeysAndPagingWithoutRecipientsAreRefused() {
        Map<String, Object> typo = stage("dev");
        typo.put("reservedConcurency", 5);
        assertThatThrownBy(() -> StageConfig.parse("dev", typo))
                .hasMessageStartingWith("stage 'dev': unknown key 'reservedConcurency'");

        Map<String, Object> misspelt = stage("dev");
        misspelt.put("logRetentionDay", misspelt.remove("logRetentionDays"));
        assertThatThrownBy(() -> StageConfig.parse("dev", misspelt))
                .hasMessageStartingWith("stage 'dev': unknown key 'logRetentionDay'");

        Map<String, Object> twice = stage("dev");
        twice.put("alarmEmails", List.of("oncall@example.com", "oncall@example.com"));
        assertThatThrownBy(() -> StageConfig.parse("dev", twice))
                .hasMessage("stage 'dev': 'alarmEmails' lists oncall@example.com twice");

        Map<String, Object> unprotected = stage("prod");
        unprotected.put("retainData", false);
        assertThatThrownBy(() -> StageConfig.parse("prod", unprotected))
                .hasMessageStartingWith("stage 'prod': 'retainData' and 'terminationProtection' must be true");
        Map<String, Object> deletable = stage("prod");
        deletable.put("terminationProtection", false);
        assertThatThrownBy(() -> StageConfig.parse("prod", deletable))
                .hasMessageStartingWith("stage 'prod': 'retainData' and 'terminationProtection' must be true");

        Map<String, Object> silent = stage("prod");
        silent.put("alarmEmails", List.of());
        assertThatThrownBy(() -> StageConfig.parse("prod", silent))
                .hasMessageContaining("stage 'prod': 'paging' is true but 'alarmEmails' is empty");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stages(String... names) {
        Map<String, Object> all = (Map<String, Object>) ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY);
        Map<String, Object> result = new LinkedHashMap<>();
        for (String name : names) {
            result.put(name, all.get(name.equals("production") ? "prod" : name));
        }
        return result;
    }

    @Test
    void prodMustBeListedLastBecauseThePipelineDeploysTheStagesInThatOrder() {
        // what a JSON formatter that sorts keys makes of cdk.json: prod would be released before staging
        assertThatThrownBy(() -> StageConfig.parseAll(stages("dev", "prod", "staging")))
                .isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessage("cdk.json context 'serverlesskit:stages': 'prod' must be the last stage, since the pipeline"
                        + " deploys the stages in the order they are listed (got [dev, prod, staging])");
        assertThatThrownBy(() -> StageConfig.parseAll(stages("dev", "staging", "production")))
                .isInstanceOf(StageConfig.StageConfigException.class)
                .hasMessageStartingWith("cdk.json context 'serverlesskit:stages' has no stage named 'prod'"
                        + " (got [dev, staging, production])");
        assertThat(StageConfig.parseAll(stages("dev", "staging", "prod"))).extracting(StageConfig::name)
                .containsExactly("dev", "staging", "prod");
    }

    @Test
    void stagesMustBeAnObject() {
        assertThatThrownBy(() -> StageConfig.parseAll(null))
                .hasMessageContaining("cdk.json context 'serverlesskit:stages' must be an object of stages by name");
    }
}
