package dev.serverlesskit.app.adclicks;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** SqsClient stand-ins for what ElasticMQ will not do on demand: be unreachable. */
final class FakeSqs {
    private FakeSqs() {
    }

    /** Accepts every message and records the bodies sent. */
    static SqsClient recording(List<String> sentBodies) {
        return fake(sentBodies, false);
    }

    /** Records the bodies sent and fails every send, as the SDK does after its retries when SQS is unreachable. */
    static SqsClient unreachable(List<String> sentBodies) {
        return fake(sentBodies, true);
    }

    private static SqsClient fake(List<String> sentBodies, boolean unreachable) {
        AtomicInteger ids = new AtomicInteger();
        return (SqsClient) Proxy.newProxyInstance(FakeSqs.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessage") || !(args[0] instanceof SendMessageRequest r)) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    sentBodies.add(r.messageBody());
                    if (unreachable) {
                        throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
                    }
                    return SendMessageResponse.builder().messageId("m-" + ids.incrementAndGet()).build();
                });
    }
}
