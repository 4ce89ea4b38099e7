package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** Every construct with its defaults, checked by cdk-nag and for IAM wildcards. */
class SecurityComplianceTest {
    private static Stack stack;

    @BeforeAll
    static void everyConstructWithDefaults() {
        stack = TestStacks.stack();
        Operations ops = new Operations(stack, "Ops", OperationsProps.builder()
                .alarmEmails(List.of("oncall@example.com")).build());
        UserDirectory users = new UserDirectory(stack, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins")).operations(ops).build());
        DataTable table = new DataTable(stack, "Table", DataTableProps.builder()
                .partitionKey(software.amazon.awscdk.services.dynamodb.Attribute.builder().name("id")
                        .type(software.amazon.awscdk.services.dynamodb.AttributeType.STRING).build())
                .operations(ops).build());
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().operations(ops).build());
        table.getTable().grantReadData(fn);
        QueueWorker worker = new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().build()).operations(ops).build());
        worker.getQueue().grantSendMessages(fn);
        ServerlessApi api = new ServerlessApi(stack, "Api", ServerlessApiProps.builder()
                .userDirectory(users).operations(ops).build());
        api.addRoute("GET", "/items", fn.getAlias(), RouteAccess.publicAccess("a public catalog"));
        api.addRoute("POST", "/items", fn.getAlias(), RouteAccess.groups("admins"));
        // the other kinds of access, in an API of their own without a user pool
        JavaFunction decide = new JavaFunction(stack, "Decide", TestStacks.function().operations(ops).build());
        ServerlessApi partners = new ServerlessApi(stack, "PartnerApi", ServerlessApiProps.builder()
                .cloudWatchRole(false).operations(ops).build());
        partners.addRoute("GET", "/internal", fn, RouteAccess.iam());
        // service to service: the grant's wildcard (the path parameter) is acknowledged on the caller's policy only
        partners.addRoute("GET", "/internal/{id}", fn, RouteAccess.iam());
        partners.grantInvoke(decide, "GET", "/internal/{id}");
        partners.addRoute("GET", "/partner", fn, RouteAccess.lambdaAuthorizer(
                LambdaAuthorizer.builder().name("partners").handler(decide).build()),
                RouteOptions.builder().apiKeyRequired(true).build());
        partners.addUsagePlan("Plan", null);
        JavaFunction hook = new JavaFunction(stack, "Hook", TestStacks.function()
                .timeout(software.amazon.awscdk.Duration.seconds(30)).operations(ops).build());
        JavaFunction gradual = new JavaFunction(stack, "Gradual", TestStacks.function().operations(ops)
                .deploymentPreference(DeploymentPreference.builder()
                        .trafficShifting(TrafficShifting.canary(20, software.amazon.awscdk.Duration.minutes(4)))
                        .preTrafficHook(hook.getFunction()).postTrafficHook(hook.getFunction()).build())
                .build());
        api.addRoute("GET", "/gradual", gradual.getAlias(), RouteAccess.authenticated());
    }

    @Test
    void awsSolutionsPackFindsNothingUnacknowledged() {
        assertThat(findings(new AwsSolutionsChecks())).isEmpty();
    }

    @Test
    void serverlessPackFindsNothingUnacknowledged() {
        assertThat(findings(new ServerlessChecks())).isEmpty();
    }

    @Test
    void noIamStatementHasAWildcardActionAndOnlyXrayUsesAWildcardResource() {
        Map<String, Map<String, Object>> policies = Template.fromStack(stack).findResources("AWS::IAM::Policy");
        assertThat(policies).isNotEmpty();
        List<String> wildcardResourceActions = new ArrayList<>();
        for (Map<String, Object> policy : policies.values()) {
            for (Map<String, Object> statement : IamStatements.of(policy)) {
                assertThat(IamStatements.actions(statement)).noneMatch(action -> action.contains("*"));
                if (IamStatements.resources(statement).contains("*")) {
                    wildcardResourceActions.addAll(IamStatements.actions(statement));
                }
            }
        }
        assertThat(wildcardResourceActions).isNotEmpty()
                .allMatch(action -> action.equals("xray:PutTraceSegments") || action.equals("xray:PutTelemetryRecords"));
    }

    private static List<String> findings(NagPack pack) {
        List<String> result = new ArrayList<>();
        for (PolicyViolation violation : pack.validateScope(stack).getViolations()) {
            for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                result.add(violation.getRuleName() + " " + resource.getConstructPath());
            }
        }
        return result;
    }
}
