package dev.serverlesskit.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.QueueProps;

/** Properties of {@link QueueWorker}. */
public final class QueueWorkerProps {
    private final JavaFunctionProps consumer;
    private final Number batchSize;
    private final Duration maxBatchingWindow;
    private final Number maxConcurrency;
    private final Number maxReceiveCount;
    private final Duration visibilityTimeout;
    private final Duration retentionPeriod;
    private final IOperations operations;
    private final Duration messageAgeAlarmThreshold;
    private final Duration inProgressTimeout;
    private final QueueProps queueProps;
    private final QueueProps deadLetterQueueProps;

    private QueueWorkerProps(Builder b) {
        this.consumer = b.consumer;
        this.batchSize = b.batchSize;
        this.maxBatchingWindow = b.maxBatchingWindow;
        this.maxConcurrency = b.maxConcurrency;
        this.maxReceiveCount = b.maxReceiveCount;
        this.visibilityTimeout = b.visibilityTimeout;
        this.retentionPeriod = b.retentionPeriod;
        this.operations = b.operations;
        this.messageAgeAlarmThreshold = b.messageAgeAlarmThreshold;
        this.inProgressTimeout = b.inProgressTimeout;
        this.queueProps = b.queueProps;
        this.deadLetterQueueProps = b.deadLetterQueueProps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The consuming function. Its handler must return an {@code SQSBatchResponse}: the event source reports
     * batch item failures, so only the failed messages are retried. Required.
     */
    public JavaFunctionProps getConsumer() {
        return consumer;
    }

    /**
     * Messages per invocation, 1 to 10000 (above 10 needs a batching window).
     *
     * @default 10
     */
    public Number getBatchSize() {
        return batchSize;
    }

    /**
     * How long the event source gathers messages before invoking, up to 5 minutes.
     *
     * @default no window: invoke as soon as messages arrive
     */
    public Duration getMaxBatchingWindow() {
        return maxBatchingWindow;
    }

    /**
     * Concurrent invocations the event source may make, 2 to 1000, at most the consumer's reserved concurrency
     * (more would only be throttled and count against maxReceiveCount).
     *
     * @default the consumer's reserved concurrency (no limit when that is 1)
     */
    public Number getMaxConcurrency() {
        return maxConcurrency;
    }

    /**
     * Receives after which a message moves to the dead-letter queue.
     *
     * @default 3
     */
    public Number getMaxReceiveCount() {
        return maxReceiveCount;
    }

    /**
     * The queue's visibility timeout; at least the consumer's timeout.
     *
     * @default six times the consumer's timeout, as AWS recommends for Lambda event sources
     */
    public Duration getVisibilityTimeout() {
        return visibilityTimeout;
    }

    /**
     * How long the queue keeps an unprocessed message. The dead-letter queue keeps messages 14 days.
     *
     * @default Duration.days(4)
     */
    public Duration getRetentionPeriod() {
        return retentionPeriod;
    }

    /**
     * Where the alarms of the queue and of its consumer notify.
     *
     * @default the consumer's operations, else alarms are created without actions
     */
    public IOperations getOperations() {
        return operations;
    }

    /**
     * Age of the oldest message that raises the backlog alarm.
     *
     * @default Duration.minutes(5)
     */
    public Duration getMessageAgeAlarmThreshold() {
        return messageAgeAlarmThreshold;
    }

    /**
     * How long the consumer's claim on a message's work (an idempotency record in progress, a dedupe marker) holds
     * before another receive of the message may take it over. Passed to the consumer as the environment variable
     * {@value QueueWorker#IN_PROGRESS_TIMEOUT_VARIABLE} (whole seconds), and checked against the redelivery policy:
     * above the consumer's timeout, so a running invocation's claims are never taken over; and, with the consumer's
     * timeout and a second for rounding, within {@code (maxReceiveCount - 1) x visibilityTimeout}, so the last
     * receive before the dead-letter queue can take over a claim the first receive abandoned (otherwise a transient
     * failure parks valid messages in the DLQ). The check is skipped when a value is a token.
     *
     * @default none: no variable, no check
     */
    public Duration getInProgressTimeout() {
        return inProgressTimeout;
    }

    /**
     * aws-cdk-lib's {@code QueueProps} for the work queue, copied onto it where the library has no opinion
     * ({@code queueName}, {@code fifo} and the FIFO settings, {@code deliveryDelay}, {@code maxMessageSizeBytes},
     * {@code redriveAllowPolicy}, {@code removalPolicy}, a KMS key of your own...). Synthesis fails naming the prop
     * when it would weaken a default: {@code encryption} UNENCRYPTED, {@code enforceSSL} false. Props the library
     * sets from its own (checked) props are refused with the prop to use: {@code visibilityTimeout},
     * {@code retentionPeriod}, {@code deadLetterQueue} (see {@link #getMaxReceiveCount()} and
     * {@link #getDeadLetterQueueProps()}). A FIFO queue gets a FIFO dead-letter queue, takes at most 10 messages a
     * batch and no batching window.
     *
     * @default none: an SSE-SQS encrypted standard queue named by CloudFormation
     */
    public QueueProps getQueueProps() {
        return queueProps;
    }

    /**
     * aws-cdk-lib's {@code QueueProps} for the dead-letter queue, checked and copied like {@link #getQueueProps()}.
     * Its {@code retentionPeriod} may be set, but not below the work queue's: SQS counts a message's retention from
     * its first enqueue, so a shorter one would delete failed messages as they arrive. {@code fifo} follows the work
     * queue, and {@code deadLetterQueue} is refused: the dead-letter queue is the end of the line, watched by its
     * alarm. Its {@code redriveAllowPolicy} must let the worker's queue in: DENY_ALL is refused, and BY_QUEUE needs
     * the queue named ({@code queueProps.queueName}) so that it can be listed by its ARN (listing the queue itself
     * would be a dependency cycle). With an {@code encryptionMasterKey} of your own, the consumer is granted
     * {@code kms:GenerateDataKey} and {@code kms:Decrypt} on it: SQS moves a failed message with the credentials of
     * the receive that exceeded {@code maxReceiveCount}.
     *
     * @default none: an SSE-SQS encrypted queue keeping messages 14 days
     */
    public QueueProps getDeadLetterQueueProps() {
        return deadLetterQueueProps;
    }

    /** Builder of {@link QueueWorkerProps}. */
    public static final class Builder {
        private JavaFunctionProps consumer;
        private Number batchSize;
        private Duration maxBatchingWindow;
        private Number maxConcurrency;
        private Number maxReceiveCount;
        private Duration visibilityTimeout;
        private Duration retentionPeriod;
        private IOperations operations;
        private Duration messageAgeAlarmThreshold;
        private Duration inProgressTimeout;
        private QueueProps queueProps;
        private QueueProps deadLetterQueueProps;

        public Builder consumer(JavaFunctionProps consumer) {
            this.consumer = consumer;
            return this;
        }

        public Builder batchSize(Number batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder maxBatchingWindow(Duration maxBatchingWindow) {
            this.maxBatchingWindow = maxBatchingWindow;
            return this;
        }

        public Builder maxConcurrency(Number maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder maxReceiveCount(Number maxReceiveCount) {
            this.maxReceiveCount = maxReceiveCount;
            return this;
        }

        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        public Builder retentionPeriod(Duration retentionPeriod) {
            this.retentionPeriod = retentionPeriod;
            return this;
        }

        public Builder operations(IOperations operations) {
            this.operations = operations;
            return this;
        }

        public Builder messageAgeAlarmThreshold(Duration messageAgeAlarmThreshold) {
            this.messageAgeAlarmThreshold = messageAgeAlarmThreshold;
            return this;
        }

        public Builder inProgressTimeout(Duration inProgressTimeout) {
            this.inProgressTimeout = inProgressTimeout;
            return this;
        }

        public Builder queueProps(QueueProps queueProps) {
            this.queueProps = queueProps;
            return this;
        }

        public Builder deadLetterQueueProps(QueueProps deadLetterQueueProps) {
            this.deadLetterQueueProps = deadLetterQueueProps;
            return this;
        }

        public QueueWorkerProps build() {
            return new QueueWorkerProps(this);
        }
    }
}
