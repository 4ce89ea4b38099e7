package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Tokenization;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.sqs.QueueProps;
import software.amazon.awscdk.services.sqs.RedriveAllowPolicy;
import software.amazon.awscdk.services.sqs.RedrivePermission;
import software.constructs.Construct;

/**
 * An SQS queue with a dead-letter queue and a {@link JavaFunction} consuming it in batches.
 *
 * <p>Both queues are encrypted (SSE-SQS, or KMS with a key passed in {@link QueueWorkerProps#getQueueProps()} or
 * {@link QueueWorkerProps#getDeadLetterQueueProps()}, which pass aws-cdk-lib's {@code QueueProps} through) and refuse
 * requests without TLS. A message that fails
 * {@code maxReceiveCount} times moves to the dead-letter queue: nothing is dropped silently. The event source
 * reports batch item failures, so one poison message does not make its whole batch retry.
 *
 * <p>A consumer that claims a message's work while it runs (so that a redelivery does not do it twice) declares
 * how long a claim holds, {@link QueueWorkerProps#getInProgressTimeout()}: it gets the value in its environment, and
 * synthesis fails when the value does not fit the queue's redelivery policy.
 *
 * <p>Alarms: any message in the dead-letter queue; the oldest message older than a threshold; plus the
 * consumer's own {@link JavaFunction} alarms.
 */
public class QueueWorker extends Construct {
    /** The consumer's environment variable holding {@link QueueWorkerProps#getInProgressTimeout()} in seconds. */
    public static final String IN_PROGRESS_TIMEOUT_VARIABLE = "IN_PROGRESS_TIMEOUT_SECONDS";
    /** Lambda's maximum batching window, 5 minutes. */
    private static final double MAX_BATCHING_WINDOW_SECONDS = 300;

    private final Queue queue;
    private final Queue deadLetterQueue;
    private final JavaFunction consumer;
    private final SqsEventSource eventSource;
    private final List<Alarm> alarms;

