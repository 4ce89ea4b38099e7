package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Role;

/** Interfaces and imports: what teams bring from elsewhere, and one operations stack for many. */
class ImportsTest {
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall";

    private static Stack sibling(Stack stack, String id) {
        return new Stack((App) stack.getNode().getScope(), id, StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build());
    }

    @Test
    void oneOperationsStackServesOtherStacksWithoutACycle() {
        Stack opsStack = TestStacks.stack();
        Operations ops = new Operations(opsStack, "Ops", null);
        Stack service = sibling(opsStack, "Service");
        new JavaFunction(service, "Fn", TestStacks.function().operations(ops).build());
        new DataTable(service, "Table", DataTableProps.builder()
                .partitionKey(software.amazon.awscdk.services.dynamodb.Attribute.builder().name("id")
                        .type(software.amazon.awscdk.services.dynamodb.AttributeType.STRING).build())
                .operations(ops).build());

        // before: the hub's dashboard referenced the service's alarms and the alarms the hub's topic, a cycle
        Template serviceTemplate = Template.fromStack(service);
        Template opsTemplate = Template.fromStack(opsStack);
        serviceTemplate.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        serviceTemplate.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(Map.of("Fn::ImportValue", Match.stringLikeRegexp(".*AlarmTopic.*")))));
        assertThat(opsTemplate.toJSON().toString()).doesNotContain("Fn::ImportValue");
        assertThat(ops.getAlarms()).hasSize(6);
    }

    @Test
    void anOperationsHubOfAnotherAppIsImportedFromItsTopic() {
        Stack stack = TestStacks.stack();
        IOperations ops = Operations.fromTopicArn(stack, "Ops", TOPIC);
        new JavaFunction(stack, "Fn", TestStacks.function().operations(ops).build());
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::SNS::Topic", 0);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(TOPIC), "OKActions", List.of(TOPIC)));
        assertThatThrownBy(() -> Operations.fromTopicArn(TestStacks.stack(), "Bad", "oncall"))
                .hasMessageStartingWith("Test/Bad: Operations.fromTopicArn(topicArn) must be an SNS topic ARN");
    }

    @Test
    void aFunctionRunsWithARoleOfYourOwn() {
        Stack stack = TestStacks.stack();
        String arn = "arn:aws:iam::123456789012:role/platform/orders-fn";
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function()
                .role(Role.fromRoleArn(stack, "PlatformRole", arn)).build());
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::IAM::Role", 0);
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Role", arn));
        // the log group and X-Ray grants still reach it
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("Roles", List.of("orders-fn")));
        assertThat(fn.getRole().getRoleArn()).isEqualTo(arn);
    }

    @Test
    void anImportedUserPoolServesGroupRoutesWithTheGroupsItIsSaidToHave() {
        Stack stack = TestStacks.stack();
        IUserDirectory users = UserDirectory.fromUserPool(stack, "Users",
                UserPool.fromUserPoolId(stack, "Pool", "eu-west-1_abc123"), List.of("admins"));
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());
        ServerlessApi api = new ServerlessApi(stack, "Api", ServerlessApiProps.builder().userDirectory(users).build());
        api.addRoute("POST", "/things", fn, RouteAccess.groups("admins"));
        assertThatThrownBy(() -> api.addRoute("DELETE", "/things", fn, RouteAccess.groups("editors")))
                .hasMessageContaining("requires group 'editors'").hasMessageContaining("[admins]");
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::Cognito::UserPool", 0);
        template.hasResourceProperties("AWS::ApiGateway::Authorizer", Map.of(
                "ProviderARNs", List.of(Match.stringLikeRegexp(".*userpool/eu-west-1_abc123"))));
    }

    @Test
    void anExistingTableGetsTheLibrarysAlarms() {
        Stack stack = TestStacks.stack();
        Operations ops = new Operations(stack, "Ops", null);
        IDataTable orders = DataTable.fromTable(stack, "Orders", Table.fromTableName(stack, "Existing", "orders"),
                ops);
        Template template = Template.fromStack(stack);
        assertThat(orders.getAlarms()).hasSize(2);
        template.resourceCountIs("AWS::DynamoDB::Table", 0);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmDescription", Match.stringLikeRegexp("DynamoDB throttled requests \\(Test/Orders\\)"),
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("OpsAlarmTopic.*")))));
    }
}
