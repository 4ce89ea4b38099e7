package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnParameter;
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
                .hasMessage("Test/Worker: QueueWorkerProps.consumer is required");
    }

    @Test
    void theInProgressTimeoutReachesTheConsumer() {
        Stack stack = TestStacks.stack();
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(10))
                        .environment(Map.of("TABLE", "clicks")).build())
                .maxReceiveCount(3).visibilityTimeout(Duration.seconds(60))
                .inProgressTimeout(Duration.seconds(100)).build());
        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of(
                "Variables", Match.objectLike(Map.of("TABLE", "clicks",
                        QueueWorker.IN_PROGRESS_TIMEOUT_VARIABLE, "100")))));
    }

    @Test
    void rejectsAnInProgressTimeoutTheLastReceiveCannotOutlast() {
        // the window the click processor had: 120 s claims, 60 s visibility, 3 receives, 10 s function
        assertThatThrownBy(() -> worker(Duration.seconds(120), 3, Duration.seconds(60), Duration.seconds(10)))
                .hasMessage("Test/Worker: QueueWorkerProps.inProgressTimeout (120 s) plus the consumer's timeout (10 s) and 1 s"
                        + " must not exceed (QueueWorkerProps.maxReceiveCount - 1) x"
                        + " QueueWorkerProps.visibilityTimeout ((3 - 1) x 60 s = 120 s), or a claim abandoned on"
                        + " the first receive still holds on the last one and the message goes to the dead-letter"
                        + " queue");
        // the boundary: 109 + 10 + 1 = 120 fits, 110 does not
        worker(Duration.seconds(109), 3, Duration.seconds(60), Duration.seconds(10));
        assertThatThrownBy(() -> worker(Duration.seconds(110), 3, Duration.seconds(60), Duration.seconds(10)))
                .hasMessageStartingWith("Test/Worker: QueueWorkerProps.inProgressTimeout (110 s) plus");
        // one receive only: no receive is left to take a claim over
        assertThatThrownBy(() -> worker(Duration.seconds(20), 1, Duration.seconds(60), Duration.seconds(10)))
                .hasMessageContaining("((1 - 1) x 60 s = 0 s)");
    }

    @Test
    void rejectsAnInProgressTimeoutARunningInvocationOutlasts() {
        assertThatThrownBy(() -> worker(Duration.seconds(10), 3, Duration.seconds(60), Duration.seconds(10)))
                .hasMessage("Test/Worker: QueueWorkerProps.inProgressTimeout (10 s) must be above the consumer's timeout (10 s),"
                        + " or a running invocation's claims are taken over");
        worker(Duration.seconds(11), 3, Duration.seconds(60), Duration.seconds(10));
        assertThatThrownBy(() -> worker(Duration.millis(11_500), 3, Duration.seconds(60), Duration.seconds(10)))
                .hasMessage("Test/Worker: QueueWorkerProps.inProgressTimeout must be a whole number of seconds (got 11 seconds 500 millis)");
    }

    @Test
    void theInProgressVariableIsTheQueueWorkersToSet() {
        assertThatThrownBy(() -> new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().environment(Map.of(QueueWorker.IN_PROGRESS_TIMEOUT_VARIABLE, "30"))
                        .build())
                .inProgressTimeout(Duration.seconds(30)).build()))
                .hasMessage("Test/Worker: QueueWorkerProps.consumer's environment sets IN_PROGRESS_TIMEOUT_SECONDS: set"
                        + " QueueWorkerProps.inProgressTimeout instead, so that it is checked against the queue");
    }

    @Test
    void anInProgressTimeoutFromATokenIsPassedOnUnchecked() {
        Stack stack = TestStacks.stack();
        CfnParameter seconds = CfnParameter.Builder.create(stack, "ClaimSeconds").type("Number").build();
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(Duration.seconds(10)).build())
                .inProgressTimeout(Duration.seconds(seconds.getValueAsNumber())).build());
        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of(
                "Variables", Match.objectLike(Map.of(QueueWorker.IN_PROGRESS_TIMEOUT_VARIABLE,
                        Map.of("Ref", "ClaimSeconds"))))));
    }

    private static QueueWorker worker(Duration inProgress, int maxReceiveCount, Duration visibility,
                                      Duration timeout) {
        return new QueueWorker(TestStacks.stack(), "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().timeout(timeout).build())
                .maxReceiveCount(maxReceiveCount).visibilityTimeout(visibility)
                .inProgressTimeout(inProgress).build());
    }
}