    public QueueWorker(Construct scope, String id, QueueWorkerProps props) {
        super(scope, id);
        Check.required(this, "QueueWorkerProps", props);
        JavaFunctionProps consumerProps = Check.required(this, "QueueWorkerProps.consumer", props.getConsumer());
        IOperations operations = props.getOperations() != null ? props.getOperations() : consumerProps.getOperations();
        if (consumerProps.getOperations() == null && operations != null) {
            consumerProps = consumerProps.toBuilder().operations(operations).build();
        }

        Map<String, Object> queuePassed = PassThrough.setProps(props.getQueueProps(), QueueProps.class);
        Map<String, Object> dlqPassed = PassThrough.setProps(props.getDeadLetterQueueProps(), QueueProps.class);
        PassThrough.refuseOwned(this, QUEUE_PROPS, queuePassed, OWNED_QUEUE_PROPS);
        PassThrough.refuseOwned(this, DLQ_PROPS, dlqPassed, OWNED_DLQ_PROPS);
        checkSecureDefaults(QUEUE_PROPS, queuePassed);
        checkSecureDefaults(DLQ_PROPS, dlqPassed);
        checkRedriveAllowPolicy(dlqPassed.get("redriveAllowPolicy"), queuePassed.get("queueName"));
        boolean fifo = isFifo(queuePassed);
        Check.that(this, fifo || !isFifo(dlqPassed), DLQ_PROPS + " makes the dead-letter queue FIFO (a .fifo"
                + " queueName or a FIFO-only prop) but the queue is standard: SQS requires a dead-letter queue of the"
                + " queue's type (set " + QUEUE_PROPS + ".fifo for a FIFO worker)");

        Number batchSize = Check.wholeBetween(this, "QueueWorkerProps.batchSize", Check.or(props.getBatchSize(), 10),
                1, 10000);
        Duration window = Check.wholeSeconds(this, "QueueWorkerProps.maxBatchingWindow", props.getMaxBatchingWindow(),
                0, MAX_BATCHING_WINDOW_SECONDS);
        if (fifo) {
            Check.that(this, window == null || window.isUnresolved() || window.toSeconds().doubleValue() == 0,
                    "QueueWorkerProps.maxBatchingWindow cannot be used with a FIFO queue (" + QUEUE_PROPS + ".fifo):"
                            + " Lambda supports no batching window for FIFO queues");
            Check.that(this, Check.isToken(batchSize) || batchSize.doubleValue() <= 10, "QueueWorkerProps.batchSize"
                    + " must be at most 10 with a FIFO queue (" + QUEUE_PROPS + ".fifo), got " + Check.show(batchSize));
        }
        Check.that(this, Check.isToken(batchSize) || batchSize.doubleValue() <= 10
                        || (window != null && (window.isUnresolved() || window.toSeconds().doubleValue() > 0)),
                "QueueWorkerProps.batchSize above 10 (got " + Check.show(batchSize) + ") needs a"
                        + " QueueWorkerProps.maxBatchingWindow");
        Number maxReceiveCount = Check.wholeBetween(this, "QueueWorkerProps.maxReceiveCount",
                Check.or(props.getMaxReceiveCount(), 3), 1, 1000);
        Duration inProgressTimeout = Check.wholeSeconds(this, "QueueWorkerProps.inProgressTimeout",
                props.getInProgressTimeout(), 1, Double.MAX_VALUE);
        if (inProgressTimeout != null) {
            Map<String, String> environment = new TreeMap<>();
            if (consumerProps.getEnvironment() != null) {
                environment.putAll(consumerProps.getEnvironment());
            }
            Check.that(this, !environment.containsKey(IN_PROGRESS_TIMEOUT_VARIABLE), "QueueWorkerProps.consumer's"
                    + " environment sets " + IN_PROGRESS_TIMEOUT_VARIABLE + ": set QueueWorkerProps.inProgressTimeout"
                    + " instead, so that it is checked against the queue");
            environment.put(IN_PROGRESS_TIMEOUT_VARIABLE, Tokenization.stringifyNumber(inProgressTimeout.toSeconds()));
            consumerProps = consumerProps.toBuilder().environment(environment).build();
        }

        this.consumer = new JavaFunction(this, "Consumer", consumerProps);
        Duration consumerTimeout = consumer.getTimeout();
        Duration visibilityTimeout = props.getVisibilityTimeout();
        if (visibilityTimeout == null) {
            Check.that(this, !consumerTimeout.isUnresolved(), "QueueWorkerProps.visibilityTimeout is required when"
                    + " the consumer's timeout is a token: its default, 6 x the consumer's timeout, cannot be computed"
                    + " before deployment");
            visibilityTimeout = Duration.seconds(6 * consumerTimeout.toSeconds().doubleValue());
        }
        Check.wholeSeconds(this, "QueueWorkerProps.visibilityTimeout", visibilityTimeout, 0, 43200);
        if (!visibilityTimeout.isUnresolved() && !consumerTimeout.isUnresolved()) {
            double functionTimeout = consumerTimeout.toSeconds().doubleValue();
            Check.that(this, visibilityTimeout.toSeconds().doubleValue() >= functionTimeout,
                    "QueueWorkerProps.visibilityTimeout (" + visibilityTimeout.toSeconds() + " s) must be at least"
                            + " the consumer's timeout (" + (long) functionTimeout + " s), or messages are"
                            + " redelivered while still being processed");
        }
        if (inProgressTimeout != null) {
            checkInProgressTimeout(inProgressTimeout, consumerTimeout, visibilityTimeout, maxReceiveCount);
        }

        Number maxConcurrency = props.getMaxConcurrency();
        Number reserved = consumer.getReservedConcurrency();
        if (maxConcurrency != null) {
            Check.wholeBetween(this, "QueueWorkerProps.maxConcurrency", maxConcurrency, 2, 1000);
            Check.that(this, Check.isToken(maxConcurrency) || Check.isToken(reserved)
                            || maxConcurrency.doubleValue() <= reserved.doubleValue(),
                    "QueueWorkerProps.maxConcurrency (" + Check.show(maxConcurrency) + ") must not exceed the"
                            + " consumer's reservedConcurrency (" + Check.show(reserved) + ")");
        } else if (Check.isToken(reserved)) {
            // the event source must not poll faster than the function may run; Lambda checks the range on deploy
            maxConcurrency = reserved;
        } else if (reserved.doubleValue() >= 2) {
            maxConcurrency = Math.min(reserved.intValue(), 1000);
        }

        Duration retention = Check.or(props.getRetentionPeriod(), Duration.days(4));
        Duration dlqRetention = Check.or((Duration) dlqPassed.get("retentionPeriod"), Duration.days(14));
        Check.that(this, retention.isUnresolved() || dlqRetention.isUnresolved()
                        || dlqRetention.toMilliseconds().doubleValue() >= retention.toMilliseconds().doubleValue(),
                DLQ_PROPS + ".retentionPeriod (" + seconds(dlqRetention) + " s) must be at least"
                        + " QueueWorkerProps.retentionPeriod (" + seconds(retention) + " s): SQS counts"
                        + " a message's retention from its first enqueue, so failed messages would expire in the"
                        + " dead-letter queue before anyone looks at them");

        Queue.Builder dlqBuilder = Queue.Builder.create(this, "DeadLetterQueue");
        PassThrough.copy(this, DLQ_PROPS, dlqPassed, dlqBuilder, Set.of("enforceSSL"));
        this.deadLetterQueue = dlqBuilder
                .encryption(encryption(dlqPassed))
                .enforceSsl(true)
                .retentionPeriod(dlqRetention)
                .fifo(fifo ? Boolean.TRUE : null)
                .build();
        Queue.Builder queueBuilder = Queue.Builder.create(this, "Queue");
        PassThrough.copy(this, QUEUE_PROPS, queuePassed, queueBuilder, Set.of("enforceSSL"));
        this.queue = queueBuilder
                .encryption(encryption(queuePassed))
                .enforceSsl(true)
                .visibilityTimeout(visibilityTimeout)
                .retentionPeriod(retention)
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(maxReceiveCount).build())
                .build();

