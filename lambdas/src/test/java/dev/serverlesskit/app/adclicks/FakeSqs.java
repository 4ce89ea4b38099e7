package dev.serverlesskit.app.adclicks;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/** SqsClient stand-ins for what ElasticMQ will not do on demand: refuse some entries of a SendMessageBatch. */
final class FakeSqs {
    private FakeSqs() {
    }

    /** Accepts every entry and records the ids sent. */
    static SqsClient recording(List<String> sentEntryIds) {
        return refusingFirst(sentEntryIds, Set.of(), 0);
    }

    /** Refuses the entries with {@code refusedIds} in the first {@code times} calls, records every id sent. */
    static SqsClient refusingFirst(List<String> sentEntryIds, Set<String> refusedIds, int times) {
        AtomicInteger calls = new AtomicInteger();
        return (SqsClient) Proxy.newProxyInstance(FakeSqs.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessageBatch") || !(args[0] instanceof SendMessageBatchRequest r)) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    boolean refuse = calls.getAndIncrement() < times;
                    List<SendMessageBatchResultEntry> ok = new ArrayList<>();
                    List<BatchResultErrorEntry> failed = new ArrayList<>();
                    for (SendMessageBatchRequestEntry e : r.entries()) {
                        sentEntryIds.add(e.id());
                        if (refuse && refusedIds.contains(e.id())) {
                            failed.add(BatchResultErrorEntry.builder().id(e.id()).code("InternalError")
                                    .senderFault(false).message("try again").build());
                        } else {
                            ok.add(SendMessageBatchResultEntry.builder().id(e.id()).messageId("m-" + e.id()).build());
                        }
                    }
                    return SendMessageBatchResponse.builder().successful(ok).failed(failed).build();
                });
    }
}
