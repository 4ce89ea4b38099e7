package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;

/**
 * Invalid props fail with a {@link ValidationError} whose message starts with the construct path and names the
 * prop; values only known at deployment (tokens) pass every check and synthesize.
 */
class ValidationTest {
    private static final Attribute ID = Attribute.builder().name("id").type(AttributeType.STRING).build();

    private static CfnParameter number(Stack stack, String id) {
        return CfnParameter.Builder.create(stack, id).type("Number").build();
    }

    @Test
    void errorsStartWithTheConstructPathAndNameTheProp() {
        Stack stack = TestStacks.stack();
        software.constructs.Construct service = new software.constructs.Construct(stack, "Orders");
        assertThatThrownBy(() -> new JavaFunction(service, "Fn", TestStacks.function().reservedConcurrency(0).build()))
                .isInstanceOfSatisfying(ValidationError.class, e -> {
                    assertThat(e.getConstructPath()).isEqualTo("Test/Orders/Fn");
                    assertThat(e.getProblem()).startsWith("JavaFunctionProps.reservedConcurrency must be greater");
                })
                .hasMessageStartingWith("Test/Orders/Fn: JavaFunctionProps.reservedConcurrency");
    }

    @Test
    void anAlarmThresholdAtOrBelowZeroFailsNamingTheProp() {
        // every alarm compares >= its threshold: at 0 it would be in alarm whenever the metric has data (0 errors)
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().errorsAlarmThreshold(0).build()))
                .hasMessageStartingWith("Test/Fn: JavaFunctionProps.errorsAlarmThreshold must be greater than 0 (got 0)");
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder().partitionKey(ID)
                .throttleAlarmThreshold(-1).build()))
                .hasMessageStartingWith("Test/Table: DataTableProps.throttleAlarmThreshold must be greater than 0");
        assertThatThrownBy(() -> new UserDirectory(TestStacks.stack(), "Users", UserDirectoryProps.builder()
                .signInThrottleAlarmThreshold(0).build()))
                .hasMessageStartingWith("Test/Users: UserDirectoryProps.signInThrottleAlarmThreshold must be greater");
        assertThatThrownBy(() -> new ServerlessApi(TestStacks.stack(), "Api", ServerlessApiProps.builder()
                .serverErrorAlarmThreshold(0).build()))
                .hasMessageStartingWith("Test/Api: ServerlessApiProps.serverErrorAlarmThreshold must be greater");
        assertThatThrownBy(() -> new ServerlessApi(TestStacks.stack(), "Api", ServerlessApiProps.builder()
                .latencyAlarmThreshold(Duration.millis(0)).build()))
                .hasMessageStartingWith("Test/Api: ServerlessApiProps.latencyAlarmThreshold (ms) must be greater");
        new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function().errorsAlarmThreshold(0.5).build());
    }

    @Test
    void anEnvironmentThatSetsOneOfTheKitsOwnVariablesFailsNamingThePropToUse() {
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function()
                .environment(java.util.Map.of("SERVICE_NAME", "orders")).build()))
                .hasMessageStartingWith("Test/Fn: JavaFunctionProps.environment sets SERVICE_NAME")
                .hasMessageContaining("use JavaFunctionProps.serviceName");
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function()
                .environment(java.util.Map.of(RouteAccess.ENVIRONMENT_VARIABLE, "{}")).build()))
                .hasMessageContaining("sets SERVERLESSKIT_ROUTE_ACCESS");
        new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function()
                .environment(java.util.Map.of("ORDERS_TABLE", "orders")).build());
    }

    @Test
    void aSnapshotRemovalPolicyFailsNamingThePropOrTheStageProfile() {
        // none of the library's resources supports SNAPSHOT: CloudFormation would refuse the template
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder().partitionKey(ID)
                .removalPolicy(RemovalPolicy.SNAPSHOT).build()))
                .hasMessageStartingWith("Test/Table: DataTableProps.removalPolicy cannot be SNAPSHOT");
        Stack profiled = TestStacks.stack();
        StageProfile.apply(profiled, StageProfile.builder().removalPolicy(RemovalPolicy.SNAPSHOT).build());
        assertThatThrownBy(() -> new UserDirectory(profiled, "Users", UserDirectoryProps.builder().build()))
                .hasMessageStartingWith("Test/Users: StageProfile.removalPolicy (the stage profile applied here) cannot");
        assertThatThrownBy(() -> new JavaFunction(profiled, "Fn", TestStacks.function().build()))
                .hasMessageStartingWith("Test/Fn: StageProfile.removalPolicy");
        new JavaFunction(profiled, "Kept", TestStacks.function().logRemovalPolicy(RemovalPolicy.RETAIN).build());
    }

    @Test
    void aTimeoutThatIsNotAWholeNumberOfSecondsNamesTheProp() {
        // aws-cdk-lib itself fails with "cannot be converted into a whole number of seconds", naming no prop
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().timeout(Duration.millis(500)).build()))
                .hasMessage("Test/Fn: JavaFunctionProps.timeout must be a whole number of seconds (got 500 millis)");
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().build()).batchSize(20).maxBatchingWindow(Duration.millis(1500))
                .build()))
                .hasMessageStartingWith("Test/Worker: QueueWorkerProps.maxBatchingWindow must be a whole number");
    }

    @Test
    void reservedConcurrencyAboveTheAccountsUnreservedShareFails() {
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().reservedConcurrency(5000).build()))
                .hasMessage("Test/Fn: JavaFunctionProps.reservedConcurrency must be between 1 and 900 (got 5000)");
        new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function().reservedConcurrency(900).build());

        // an account whose quota was raised says so in the context
        Stack raised = TestStacks.stack();
        raised.getNode().setContext(JavaFunction.ACCOUNT_CONCURRENCY_CONTEXT_KEY, 10000);
        new JavaFunction(raised, "Fn", TestStacks.function().reservedConcurrency(5000).build());
        Template.fromStack(raised).hasResourceProperties("AWS::Lambda::Function",
                Map.of("ReservedConcurrentExecutions", 5000));
        assertThatThrownBy(() -> new JavaFunction(raised, "Other", TestStacks.function().reservedConcurrency(9950)
                .build())).hasMessageContaining("between 1 and 9900 (got 9950)");
    }

    @Test
    void aDataTableRefusesAnEmptyKeyNameAndASortKeyEqualToThePartitionKey() {
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("").type(AttributeType.STRING).build()).build()))
                .hasMessage("Test/Table: DataTableProps.partitionKey.name is required and must not be blank");
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder()
                .partitionKey(ID).sortKey(Attribute.builder().name(" ").type(AttributeType.NUMBER).build()).build()))
                .hasMessageContaining("DataTableProps.sortKey.name is required");
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder()
                .partitionKey(ID).sortKey(Attribute.builder().name("id").type(AttributeType.NUMBER).build()).build()))
                .hasMessageStartingWith("Test/Table: DataTableProps.sortKey must differ from the partition key"
                        + " (both are 'id')");
    }

    @Test
    void groupNamesWithACommaAreRefusedSinceTheClaimIsCommaSeparated() {
        assertThatThrownBy(() -> RouteAccess.groups("a,b")).hasMessageContaining("no ','");
        assertThatThrownBy(() -> new UserDirectory(TestStacks.stack(), "Users", UserDirectoryProps.builder()
                .groups(List.of("sales,eu")).build()))
                .hasMessageStartingWith("Test/Users: UserDirectoryProps.groups")
                .hasMessageContaining("no ','");
    }

    @Test
    void numbersAndDurationsFromParametersSynthesize() {
        Stack stack = TestStacks.stack();
        CfnParameter reserved = number(stack, "Reserved");
        CfnParameter memory = number(stack, "Memory");
        CfnParameter timeout = number(stack, "TimeoutSeconds");
        CfnParameter percent = number(stack, "Percent");
        CfnParameter threshold = number(stack, "Threshold");
        CfnParameter batch = number(stack, "Batch");
        CfnParameter receives = number(stack, "Receives");
        CfnParameter rate = number(stack, "Rate");
        CfnParameter latency = number(stack, "LatencyMillis");
        CfnParameter keyName = CfnParameter.Builder.create(stack, "KeyName").build();

        Operations ops = new Operations(stack, "Ops", null);
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function()
                .reservedConcurrency(reserved.getValueAsNumber())
                .memorySize(memory.getValueAsNumber())
                .timeout(Duration.seconds(timeout.getValueAsNumber()))
                .errorsAlarmThreshold(threshold.getValueAsNumber())
                .durationAlarmPercentOfTimeout(percent.getValueAsNumber())
                .operations(ops)
                .build());
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(timeout.getValueAsNumber())).build())
                .batchSize(batch.getValueAsNumber())
                .maxBatchingWindow(Duration.seconds(5))
                .maxReceiveCount(receives.getValueAsNumber())
                .visibilityTimeout(Duration.seconds(120))
                .build());
        new DataTable(stack, "Table", DataTableProps.builder()
                .partitionKey(Attribute.builder().name(keyName.getValueAsString()).type(AttributeType.STRING).build())
                .sortKey(ID)
                .throttleAlarmThreshold(threshold.getValueAsNumber()).build());
        assertThatThrownBy(() -> new UserDirectory(stack, "BadUsers", UserDirectoryProps.builder()
                .passwordMinLength(memory.getValueAsNumber()).build()))
                .hasMessageStartingWith("Test/BadUsers: UserDirectoryProps.passwordMinLength cannot be a token");
        UserDirectory users = new UserDirectory(stack, "Users", UserDirectoryProps.builder()
                .signInThrottleAlarmThreshold(threshold.getValueAsNumber()).build());
        ServerlessApi api = new ServerlessApi(stack, "Api", ServerlessApiProps.builder().userDirectory(users)
                .throttlingRateLimit(rate.getValueAsNumber()).throttlingBurstLimit(rate.getValueAsNumber())
                .clientErrorRateAlarmPercent(percent.getValueAsNumber())
                .latencyAlarmThreshold(Duration.millis(latency.getValueAsNumber()))
                .build());
        api.addRoute("GET", "/things", fn.getAlias(), RouteAccess.authenticated(), RouteOptions.builder()
                .throttlingRateLimit(rate.getValueAsNumber()).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "ReservedConcurrentExecutions", Map.of("Ref", "Reserved"),
                "MemorySize", Map.of("Ref", "Memory"),
                "Timeout", Map.of("Ref", "TimeoutSeconds")));
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", Map.of("Ref", "Batch")));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", Match.arrayWith(List.of(Map.of("AttributeName", Map.of("Ref", "KeyName"),
                        "KeyType", "HASH")))));
        // a percentage of a deploy-time value: CloudWatch computes it with metric math
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Threshold", Map.of("Ref", "Percent"),
                "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("Expression", Map.of("Fn::Join",
                        List.of("", List.of("100 * m / (", Map.of("Ref", "TimeoutSeconds"), " * 1000)")))))))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Threshold", 80,
                "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("Expression", Map.of("Fn::Join",
                        List.of("", List.of("100 * m / (", Map.of("Ref", "Reserved"), ")")))))))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Latency", "Threshold", Map.of("Ref", "LatencyMillis")));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Errors", "Threshold", Map.of("Ref", "Threshold")));
    }

    @Test
    void aTokenDurationInAUnitThatCannotBeConvertedNamesTheProp() {
        Stack stack = TestStacks.stack();
        CfnParameter minutes = number(stack, "Minutes");
        assertThatThrownBy(() -> new JavaFunction(stack, "Fn", TestStacks.function()
                .timeout(Duration.minutes(minutes.getValueAsNumber())).build()))
                .hasMessageStartingWith("Test/Fn: JavaFunctionProps.timeout comes from a token: give it as"
                        + " Duration.seconds(token)");
        assertThatThrownBy(() -> new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(minutes.getValueAsNumber())).build())
                .build()))
                .hasMessageStartingWith("Test/Worker: QueueWorkerProps.visibilityTimeout is required when the"
                        + " consumer's timeout is a token");
    }
}