        this.eventSource = new SqsEventSource(queue, SqsEventSourceProps.builder()
                .batchSize(batchSize)
                .maxBatchingWindow(window)
                .maxConcurrency(maxConcurrency)
                .reportBatchItemFailures(true)
                .build());
        consumer.getAlias().addEventSource(eventSource);
        if (dlqPassed.get("encryptionMasterKey") instanceof IKey dlqKey) {
            // SQS moves a message to the dead-letter queue on the receive that exceeds maxReceiveCount, with the
            // receiver's credentials: without these the message is not moved and the failure goes unseen
            dlqKey.grant(consumer.getRole(), "kms:GenerateDataKey", "kms:Decrypt");
        }
        NagAcknowledgments.acknowledge(deadLetterQueue, "Serverless-SQSRedrivePolicy",
                "This is the dead-letter queue: the end of the line for failed messages, watched by its alarm.");
        NagAcknowledgments.acknowledge(consumer, "Serverless-LambdaEventSourceMappingDestination",
                "Lambda supports no on-failure destination for SQS event sources: failed messages return to the"
                        + " queue and move to its dead-letter queue after maxReceiveCount receives.");

        AlarmFactory alarmFactory = new AlarmFactory(this, operations);
        alarmFactory.atLeast("DeadLetterQueueAlarm",
                deadLetterQueue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(1)).statistic("Maximum").build()),
                1, "Messages in the dead-letter queue: processing failed " + Check.show(maxReceiveCount) + " times");
        Duration ageThreshold = Check.wholeSeconds(this, "QueueWorkerProps.messageAgeAlarmThreshold",
                Check.or(props.getMessageAgeAlarmThreshold(), Duration.minutes(5)), 1, Double.MAX_VALUE);
        alarmFactory.atLeast("MessageAgeAlarm",
                queue.metricApproximateAgeOfOldestMessage(MetricOptions.builder()
                        .period(Duration.minutes(1)).statistic("Maximum").build()),
                ageThreshold.toSeconds(),
                "Oldest message older than " + Check.show(ageThreshold.toSeconds()) + " s: the consumer is falling"
                        + " behind");
        List<Alarm> all = new ArrayList<>(alarmFactory.alarms());
        all.addAll(consumer.getAlarms());
        this.alarms = Collections.unmodifiableList(all);
    }

    private static final String QUEUE_PROPS = "QueueWorkerProps.queueProps";
    private static final String DLQ_PROPS = "QueueWorkerProps.deadLetterQueueProps";

    /** Props of {@code queueProps} the library sets itself, and what to use instead. */
    private static final Map<String, String> OWNED_QUEUE_PROPS = Map.of(
            "visibilityTimeout", "set QueueWorkerProps.visibilityTimeout (checked against the consumer's timeout)",
            "retentionPeriod", "set QueueWorkerProps.retentionPeriod",
            "deadLetterQueue", "the worker has a dead-letter queue of its own: set QueueWorkerProps.maxReceiveCount"
                    + " and QueueWorkerProps.deadLetterQueueProps");

    /** Props of {@code deadLetterQueueProps} the library sets itself, and what to use instead. */
    private static final Map<String, String> OWNED_DLQ_PROPS = Map.of(
            "fifo", "the dead-letter queue is FIFO when the queue is (" + QUEUE_PROPS + ".fifo)",
            "deadLetterQueue", "the dead-letter queue is the end of the line, watched by its alarm");

    /** Encryption and TLS stay on whatever the caller passes. */
    private void checkSecureDefaults(String prefix, Map<String, Object> passed) {
        Object encryption = passed.get("encryption");
        Check.that(this, encryption != QueueEncryption.UNENCRYPTED, prefix + ".encryption cannot be UNENCRYPTED:"
                + " every queue of the library is encrypted at rest (SQS_MANAGED, KMS_MANAGED or KMS)");
        Check.that(this, !Boolean.FALSE.equals(passed.get("enforceSSL")), prefix + ".enforceSSL cannot be false:"
                + " every queue of the library refuses requests without TLS");
    }

    /**
     * The dead-letter queue must accept the worker's queue as a source, or CloudFormation fails to create the queue
     * (SQS refuses a redrive policy the target's redrive allow policy does not allow). DENY_ALL never does. BY_QUEUE
     * can only if the worker's queue is listed among {@code sourceQueues}, which takes a queue name known before
     * deployment ({@code queueProps.queueName}, listed by its ARN): the queue itself cannot be listed, since its
     * redrive policy already references the dead-letter queue and CloudFormation would see a cycle. Whether the list
     * holds that ARN is not checked (it is a token until deployment).
     */
    private void checkRedriveAllowPolicy(Object policy, Object queueName) {
        if (!(policy instanceof RedriveAllowPolicy allow)) {
            return;
        }
        RedrivePermission permission = Check.or(allow.getRedrivePermission(),
                allow.getSourceQueues() == null ? RedrivePermission.ALLOW_ALL : RedrivePermission.BY_QUEUE);
        Check.that(this, permission != RedrivePermission.DENY_ALL, DLQ_PROPS + ".redriveAllowPolicy cannot be"
                + " DENY_ALL: the dead-letter queue would refuse the worker's own queue, and its deployment would fail");
        Check.that(this, permission != RedrivePermission.BY_QUEUE
                        || (queueName instanceof String name && !Check.isToken(name)),
                DLQ_PROPS + ".redriveAllowPolicy BY_QUEUE must list the worker's own queue, which it can only by a"
                        + " name known before deployment: set " + QUEUE_PROPS + ".queueName and list the queue by its"
                        + " ARN, or allow all sources (RedrivePermission.ALLOW_ALL, the default)");
    }

    /** The caller's encryption, KMS with a key of the caller's, else SSE-SQS. */
    private static QueueEncryption encryption(Map<String, Object> passed) {
        return Check.or((QueueEncryption) passed.get("encryption"),
                passed.containsKey("encryptionMasterKey") ? QueueEncryption.KMS : QueueEncryption.SQS_MANAGED);
    }

    /** Whether the queue will be FIFO, by aws-cdk-lib's rules: {@code fifo}, else a name or prop only FIFO has. */
    private static boolean isFifo(Map<String, Object> passed) {
        Object fifo = passed.get("fifo");
        if (fifo != null) {
            return Boolean.TRUE.equals(fifo);
        }
        Object name = passed.get("queueName");
        return (name instanceof String n && !Check.isToken(n) && n.endsWith(".fifo"))
                || Boolean.TRUE.equals(passed.get("contentBasedDeduplication"))
                || passed.containsKey("deduplicationScope") || passed.containsKey("fifoThroughputLimit");
    }

    /**
     * A claim must outlive the invocation that made it (its timeout) and expire before the last receive, which comes
     * {@code (maxReceiveCount - 1) x visibilityTimeout} after the first at the earliest: the claim is made up to a
     * function timeout after that first receive, and its window is counted in whole seconds.
     */
    private void checkInProgressTimeout(Duration inProgress, Duration functionTimeout, Duration visibility,
                                        Number receives) {
        if (inProgress.isUnresolved() || functionTimeout.isUnresolved() || visibility.isUnresolved()
                || Check.isToken(receives)) {
            return;
        }
        int maxReceiveCount = receives.intValue();
        double window = inProgress.toMilliseconds().doubleValue() / 1000;
        double timeout = functionTimeout.toMilliseconds().doubleValue() / 1000;
        double lastReceive = (maxReceiveCount - 1) * visibility.toMilliseconds().doubleValue() / 1000;
        Check.that(this, window > timeout, "QueueWorkerProps.inProgressTimeout (" + fmt(window) + " s) must be above the"
                + " consumer's timeout (" + fmt(timeout) + " s), or a running invocation's claims are taken over");
        Check.that(this, window + timeout + 1 <= lastReceive, "QueueWorkerProps.inProgressTimeout (" + fmt(window)
                + " s) plus the consumer's timeout (" + fmt(timeout) + " s) and 1 s must not exceed"
                + " (QueueWorkerProps.maxReceiveCount - 1) x QueueWorkerProps.visibilityTimeout ((" + maxReceiveCount
                + " - 1) x " + fmt(visibility.toMilliseconds().doubleValue() / 1000) + " s = " + fmt(lastReceive)
                + " s), or a claim abandoned on the first receive still holds on the last one and the message goes"
                + " to the dead-letter queue");
    }

    private static String seconds(Duration duration) {
        return duration.isUnresolved() ? "token" : fmt(duration.toMilliseconds().doubleValue() / 1000);
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    /** The queue producers send to. */
    public Queue getQueue() {
        return queue;
    }

    /** Where messages go after {@code maxReceiveCount} failed receives. */
    public Queue getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public JavaFunction getConsumer() {
        return consumer;
    }

    public SqsEventSource getEventSource() {
        return eventSource;
    }

    /** The queue's alarms and its consumer's. */
    public List<Alarm> getAlarms() {
        return alarms;
    }
}
