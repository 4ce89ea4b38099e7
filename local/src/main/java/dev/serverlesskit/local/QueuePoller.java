package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.StageModel.EventSourceMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping, as Lambda's poller runs it: up to {@code MaximumConcurrency} pollers (default 5)
 * long-poll the queue, gather up to {@code BatchSize} messages or until {@code MaximumBatchingWindowInSeconds} has
 * passed, and invoke the function with an {@code SQSEvent}. A successful batch is deleted; with
 * {@code ReportBatchItemFailures} only the messages the function did not report as failed are (an invalid report
 * fails the whole batch); a failed or throttled invocation deletes nothing. Messages left in the queue return after
 * its visibility timeout and, past {@code maxReceiveCount}, ElasticMQ moves them to the dead-letter queue (the
 * queue's own redrive policy, as on SQS).
 *
 * <p>{@code retryDelaySeconds}, when set, makes failed messages visible again after that delay instead of the
 * queue's visibility timeout: a local shortcut (printed at start) to see retries and the DLQ within seconds.
 */
public final class QueuePoller implements AutoCloseable {
    private static final int DEFAULT_POLLERS = 5;
    /** Pause between receives while a batching window gathers from a drained queue. */
    private static final long GATHER_PAUSE_MS = 100;

    private final EventSourceMapping mapping;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final SqsClient sqs;
    private final SqsClient shortcuts;
    private final FunctionHost function;
    private final Integer retryDelaySeconds;
    private final Consumer<String> log;
    private final ExecutorService pollers;
    private volatile boolean running = true;

    /**
     * @param sqs       the poller's client: the function's role, as Lambda's poller calls SQS
     * @param shortcuts the runtime's own client, for the {@code retryDelaySeconds} shortcut (not Lambda's behaviour)
     */
    public QueuePoller(EventSourceMapping mapping, String queueUrl, String queueArn, String region, SqsClient sqs,
                       SqsClient shortcuts, FunctionHost function, Integer retryDelaySeconds, Consumer<String> log) {
        this.mapping = mapping;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.sqs = sqs;
        this.shortcuts = shortcuts;
        this.function = function;
        this.retryDelaySeconds = retryDelaySeconds;
        this.log = log;
        int n = mapping.maximumConcurrency() != null ? mapping.maximumConcurrency() : DEFAULT_POLLERS;
        this.pollers = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "sqs-" + function.function().shortName());
            t.setDaemon(true);
            return t;
        });
        if (mapping.enabled()) {
            for (int i = 0; i < n; i++) {
                pollers.submit(this::poll);
            }
        }
    }

    private void poll() {
        while (running) {
            try {
                List<Message> batch = gather();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.accept("SQS poller of " + function.function().shortName() + ": " + e.getMessage());
                    sleep(1000);
                }
            }
        }
    }

    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long windowEnd = 0;
        while (running && batch.size() < mapping.batchSize()) {
            int max = Math.min(10, mapping.batchSize() - batch.size());
            int wait = batch.isEmpty() ? 1
                    : (int) Math.max(0, Math.min(1, (windowEnd - System.currentTimeMillis()) / 1000));
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max)
                    .waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty() && !received.isEmpty()) {
                windowEnd = System.currentTimeMillis() + mapping.maximumBatchingWindowSeconds() * 1000L;
            }
            batch.addAll(received);
            if (batch.isEmpty()) {
                return batch;
            }
            long now = System.currentTimeMillis();
            if (now >= windowEnd || received.isEmpty() && wait == 0) {
                break;
            }
            if (received.size() < max) {
                // the queue is drained for now: let the window gather more before asking again, instead of
                // short-polling in a loop (each empty or one-message receive costs the engine as much as a full one)
                sleep(Math.min(GATHER_PAUSE_MS, windowEnd - now));
            }
        }
        return batch;
    }

    private void deliver(List<Message> batch) {
        String event = Json.write(event(batch));
        FunctionHost.Invocation result;
        while (true) {
            result = function.invoke(event);
            if (result.status() != FunctionHost.Status.THROTTLED || !running) {
                break;
            }
            sleep(500); // Lambda's poller backs off while the function is throttled; the batch stays in flight
        }
        Set<String> failed = new HashSet<>();
        String outcome;
        if (result.ok()) {
            if (mapping.reportBatchItemFailures()) {
                failed.addAll(reportedFailures(result.payload(), batch));
            }
            outcome = failed.isEmpty() ? "ok" : failed.size() + " failed";
        } else {
            batch.forEach(m -> failed.add(m.messageId()));
            outcome = result.status() + " " + result.errorType() + ": " + result.errorMessage();
        }
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (Message m : batch) {
            if (!failed.contains(m.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(deletes.size()))
                        .receiptHandle(m.receiptHandle()).build());
            } else if (retryDelaySeconds != null) {
                shortcuts.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(retryDelaySeconds));
            }
        }
        for (int i = 0; i < deletes.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = deletes.subList(i, Math.min(deletes.size(), i + 10));
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
        }
        String name = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        log.accept(String.format("%-40s %-22s %3s %5d ms %s batch=%d %s", "SQS " + abbreviate(name),
                function.function().shortName(), result.ok() ? "OK" : "ERR", result.durationMs(),
                result.cold() ? "cold" : "warm", batch.size(), outcome));
    }

    private static String abbreviate(String s) {
        return s.length() > 36 ? "…" + s.substring(s.length() - 35) : s;
    }

    /** The ids to keep; any malformed entry (or unknown id) fails the whole batch, as Lambda does. */
    private static Set<String> reportedFailures(String payload, List<Message> batch) {
        Set<String> ids = new HashSet<>();
        batch.forEach(m -> ids.add(m.messageId()));
        Set<String> failed = new HashSet<>();
        JsonNode r;
        try {
            r = Json.parse(payload);
        } catch (RuntimeException e) {
            return Set.of();
        }
        if (r == null || r.isNull() || !r.has("batchItemFailures")) {
            return Set.of();
        }
        for (JsonNode f : r.path("batchItemFailures")) {
            String id = f.path("itemIdentifier").asText(null);
            if (id == null || id.isBlank() || !ids.contains(id)) {
                return ids;
            }
            failed.add(id);
        }
        return failed;
    }

    private ObjectNode event(List<Message> batch) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((k, v) -> {
                ObjectNode a = messageAttributes.putObject(k);
                a.put("stringValue", v.stringValue());
                if (v.binaryValue() != null) {
                    a.put("binaryValue", java.util.Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
                }
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", v.dataType());
            });
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return event;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        pollers.shutdownNow();
    }
}
