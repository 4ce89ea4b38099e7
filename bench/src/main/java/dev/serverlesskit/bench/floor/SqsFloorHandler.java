package dev.serverlesskit.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** SDK floor for the SQS handler: the same client, one SendMessage on {@code FLOOR_QUEUE_URL}, nothing else. */
public class SqsFloorHandler implements RequestHandler<Object, String> {
    private final SqsClient sqs = FloorClients.sqs();
    private final String queueUrl = System.getenv("FLOOR_QUEUE_URL");

    @Override
    public String handleRequest(Object event, Context context) {
        return sqs.sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody("{\"floor\":true}").build())
                .messageId() != null ? "sent" : "none";
    }
}
