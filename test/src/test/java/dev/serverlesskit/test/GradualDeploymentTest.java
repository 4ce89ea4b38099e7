package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every stage deploys every function through CodeDeploy with the traffic shifting its {@code cdk.json}
 * {@code deployment} declares, and rolls back on that function's own errors, throttles and duration alarms.
 */
class GradualDeploymentTest {

    @ParameterizedTest
    @CsvSource({
            "dev, CodeDeployDefault.LambdaAllAtOnce",
            "staging, CodeDeployDefault.LambdaCanary10Percent5Minutes",
            "prod, CodeDeployDefault.LambdaCanary10Percent10Minutes"})
    void everyAliasIsShiftedByCodeDeployWithTheStagesConfigurationAndRollsBackOnItsFunctionsAlarms(
            String stage, String deploymentConfig) {
        CfnTemplate t = new CfnTemplate(Synthesis.shared().templateJson(stage));
        Map<String, JsonNode> aliases = new java.util.LinkedHashMap<>(t.ofType("AWS::Lambda::Alias"));
        // the deployment checks themselves are not deployed gradually: the hook is invoked unpublished, and the
        // synthetic check has no probe of its own
        aliases.keySet().removeIf(id -> id.startsWith("PreTrafficHook") || id.startsWith("SyntheticCheck"));
        Map<String, JsonNode> groups = t.ofType("AWS::CodeDeploy::DeploymentGroup");
        assertThat(t.ofType("AWS::CodeDeploy::Application")).hasSize(1);
        assertThat(aliases).hasSize(8);
        assertThat(groups).hasSameSizeAs(aliases);

        for (Map.Entry<String, JsonNode> alias : aliases.entrySet()) {
            JsonNode update = alias.getValue().path("UpdatePolicy").path("CodeDeployLambdaAliasUpdate");
            assertThat(update.isObject()).as(alias.getKey() + " has a CodeDeploy update policy").isTrue();
            String groupId = update.path("DeploymentGroupName").path("Ref").asText();
            JsonNode group = t.resource(groupId).path("Properties");
            assertThat(group.path("DeploymentConfigName").asText()).as(groupId).isEqualTo(deploymentConfig);
            assertThat(CfnTemplate.strings(group.path("AutoRollbackConfiguration").path("Events"))).as(groupId)
                    .containsExactlyInAnyOrder("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM");

            String function = t.resource(alias.getKey()).path("Properties").path("FunctionName").path("Ref").asText();
            List<String> rollbackMetrics = new ArrayList<>();
            for (JsonNode a : group.path("AlarmConfiguration").path("Alarms")) {
                JsonNode alarm = t.resource(a.path("Name").path("Ref").asText()).path("Properties");
                assertThat(CfnTemplate.references(alarm.path("Dimensions"))).as(groupId).containsExactly(function);
                rollbackMetrics.add(alarm.path("MetricName").asText());
            }
            assertThat(new TreeSet<>(rollbackMetrics)).as(groupId).containsExactly("Duration", "Errors", "Throttles");
        }
    }
}
