package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.lambda.Function;

class DeploymentPreferenceTest {

    private static DeploymentPreference.Builder canary() {
        return DeploymentPreference.builder().trafficShifting(TrafficShifting.canary(10, Duration.minutes(5)));
    }

    private static Alarm alarm(Stack stack, String id) {
        return Alarm.Builder.create(stack, id).threshold(1).evaluationPeriods(1)
                .metric(Metric.Builder.create().namespace("Shop").metricName(id).build()).build();
    }

    private static String logicalId(Stack stack, software.constructs.IConstruct c) {
        return stack.getLogicalId((software.amazon.awscdk.CfnElement) c.getNode().getDefaultChild());
    }

    @Test
    void canaryShiftsTheAliasThroughCodeDeployAndRollsBackOnErrorsThrottlesAndDurationAlarms() {
        Stack stack = TestStacks.stack();
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().deploymentPreference(canary().build()).build());
        Template template = Template.fromStack(stack);

        List<Object> rollbackAlarms = new ArrayList<>();
        for (String kind : List.of("Errors", "Throttles", "Duration")) {
            Alarm a = fn.getAlarms().stream().filter(x -> x.getNode().getId().equals(kind + "Alarm")).findFirst().orElseThrow();
            rollbackAlarms.add(Map.of("Name", Map.of("Ref", logicalId(stack, a))));
        }
        template.resourceCountIs("AWS::CodeDeploy::Application", 1);
        template.hasResourceProperties("AWS::CodeDeploy::Application", Map.of("ComputePlatform", "Lambda"));
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of(
                "DeploymentConfigName", "CodeDeployDefault.LambdaCanary10Percent5Minutes",
                "AlarmConfiguration", Map.of("Enabled", true, "Alarms", Match.exact(rollbackAlarms)),
                "AutoRollbackConfiguration", Map.of("Enabled", true,
                        "Events", Match.exact(List.of("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM")))));
        template.hasResource("AWS::Lambda::Alias", Map.of("UpdatePolicy", Map.of("CodeDeployLambdaAliasUpdate",
                Map.of("DeploymentGroupName", Map.of("Ref", logicalId(stack, fn.getDeploymentGroup())),
                        "BeforeAllowTrafficHook", Match.absent()))));
        assertThat(fn.getDeploymentGroup()).isNotNull();
    }

    @Test
    void withoutAPreferenceCloudFormationMovesTheAliasAndNoCodeDeployResourceExists() {
        Stack stack = TestStacks.stack();
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());
        Template template = Template.fromStack(stack);

        template.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 0);
        template.hasResource("AWS::Lambda::Alias", Map.of("UpdatePolicy", Match.absent()));
        assertThat(fn.getDeploymentGroup()).isNull();
    }

    @Test
    void predefinedConfigurationsAreUsedWhenTheyMatchAndCustomOnesOtherwise() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Once", TestStacks.function().deploymentPreference(DeploymentPreference.builder()
                .trafficShifting(TrafficShifting.allAtOnce()).build()).build());
        new JavaFunction(stack, "Linear", TestStacks.function().deploymentPreference(DeploymentPreference.builder()
                .trafficShifting(TrafficShifting.linear(10, Duration.minutes(1))).build()).build());
        new JavaFunction(stack, "Canary25", TestStacks.function().deploymentPreference(DeploymentPreference.builder()
                .trafficShifting(TrafficShifting.canary(25, Duration.minutes(7))).build()).build());
        new JavaFunction(stack, "Linear20", TestStacks.function().deploymentPreference(DeploymentPreference.builder()
                .trafficShifting(TrafficShifting.linear(20, Duration.minutes(2))).build()).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup",
                Map.of("DeploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce"));
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup",
                Map.of("DeploymentConfigName", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));
        template.resourceCountIs("AWS::CodeDeploy::DeploymentConfig", 2);
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentConfig", Map.of("ComputePlatform", "Lambda",
                "TrafficRoutingConfig", Map.of("Type", "TimeBasedCanary",
                        "TimeBasedCanary", Map.of("CanaryPercentage", 25, "CanaryInterval", 7))));
        template.hasResourceProperties("AWS::CodeDeploy::DeploymentConfig", Map.of(
                "TrafficRoutingConfig", Map.of("Type", "TimeBasedLinear",
                        "TimeBasedLinear", Map.of("LinearPercentage", 20, "LinearInterval", 2))));
    }

    @Test
    void callerAlarmsAreAddedAndFunctionAlarmsCanBeLeftOut() {
        Stack stack = TestStacks.stack();
        Alarm business = alarm(stack, "CheckoutFailures");
        new JavaFunction(stack, "Fn", TestStacks.function().deploymentPreference(canary()
                .alarms(List.of(business)).rollbackOnFunctionAlarms(false).build()).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::CodeDeploy::DeploymentGroup", Map.of("AlarmConfiguration", Map.of(
                "Alarms", Match.exact(List.of(Map.of("Name", Map.of("Ref", logicalId(stack, business))))))));
    }

    @Test
    void codeDeploysRoleHasNoManagedPolicyAndOnlyItsAliasItsAlarmsAndItsHooks() {
        Stack stack = TestStacks.stack();
        Function hook = new JavaFunction(stack, "Hook", TestStacks.function().timeout(Duration.seconds(30)).build())
                .getFunction();
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().preTrafficHook(hook).build()).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::IAM::Role", Map.of(
                "AssumeRolePolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "codedeploy.amazonaws.com"))))),
                "ManagedPolicyArns", Match.absent()));
        String hookId = logicalId(stack, hook);
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", logicalId(stack, fn.getNode().findChild("DeploymentRole")))),
                "PolicyDocument", Map.of("Statement", Match.exact(List.of(
                        Map.of("Effect", "Allow", "Action", List.of("lambda:GetAlias", "lambda:UpdateAlias",
                                "lambda:GetProvisionedConcurrencyConfig"), "Resource", Map.of("Fn::Join", List.of("", List.of(
                                Map.of("Fn::GetAtt", List.of(logicalId(stack, fn.getFunction()), "Arn")), ":live")))),
                        Map.of("Effect", "Allow", "Action", "cloudwatch:DescribeAlarms", "Resource", List.of(
                                Map.of("Fn::GetAtt", List.of(logicalId(stack, fn.getAlarms().get(0)), "Arn")),
                                Map.of("Fn::GetAtt", List.of(logicalId(stack, fn.getAlarms().get(1)), "Arn")),
                                Map.of("Fn::GetAtt", List.of(logicalId(stack, fn.getAlarms().get(2)), "Arn")))),
                        Map.of("Effect", "Allow", "Action", "lambda:InvokeFunction",
                                "Resource", Map.of("Fn::GetAtt", List.of(hookId, "Arn"))))))));
        template.hasResource("AWS::Lambda::Alias", Map.of(
                "UpdatePolicy", Map.of("CodeDeployLambdaAliasUpdate", Map.of("BeforeAllowTrafficHook", Map.of("Ref", hookId))),
                "DependsOn", Match.arrayWith(List.of(logicalId(stack, ((software.amazon.awscdk.services.iam.Role)
                        fn.getNode().findChild("DeploymentRole")).getNode().findChild("DefaultPolicy"))))));
    }

    @Test
    void aHookMayInvokeExactlyTheNewVersionAndReportToItsDeploymentGroup() {
        Stack stack = TestStacks.stack();
        JavaFunction hook = new JavaFunction(stack, "Hook", TestStacks.function().timeout(Duration.seconds(30)).build());
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().postTrafficHook(hook.getFunction()).build()).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", logicalId(stack, hook.getRole()))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Map.of("Effect", "Allow", "Action", "codedeploy:PutLifecycleEventHookExecutionStatus",
                                "Resource", Match.anyValue()),
                        Map.of("Effect", "Allow", "Action", "lambda:InvokeFunction",
                                "Resource", stack.resolve(fn.getCurrentVersionArn())))))));
        template.hasResource("AWS::Lambda::Alias", Map.of("UpdatePolicy", Map.of("CodeDeployLambdaAliasUpdate",
                Map.of("AfterAllowTrafficHook", Map.of("Ref", logicalId(stack, hook.getFunction()))))));
    }

    @Test
    void aHookWhoseTimeoutDoesNotExceedTheFunctionsFailsNamingTheConstructPath() {
        Stack stack = TestStacks.stack();
        Function hook = new JavaFunction(stack, "Hook", TestStacks.function().timeout(Duration.seconds(10)).build())
                .getFunction();
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function().timeout(Duration.seconds(10))
                .deploymentPreference(canary().preTrafficHook(hook).build()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JavaFunctionProps.deploymentPreference.preTrafficHook of Test/Fn")
                .hasMessageContaining("timeout (10 s) must be longer than the function's (10 s)");
    }

    @Test
    void aHookThatIsAnAliasFails() {
        Stack stack = TestStacks.stack();
        JavaFunction hook = new JavaFunction(stack, "Hook", TestStacks.function().timeout(Duration.seconds(30)).build());
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().postTrafficHook(hook.getAlias()).build()).build()))
                .hasMessageContaining("postTrafficHook of Test/Fn must be a function, not an alias or version");
    }

    @Test
    void anAlarmFromAnotherStackFailsNamingBothPaths() {
        Stack stack = TestStacks.stack();
        Stack other = new Stack((App) stack.getNode().getScope(), "Other", software.amazon.awscdk.StackProps.builder()
                .env(software.amazon.awscdk.Environment.builder().account("123456789012").region("eu-west-1").build())
                .build());
        Alarm foreign = alarm(other, "Foreign");
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().alarms(List.of(foreign)).build()).build()))
                .hasMessageContaining("JavaFunctionProps.deploymentPreference.alarms[0] of Test/Fn (Other/Foreign)")
                .hasMessageContaining("must be defined in the function's stack Test");
    }

    @Test
    void anImportedAlarmMustBeInTheFunctionsAccountAndRegionUnlessItIsAToken() {
        Stack stack = TestStacks.stack();
        IAlarm elsewhere = Alarm.fromAlarmArn(stack, "Elsewhere", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x");
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().alarms(List.of(elsewhere)).build()).build()))
                .hasMessageContaining("alarms[0] of Test/Fn (arn:aws:cloudwatch:us-east-1:123456789012:alarm:x) must be"
                        + " in the function's account and region (123456789012, eu-west-1)");

        Stack agnostic = new Stack(new App(), "Agnostic");
        IAlarm imported = Alarm.fromAlarmName(agnostic, "ByName", "checkout-failures");
        new JavaFunction(agnostic, "Fn", TestStacks.function()
                .deploymentPreference(canary().alarms(List.of(imported)).build()).build());
        Template.fromStack(agnostic).resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 1);
    }

    @Test
    void moreThanTenAlarmsFail() {
        Stack stack = TestStacks.stack();
        List<Alarm> many = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            many.add(alarm(stack, "A" + i));
        }
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function()
                .deploymentPreference(canary().alarms(many).build()).build()))
                .hasMessageContaining("Test/Fn watches 11 alarms; CodeDeploy allows at most 10");
    }

    @Test
    void trafficShiftingRejectsPercentagesAndIntervalsCodeDeployRejects() {
        assertThatThrownBy(() -> TrafficShifting.canary(0, Duration.minutes(5)))
                .hasMessage("TrafficShifting.canary percentage must be between 1 and 99 (got 0)");
        assertThatThrownBy(() -> TrafficShifting.linear(100, Duration.minutes(5)))
                .hasMessage("TrafficShifting.linear percentage must be between 1 and 99 (got 100)");
        assertThatThrownBy(() -> TrafficShifting.canary(10, Duration.seconds(90)))
                .hasMessageContaining("TrafficShifting.canary interval must be whole minutes (got 1 minute 30 seconds)");
        assertThatThrownBy(() -> TrafficShifting.linear(10, Duration.days(3)))
                .hasMessage("TrafficShifting.linear interval (minutes) must be between 1 and 2880 (got 4320)");
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function()
                .deploymentPreference(DeploymentPreference.builder().build()).build()))
                .hasMessage("Test/Fn: JavaFunctionProps.deploymentPreference.trafficShifting is required");
        assertThat(TrafficShifting.linear(10, Duration.minutes(3)).shiftMinutes()).isEqualTo(27);
        assertThat(TrafficShifting.canary(10, Duration.minutes(5)).shiftMinutes()).isEqualTo(5);
        assertThat(TrafficShifting.canary(10, Duration.minutes(5))).hasToString("canary 10% for 5 minutes");
    }
}
