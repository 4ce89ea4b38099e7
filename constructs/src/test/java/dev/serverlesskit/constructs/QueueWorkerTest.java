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

class QueueWorkerTest {

    @Test
    void queueAndDeadLetterQueueAreEncryptedAndRedriveAfterThreeReceives() {
        Stack stack = TestStacks.stack();
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(20)).build()).build());
        Template template = Template.fromStack(stack);

        template.resourceCountIs("AWS::SQS::Queue", 2);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "VisibilityTimeout", 120,
                "RedrivePolicy", Map.of("maxReceiveCount", 3, "deadLetterTargetArn", Match.anyValue())));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1209600));
        // Both queues refuse requests without TLS.
        template.resourceCountIs("AWS::SQS::QueuePolicy", 2);
        template.allResourcesProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @Test
    void eventSourceReportsBatchItemFailuresOnTheAliasWithBoundedConcurrency() {
        Stack stack = TestStacks.stack();
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().reservedConcurrency(4).build())
                .batchSize(25).maxBatchingWindow(Duration.seconds(2)).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", 25,
                "MaximumBatchingWindowInSeconds", 2,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 4)));
        // The mapping invokes the published alias (SnapStart), not $LATEST: its name ends in ":live".
        assertThat(template.findResources("AWS::Lambda::EventSourceMapping").toString())
                .contains(":" + JavaFunction.ALIAS_NAME);
    }

    @Test
    void alarmsOnDeadLetterQueueDepthAndMessageAgePlusTheConsumersOwn() {
        Stack stack = TestStacks.stack();
        QueueWorker worker = new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().build())
                .messageAgeAlarmThreshold(Duration.minutes(10)).build());
        Template template = Template.fromStack(stack);

        assertThat(worker.getAlarms()).hasSize(6);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateAgeOfOldestMessage", "Threshold", 600));
    }

    @Test
    void rejectsVisibilityTimeoutShorterThanTheFunctionTimeout() {
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(30)).build())
                .visibilityTimeout(Duration.seconds(10)).build()))
                .hasMessageContaining("QueueWorkerProps.visibilityTimeout (10 s) must be at least the consumer's timeout (30 s)");
    }

    @Test
    void rejectsConcurrencyAboveReservedAndLargeBatchesWithoutWindow() {
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().reservedConcurrency(5).build()).maxConcurrency(10).build()))
                .hasMessageContaining("QueueWorkerProps.maxConcurrency (10) must not exceed the consumer's reservedConcurrency (5)");
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().build()).batchSize(100).build()))
                .hasMessageContaining("QueueWorkerProps.batchSize above 10 (got 100) needs a QueueWorkerProps.maxBatchingWindow");
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder().build()))
                .hasMessage("QueueWorkerProps.consumer is required");
    }
}
