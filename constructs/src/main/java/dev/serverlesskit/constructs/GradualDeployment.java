package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.codedeploy.AutoRollbackConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.IVersion;
import software.constructs.Construct;

/**
 * Builds a {@link JavaFunction}'s CodeDeploy deployment group from its {@link DeploymentPreference}, after
 * checking what CloudFormation and CodeDeploy would only reject during a deployment.
 */
final class GradualDeployment {
    /** CodeDeploy's limit of alarms per deployment group. */
    static final int MAX_ALARMS = 10;
    private static final String PROP = "JavaFunctionProps.deploymentPreference";

    private GradualDeployment() {
    }

    static LambdaDeploymentGroup create(Construct owner, IFunction function, Alias alias, IVersion version,
                                        Duration functionTimeout,
                                        List<IAlarm> functionAlarms, DeploymentPreference preference) {
        String path = owner.getNode().getPath();
        TrafficShifting shifting = Check.required(owner, PROP + ".trafficShifting", preference.getTrafficShifting());
        Stack stack = Stack.of(owner);

        List<IAlarm> alarms = new ArrayList<>();
        if (Check.or(preference.getRollbackOnFunctionAlarms(), true)) {
            alarms.addAll(functionAlarms);
        }
        List<IAlarm> extra = Check.or(preference.getAlarms(), List.of());
        for (int i = 0; i < extra.size(); i++) {
            IAlarm alarm = Check.required(owner, PROP + ".alarms[" + i + "]", extra.get(i));
            checkSameStackAndEnvironment(owner, stack, alarm, PROP + ".alarms[" + i + "] of " + path);
            alarms.add(alarm);
        }
        Check.that(owner, alarms.size() <= MAX_ALARMS, PROP + " of " + path + " watches " + alarms.size()
                + " alarms; CodeDeploy allows at most " + MAX_ALARMS + " per deployment group");

        Map<String, IFunction> hooks = new LinkedHashMap<>();
        if (preference.getPreTrafficHook() != null) {
            hooks.put("preTrafficHook", preference.getPreTrafficHook());
        }
        if (preference.getPostTrafficHook() != null) {
            hooks.put("postTrafficHook", preference.getPostTrafficHook());
        }
        hooks.forEach((name, hook) -> checkHook(owner, PROP + "." + name + " of " + path, hook, functionTimeout));

        // CDK's deployment group attaches the AWS managed AWSCodeDeployRoleForLambdaLimited to its role; that
        // policy cannot be scoped or acknowledged, so the group gets a view of this role that ignores additions
        // and the role gets exactly what CodeDeploy calls, below.
        Role role = Role.Builder.create(owner, "DeploymentRole")
                .assumedBy(new ServicePrincipal("codedeploy.amazonaws.com"))
                .description("CodeDeploy's role for " + path + ": shifts its alias, reads its rollback alarms,"
                        + " invokes its hooks")
                .build();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"))
                // the alias's ARN without a reference to the alias, which must wait for this policy (below)
                .resources(List.of(function.getFunctionArn() + ":" + alias.getAliasName()))
                .build());
        if (!alarms.isEmpty()) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("cloudwatch:DescribeAlarms"))
                    .resources(alarms.stream().map(IAlarm::getAlarmArn).toList())
                    .build());
        }
        if (!hooks.isEmpty()) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("lambda:InvokeFunction"))
                    .resources(hooks.values().stream().map(IFunction::getFunctionArn).distinct().toList())
                    .build());
        }

        LambdaDeploymentGroup group = LambdaDeploymentGroup.Builder.create(owner, "DeploymentGroup")
                .alias(alias)
                .application(preference.getApplication())
                .deploymentConfig(shifting.toDeploymentConfig(owner, "DeploymentConfig"))
                .role(role.withoutPolicyUpdates())
                .alarms(alarms)
                .autoRollback(AutoRollbackConfig.builder()
                        .failedDeployment(true)
                        .stoppedDeployment(false)
                        .deploymentInAlarm(!alarms.isEmpty())
                        .build())
                .preHook(preference.getPreTrafficHook())
                .postHook(preference.getPostTrafficHook())
                .build();
        // the deployment starts when CloudFormation updates the alias: CodeDeploy's permissions must be in place
        alias.getNode().getDefaultChild().getNode().addDependency(role);
        // each hook may call the new version it checks, and nothing else of the function
        for (IFunction hook : hooks.values()) {
            Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                    .grantee(hook)
                    .actions(List.of("lambda:InvokeFunction"))
                    .resourceArns(List.of(version.getFunctionArn()))
                    .build());
        }
        return group;
    }

    private static void checkHook(Construct owner, String prop, IFunction hook, Duration functionTimeout) {
        Check.that(owner, !(hook instanceof IAlias) && !(hook instanceof IVersion), prop + " must be a function, not an"
                + " alias or version (got " + hook.getNode().getPath() + "): CodeDeploy invokes a hook by its function"
                + " name, so a hook runs unpublished and without SnapStart; the published versions SnapStart needs are"
                + " those of the function being deployed");
        if (hook instanceof Function f) {
            Duration hookTimeout = Check.or(f.getTimeout(), Duration.seconds(3));
            if (!hookTimeout.isUnresolved() && !functionTimeout.isUnresolved()) {
                double hookSeconds = hookTimeout.toSeconds().doubleValue();
                double functionSeconds = functionTimeout.toSeconds().doubleValue();
                Check.that(owner, hookSeconds > functionSeconds, prop + ": the hook's timeout (" + (long) hookSeconds
                        + " s) must be longer than the function's (" + (long) functionSeconds + " s), so that it can"
                        + " wait for the new version's answer and still report to CodeDeploy");
            }
        }
    }

    private static void checkSameStackAndEnvironment(Construct owner, Stack stack, IAlarm alarm, String prop) {
        Stack alarmStack = alarm.getStack();
        Check.that(owner, alarmStack == stack, prop + " (" + alarm.getNode().getPath() + ") must be defined in the"
                + " function's stack " + stack.getNode().getPath() + " (it is in " + alarmStack.getNode().getPath()
                + "): CodeDeploy reads alarms by name in the deployment's account and region, and a reference across"
                + " stacks would tie their deployments together");
        // an imported alarm keeps its account and region only in its ARN
        String arn = alarm.getAlarmArn();
        String[] parts = Token.isUnresolved(arn) ? new String[0] : arn.split(":", 6);
        String account = parts.length == 6 ? parts[4] : alarm.getEnv().getAccount();
        String region = parts.length == 6 ? parts[3] : alarm.getEnv().getRegion();
        boolean sameAccount = Token.isUnresolved(account) || Token.isUnresolved(stack.getAccount())
                || account.equals(stack.getAccount());
        boolean sameRegion = Token.isUnresolved(region) || Token.isUnresolved(stack.getRegion())
                || region.equals(stack.getRegion());
        Check.that(owner, sameAccount && sameRegion, prop + " (" + alarm.getAlarmArn() + ") must be in the function's"
                + " account and region (" + stack.getAccount() + ", " + stack.getRegion() + "): CodeDeploy reads"
                + " alarms where it deploys");
    }
}
