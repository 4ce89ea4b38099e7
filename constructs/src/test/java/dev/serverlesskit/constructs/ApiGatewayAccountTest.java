package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;

/**
 * The account-wide API Gateway CloudWatch setting: one per stack however many APIs it has, nag clean in an
 * environment-agnostic stack (what {@code cdk init} gives) as in an environment-specific one, kept on deletion,
 * and left alone when {@code cloudWatchRole} is false.
 */
class ApiGatewayAccountTest {

    private static Stack agnosticStack() throws Exception {
        App app = new App(AppProps.builder().outdir(Files.createTempDirectory("cdk-test").toString()).build());
        return new Stack(app, "Agnostic");
    }

    /** Two APIs with a route each, as an app with a public and an admin API would have. */
    private static List<ServerlessApi> twoApis(Stack stack, ServerlessApiProps.Builder... props) {
        UserDirectory users = new UserDirectory(stack, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins")).build());
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());
        List<ServerlessApi> apis = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ServerlessApiProps.Builder b = props.length > i ? props[i] : ServerlessApiProps.builder();
            ServerlessApi api = new ServerlessApi(stack, "Api" + i, b.userDirectory(users).build());
            api.addRoute("GET", "/items", fn.getAlias(), RouteAccess.groups("admins"));
            apis.add(api);
        }
        return apis;
    }

    @Test
    void anEnvironmentAgnosticStackWithTwoApisIsNagCleanWithOneAccountSetting() throws Exception {
        Stack stack = agnosticStack();
        List<ServerlessApi> apis = twoApis(stack);
        assertThat(findings(stack)).isEmpty();
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::ApiGateway::Account", 1);
        assertThat(apis.get(0).getAccountLoggingRole()).isSameAs(apis.get(1).getAccountLoggingRole());
        template.hasResource("AWS::IAM::Role", Map.of("DeletionPolicy", "Retain",
                "Properties", Map.of("AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("Service", "apigateway.amazonaws.com")))))));
        // both stages wait for the setting: a stage with logging cannot deploy before it
        template.findResources("AWS::ApiGateway::Stage").values().forEach(stage ->
                assertThat(stage.get("DependsOn").toString()).contains("ServerlessKitApiGatewayAccount"));
    }

    @Test
    void anEnvironmentSpecificStackWithTwoApisIsNagCleanWithOneAccountSetting() {
        Stack stack = TestStacks.stack();
        twoApis(stack);
        assertThat(findings(stack)).isEmpty();
        Template.fromStack(stack).resourceCountIs("AWS::ApiGateway::Account", 1);
    }

    @Test
    void stacksWhoseAccountAlreadyHasTheSettingLeaveItAlone() throws Exception {
        Stack stack = agnosticStack();
        List<ServerlessApi> apis = twoApis(stack, ServerlessApiProps.builder().cloudWatchRole(false),
                ServerlessApiProps.builder().cloudWatchRole(false));
        assertThat(findings(stack)).isEmpty();
        Template.fromStack(stack).resourceCountIs("AWS::ApiGateway::Account", 0);
        assertThat(apis.get(0).getAccountLoggingRole()).isNull();
    }

    @Test
    void apisSharingTheSettingMustAgreeOnItsRemovalPolicy() throws Exception {
        Stack stack = agnosticStack();
        assertThatThrownBy(() -> twoApis(stack,
                ServerlessApiProps.builder().cloudWatchRoleRemovalPolicy(RemovalPolicy.DESTROY),
                ServerlessApiProps.builder()))
                .hasMessageContaining("ServerlessApiProps.cloudWatchRoleRemovalPolicy");
    }

    private static List<String> findings(Stack stack) {
        List<String> result = new ArrayList<>();
        for (NagPack pack : List.<NagPack>of(new AwsSolutionsChecks(), new ServerlessChecks())) {
            for (PolicyViolation violation : pack.validateScope(stack).getViolations()) {
                for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                    result.add(violation.getRuleName() + " " + resource.getConstructPath());
                }
            }
        }
        return result;
    }
}
