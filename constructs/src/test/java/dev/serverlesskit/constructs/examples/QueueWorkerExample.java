package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.QueueWorker;
import dev.serverlesskit.constructs.QueueWorkerProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/** A queue with its dead-letter queue and a consumer; {@code code} is the consumer's jar. */
public final class QueueWorkerExample {
    private QueueWorkerExample() {
    }

    public static QueueWorker define(Construct scope, Code code) {
        // example:start
        QueueWorker emails = new QueueWorker(scope, "Emails", QueueWorkerProps.builder()
                .consumer(JavaFunctionProps.builder()
                        .handler("com.example.SendEmailHandler::handleRequest")  // returns an SQSBatchResponse
                        .code(code)
                        .reservedConcurrency(5)
                        .build())
                .build());
        // Producers: emails.getQueue().grantSendMessages(producer)
        // example:end
        return emails;
    }
}
