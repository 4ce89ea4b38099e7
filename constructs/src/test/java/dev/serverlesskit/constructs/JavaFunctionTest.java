package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.SystemLogLevel;

class JavaFunctionTest {

    @Test
    void defaultsGiveJava21OnArm64WithTracingSnapStartReservedConcurrencyAndAnAlias() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Fn", TestStacks.function().environment(Map.of("TABLE", "t")).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Handler", "example.Handler::handleRequest",
                "MemorySize", 1024,
                "Timeout", 10,
                "ReservedConcurrentExecutions", 5,
                "TracingConfig", Map.of("Mode", "Active"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "LoggingConfig", Match.exact(Map.of(
                        "LogFormat", "JSON", "ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO",
                        "LogGroup", Match.anyValue())),
                "Environment", Map.of("Variables", Match.exact(Map.of(
                        "SERVICE_NAME", "Fn",
                        "METRICS_NAMESPACE", "ServerlessKit",
                        "TABLE", "t")))));
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
        template.resourceCountIs("AWS::Lambda::Version", 1);
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
        template.hasResource("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void roleMayOnlyWriteItsOwnLogGroupAndUploadTraces() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Fn", TestStacks.function().build());
        Template template = Template.fromStack(stack);

        template.resourceCountIs("AWS::IAM::Role", 1);
        template.hasResourceProperties("AWS::IAM::Role", Map.of("ManagedPolicyArns", Match.absent()));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of(
                        "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                        "Resource", Match.objectLike(Map.of("Fn::GetAtt", Match.arrayWith(List.of("Arn")))))),
                Match.objectLike(Map.of(
                        "Action", List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                        "Resource", "*")))))));
    }

    @Test
    void alarmsOnErrorsThrottlesDurationAndConcurrencyFromThresholdProps() {
        Stack stack = TestStacks.stack();
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function()
                .timeout(Duration.seconds(20)).reservedConcurrency(10)
                .durationAlarmPercentOfTimeout(50.0).concurrencyAlarmPercentOfReserved(90.0).build());
        Template template = Template.fromStack(stack);

        assertThat(fn.getAlarms()).hasSize(4);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors", "Threshold", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Throttles", "Threshold", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "Duration", "ExtendedStatistic", "p99", "Threshold", 10000));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ConcurrentExecutions", "Statistic", "Maximum", "Threshold", 9));
    }

    @Test
    void snapStartCanBeTurnedOff() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Fn", TestStacks.function().snapStart(false).build());
        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of("SnapStart", Match.absent()));
    }

    @Test
    void rejectsMissingOrNonPositiveReservedConcurrency() {
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().reservedConcurrency(null).build()))
                .hasMessageContaining("JavaFunctionProps.reservedConcurrency is required");
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().reservedConcurrency(0).build()))
                .hasMessageContaining("JavaFunctionProps.reservedConcurrency must be greater than 0 (got 0)");
    }

    @Test
    void rejectsTimeoutAboveFifteenMinutesAndBadHandlerOrMemory() {
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().timeout(Duration.minutes(16)).build()))
                .hasMessageContaining("JavaFunctionProps.timeout (seconds) must be between 1 and 900 (got 960)");
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().handler("not a class").build()))
                .hasMessageContaining("JavaFunctionProps.handler");
        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().memorySize(64).build()))
                .hasMessageContaining("JavaFunctionProps.memorySize must be between 128 and 10240 (got 64)");
    }

    @Test
    void logLevelsGoToLambdasLoggingConfigAndKeepMetricLines() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Fn", TestStacks.function()
                .applicationLogLevel(ApplicationLogLevel.TRACE).systemLogLevel(SystemLogLevel.WARN).build());
        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of("LoggingConfig", Map.of(
                "LogFormat", "JSON", "ApplicationLogLevel", "TRACE", "SystemLogLevel", "WARN")));

        assertThatThrownBy(() -> new JavaFunction(TestStacks.stack(), "Fn",
                TestStacks.function().applicationLogLevel(ApplicationLogLevel.WARN).build()))
                .hasMessageContaining("JavaFunctionProps.applicationLogLevel must be TRACE, DEBUG or INFO (got WARN)");
    }
}
