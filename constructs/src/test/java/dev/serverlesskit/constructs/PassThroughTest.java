package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.CfnParameterProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ContributorInsightsSpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.TableClass;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.dynamodb.TableProps;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.FunctionOptions;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.RecursiveLoop;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.sqs.QueueProps;
import software.amazon.awscdk.services.sqs.RedriveAllowPolicy;
import software.amazon.awscdk.services.sqs.RedrivePermission;

/**
 * aws-cdk-lib props passed through where the library has no opinion ({@code DataTableProps.tableProps},
 * {@code JavaFunctionProps.functionOptions}, {@code QueueWorkerProps.queueProps} and {@code deadLetterQueueProps})
 * reach the resource, and those that would weaken a secure default, or
 * that the library sets itself, fail synthesis naming the prop.
 */
class PassThroughTest {
    private static final Attribute KEY = Attribute.builder().name("id").type(AttributeType.STRING).build();

    private static TableProps.Builder table() {
        return TableProps.builder().partitionKey(KEY);
    }

    @Test
    void tablePropsWithoutAnOpinionReachTheTableAndTheSecureDefaultsStay() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Orders", DataTableProps.builder()
                .tableProps(table().stream(StreamViewType.NEW_AND_OLD_IMAGES)
                        .contributorInsightsSpecification(ContributorInsightsSpecification.builder().enabled(true)
                                .build())
                        .tableClass(TableClass.STANDARD_INFREQUENT_ACCESS).build())
                .build());

        Template.fromStack(stack).hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH")),
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
                "ContributorInsightsSpecification", Map.of("Enabled", true),
                "TableClass", "STANDARD_INFREQUENT_ACCESS",
                "BillingMode", "PAY_PER_REQUEST",
                "SSESpecification", Map.of("SSEEnabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
    }

    @Test
    void aCustomerManagedKeyIsStrongerAndPasses() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Orders", DataTableProps.builder().partitionKey(KEY)
                .tableProps(table().encryption(TableEncryption.CUSTOMER_MANAGED)
                        .encryptionKey(new Key(stack, "Key")).build())
                .build());

        Template.fromStack(stack).hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "SSESpecification", Map.of("SSEEnabled", true, "SSEType", "KMS",
                        "KMSMasterKeyId", Match.anyValue())));
    }

    @Test
    void tablePropsThatWouldWeakenTheTableFailNamingTheProp() {
        assertThatThrownBy(() -> table(table().encryption(TableEncryption.DEFAULT)))
                .hasMessageContaining("Test/Orders: DataTableProps.tableProps.encryption must be AWS_MANAGED or"
                        + " CUSTOMER_MANAGED (got DEFAULT)");
        assertThatThrownBy(() -> table(table().pointInTimeRecovery(false)))
                .hasMessageContaining("DataTableProps.tableProps.pointInTimeRecovery cannot be false");
        assertThatThrownBy(() -> table(table().billingMode(BillingMode.PROVISIONED)))
                .hasMessageContaining("DataTableProps.tableProps.billingMode must be PAY_PER_REQUEST");
        assertThatThrownBy(() -> table(table().removalPolicy(RemovalPolicy.DESTROY)))
                .hasMessageContaining("DataTableProps.tableProps.removalPolicy cannot be passed through: set"
                        + " DataTableProps.removalPolicy");
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Orders", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("orderId").type(AttributeType.STRING).build())
                .tableProps(table().build()).build()))
                .hasMessageContaining("DataTableProps.tableProps.partitionKey (id STRING) differs from"
                        + " DataTableProps.partitionKey (orderId STRING)");
    }

    private static DataTable table(TableProps.Builder extra) {
        return new DataTable(TestStacks.stack(), "Orders", DataTableProps.builder().tableProps(extra.build()).build());
    }

    @Test
    void functionOptionsWithoutAnOpinionReachTheFunctionAndTheSecureDefaultsStay() {
        Stack stack = TestStacks.stack();
        new JavaFunction(stack, "Fn", TestStacks.function().snapStart(false)
                .functionOptions(FunctionOptions.builder()
                        .ephemeralStorageSize(Size.mebibytes(2048))
                        .layers(List.of(LayerVersion.fromLayerVersionArn(stack, "Layer",
                                "arn:aws:lambda:eu-west-1:123456789012:layer:certs:3")))
                        .functionName("orders-get")
                        .tracing(Tracing.ACTIVE)
                        .build())
                .build());

        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "EphemeralStorage", Map.of("Size", 2048),
                "Layers", List.of("arn:aws:lambda:eu-west-1:123456789012:layer:certs:3"),
                "FunctionName", "orders-get",
                "TracingConfig", Map.of("Mode", "Active"),
                "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON")),
                "ReservedConcurrentExecutions", 5,
                "SnapStart", Match.absent()));
    }

    @Test
    void functionOptionsThatWouldWeakenTheFunctionOrThatTheLibrarySetsFailNamingTheProp() {
        assertThatThrownBy(() -> function(FunctionOptions.builder().tracing(Tracing.DISABLED)))
                .hasMessageContaining("Test/Fn: JavaFunctionProps.functionOptions.tracing must be ACTIVE (got"
                        + " DISABLED)");
        assertThatThrownBy(() -> function(FunctionOptions.builder().loggingFormat(LoggingFormat.TEXT)))
                .hasMessageContaining("JavaFunctionProps.functionOptions.loggingFormat must be JSON (got TEXT)");
        assertThatThrownBy(() -> function(FunctionOptions.builder().recursiveLoop(RecursiveLoop.ALLOW)))
                .hasMessageContaining("JavaFunctionProps.functionOptions.recursiveLoop must be TERMINATE");
        assertThatThrownBy(() -> function(FunctionOptions.builder().timeout(Duration.minutes(5))))
                .hasMessageContaining("JavaFunctionProps.functionOptions.timeout cannot be passed through: set"
                        + " JavaFunctionProps.timeout");
        assertThatThrownBy(() -> function(FunctionOptions.builder().reservedConcurrentExecutions(0)))
                .hasMessageContaining("JavaFunctionProps.functionOptions.reservedConcurrentExecutions cannot be"
                        + " passed through: set JavaFunctionProps.reservedConcurrency");
        // aws-cdk-lib's own error would name neither prop.
        assertThatThrownBy(() -> function(FunctionOptions.builder().ephemeralStorageSize(Size.mebibytes(1024))))
                .hasMessageContaining("JavaFunctionProps.functionOptions.ephemeralStorageSize (1024 MiB) must be at"
                        + " most 512 MiB with SnapStart");
    }

    private static JavaFunction function(FunctionOptions.Builder options) {
        return new JavaFunction(TestStacks.stack(), "Fn", TestStacks.function().functionOptions(options.build())
                .build());
    }

    @Test
    void aQueueWorkersConsumerKeepsItsFunctionOptions() {
        Stack stack = TestStacks.stack();
        new QueueWorker(stack, "Worker", QueueWorkerProps.builder()
                .consumer(TestStacks.function().functionOptions(FunctionOptions.builder()
                        .ephemeralStorageSize(Size.mebibytes(512)).build()).build())
                .operations(new Operations(stack, "Ops", OperationsProps.builder().build()))
                .build());

        Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "EphemeralStorage", Map.of("Size", 512)));
    }

    private static QueueWorker worker(Stack stack, QueueWorkerProps.Builder props) {
        return new QueueWorker(stack, "Worker", props.consumer(TestStacks.function().build()).build());
    }

    private static QueueWorker worker(QueueWorkerProps.Builder props) {
        return worker(TestStacks.stack(), props);
    }

    @Test
    void queuePropsWithoutAnOpinionReachBothQueuesAndTheSecureDefaultsStay() {
        Stack stack = TestStacks.stack();
        worker(stack, QueueWorkerProps.builder()
                .queueProps(QueueProps.builder().queueName("orders-work").deliveryDelay(Duration.seconds(5))
                        .maxMessageSizeBytes(2048).build())
                .deadLetterQueueProps(QueueProps.builder().queueName("orders-failed")
                        .retentionPeriod(Duration.days(7)).build()));

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "orders-work",
                "DelaySeconds", 5,
                "MaximumMessageSize", 2048,
                "SqsManagedSseEnabled", true,
                "VisibilityTimeout", 60,
                "MessageRetentionPeriod", 345600,
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", 3))));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "orders-failed",
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 604800,
                "RedrivePolicy", Match.absent()));
        // enforceSSL stays on both: each queue has a policy denying requests without TLS
        template.resourcePropertiesCountIs("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))), 2);
    }

    @Test
    void aKmsKeyOfTheCallersIsStrongerAndPassesAndTheConsumerMayDecrypt() {
        Stack stack = TestStacks.stack();
        worker(stack, QueueWorkerProps.builder()
                .queueProps(QueueProps.builder().encryptionMasterKey(new Key(stack, "Key")).build()));

        // the work queue (the one with a redrive policy) takes the key; receiving from it needs kms:Decrypt
        assertKeyedQueueAndConsumerMay(stack, Match.anyValue(), "kms:Decrypt");
    }

    @Test
    void aKmsKeyOnTheDeadLetterQueueLetsTheConsumersReceivesMoveFailedMessagesThere() {
        Stack stack = TestStacks.stack();
        worker(stack, QueueWorkerProps.builder()
                .deadLetterQueueProps(QueueProps.builder().encryptionMasterKey(new Key(stack, "Key")).build()));

        // the dead-letter queue (no redrive policy) takes the key; moving a message there needs both actions
        assertKeyedQueueAndConsumerMay(stack, Match.absent(), List.of("kms:GenerateDataKey", "kms:Decrypt"));
    }

    /**
     * The queue whose {@code RedrivePolicy} matches {@code redrivePolicy} is encrypted with a KMS key, and an IAM
     * policy of the stack (the consumer's) allows {@code kmsActions}.
     */
    private static void assertKeyedQueueAndConsumerMay(Stack stack, Object redrivePolicy, Object kmsActions) {
        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "KmsMasterKeyId", Match.anyValue(),
                "RedrivePolicy", redrivePolicy));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", kmsActions, "Effect", "Allow"))))))));
    }

    @Test
    void queuePropsThatWouldWeakenTheQueuesOrThatTheLibrarySetsFailNamingThePathAndTheProp() {
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().queueProps(QueueProps.builder()
                .encryption(QueueEncryption.UNENCRYPTED).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.queueProps.encryption cannot be UNENCRYPTED");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().queueProps(QueueProps.builder()
                .enforceSsl(false).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.queueProps.enforceSSL cannot be false");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .encryption(QueueEncryption.UNENCRYPTED).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.deadLetterQueueProps.encryption cannot be"
                        + " UNENCRYPTED");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .enforceSsl(false).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.deadLetterQueueProps.enforceSSL cannot be"
                        + " false");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().queueProps(QueueProps.builder()
                .visibilityTimeout(Duration.seconds(1)).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.queueProps.visibilityTimeout cannot be passed"
                        + " through: set QueueWorkerProps.visibilityTimeout");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().queueProps(QueueProps.builder()
                .retentionPeriod(Duration.days(1)).build())))
                .hasMessageContaining("QueueWorkerProps.queueProps.retentionPeriod cannot be passed through: set"
                        + " QueueWorkerProps.retentionPeriod");
        assertThatThrownBy(() -> {
            Stack stack = TestStacks.stack();
            worker(stack, QueueWorkerProps.builder().queueProps(QueueProps.builder()
                    .deadLetterQueue(DeadLetterQueue.builder().queue(new Queue(stack, "Other")).maxReceiveCount(1)
                            .build()).build()));
        }).hasMessageContaining("QueueWorkerProps.queueProps.deadLetterQueue cannot be passed through");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .fifo(true).build())))
                .hasMessageContaining("QueueWorkerProps.deadLetterQueueProps.fifo cannot be passed through: the"
                        + " dead-letter queue is FIFO when the queue is");
    }

    @Test
    void aDeadLetterQueueMustLetTheWorkersQueueIn() {
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .redriveAllowPolicy(RedriveAllowPolicy.builder().redrivePermission(RedrivePermission.DENY_ALL)
                        .build()).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.deadLetterQueueProps.redriveAllowPolicy cannot"
                        + " be DENY_ALL");
        // source queues without a permission mean BY_QUEUE, as in aws-cdk-lib; an unnamed queue cannot be listed
        assertThatThrownBy(() -> {
            Stack stack = TestStacks.stack();
            worker(stack, QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                    .redriveAllowPolicy(RedriveAllowPolicy.builder().sourceQueues(List.of(new Queue(stack, "Other")))
                            .build()).build()));
        }).hasMessageContaining("QueueWorkerProps.deadLetterQueueProps.redriveAllowPolicy BY_QUEUE must list the"
                + " worker's own queue, which it can only by a name known before deployment: set"
                + " QueueWorkerProps.queueProps.queueName");
        // a named queue may be listed by its ARN
        Stack named = TestStacks.stack();
        worker(named, QueueWorkerProps.builder().queueProps(QueueProps.builder().queueName("orders").build())
                .deadLetterQueueProps(QueueProps.builder().redriveAllowPolicy(RedriveAllowPolicy.builder()
                        .redrivePermission(RedrivePermission.BY_QUEUE).sourceQueues(List.of(Queue.fromQueueArn(named,
                                "Orders", Stack.of(named).formatArn(ArnComponents.builder().service("sqs")
                                        .resource("orders").build())))).build()).build()));
        Template.fromStack(named).hasResourceProperties("AWS::SQS::Queue", Map.of("RedriveAllowPolicy",
                Match.objectLike(Map.of("redrivePermission", "byQueue"))));
        // allowing all sources is the default, and may be said; an empty policy is that default
        for (RedriveAllowPolicy allowAll : List.of(RedriveAllowPolicy.builder().build(), RedriveAllowPolicy.builder()
                .redrivePermission(RedrivePermission.ALLOW_ALL).build())) {
            Stack stack = TestStacks.stack();
            worker(stack, QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                    .redriveAllowPolicy(allowAll).build()));
            Template.fromStack(stack).resourceCountIs("AWS::SQS::Queue", 2);
        }
    }

    @Test
    void aDeadLetterQueueMayNotKeepMessagesShorterThanTheQueue() {
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .retentionPeriod(Duration.days(2)).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.deadLetterQueueProps.retentionPeriod (172800 s)"
                        + " must be at least QueueWorkerProps.retentionPeriod (345600 s)");
        // equal is enough, and a token is not checked
        worker(QueueWorkerProps.builder().retentionPeriod(Duration.days(2))
                .deadLetterQueueProps(QueueProps.builder().retentionPeriod(Duration.days(2)).build()));
        Stack stack = TestStacks.stack();
        worker(stack, QueueWorkerProps.builder().deadLetterQueueProps(QueueProps.builder()
                .retentionPeriod(Duration.seconds(new CfnParameter(stack, "Retention", CfnParameterProps.builder()
                        .type("Number").build()).getValueAsNumber())).build()));
    }

    @Test
    void aFifoQueueGetsAFifoDeadLetterQueueAndNoBatchingWindow() {
        // aws-cdk-lib makes a queue FIFO without fifo(true) when its name ends in .fifo, or when a prop only FIFO
        // queues have is set: the dead-letter queue follows it either way
        Stack named = TestStacks.stack();
        worker(named, QueueWorkerProps.builder().queueProps(QueueProps.builder().queueName("orders.fifo").build()));
        Template template = Template.fromStack(named);
        template.resourcePropertiesCountIs("AWS::SQS::Queue", Map.of("FifoQueue", true), 2);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "orders.fifo",
                "RedrivePolicy", Match.anyValue()));

        Stack deduplicated = TestStacks.stack();
        worker(deduplicated, QueueWorkerProps.builder().queueProps(QueueProps.builder()
                .contentBasedDeduplication(true).build()));
        template = Template.fromStack(deduplicated);
        template.resourcePropertiesCountIs("AWS::SQS::Queue", Map.of("FifoQueue", true), 2);
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("ContentBasedDeduplication", true,
                "RedrivePolicy", Match.anyValue()));

        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().maxBatchingWindow(Duration.seconds(10))
                .queueProps(QueueProps.builder().fifo(true).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.maxBatchingWindow cannot be used with a FIFO"
                        + " queue (QueueWorkerProps.queueProps.fifo)");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder().batchSize(20)
                .queueProps(QueueProps.builder().fifo(true).build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.batchSize must be at most 10 with a FIFO queue");
        assertThatThrownBy(() -> worker(QueueWorkerProps.builder()
                .deadLetterQueueProps(QueueProps.builder().queueName("orders-failed.fifo").build())))
                .hasMessageContaining("Test/Worker: QueueWorkerProps.deadLetterQueueProps makes the dead-letter queue"
                        + " FIFO (a .fifo queueName or a FIFO-only prop) but the queue is standard");
    }
}
