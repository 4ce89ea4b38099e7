package dev.serverlesskit.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Moves the messages of a dead-letter queue back to the queue they came from, with SQS's own API
 * ({@code StartMessageMoveTask} without a destination: each message returns to its source queue), as
 * {@code aws sqs start-message-move-task --source-arn <DLQ ARN>} does on AWS. {@code scripts/redrive} runs it against
 * a running local runtime (the endpoints it wrote to {@code cdk.out/local-logs/runtime.json}).
 */
public final class Redrive {
    private Redrive() {
    }

    /** One dead-letter queue redriven: its URL, how many messages were moved, and the task's final status. */
    public record Result(String queueUrl, long moved, String status, String failureReason) {
    }

    /** The queues of this SQS endpoint that another queue's redrive policy names as its dead-letter queue. */
    public static List<String> deadLetterQueues(SqsClient sqs) {
        Map<String, String> urlByArn = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        for (String url : sqs.listQueues().queueUrls()) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY)).attributes();
            urlByArn.put(a.get(QueueAttributeName.QUEUE_ARN), url);
            String policy = a.get(QueueAttributeName.REDRIVE_POLICY);
            if (policy != null && !policy.isBlank()) {
                targets.add(Json.parse(policy).path("deadLetterTargetArn").asText());
            }
        }
        return targets.stream().distinct().map(urlByArn::get).filter(u -> u != null).toList();
    }

    /** Moves every message of {@code dlqUrl} back to its source queue and waits until the move ends. */
    public static Result redrive(SqsClient sqs, String dlqUrl, Duration timeout) {
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String handle = sqs.startMessageMoveTask(b -> b.sourceArn(arn)).taskHandle();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ListMessageMoveTasksResultEntry task = sqs.listMessageMoveTasks(b -> b.sourceArn(arn).maxResults(10))
                    .results().stream().filter(t -> handle.equals(t.taskHandle()) || t.taskHandle() == null)
                    .findFirst().orElse(null);
            String status = task == null ? "UNKNOWN" : task.status();
            if (task != null && !status.equals("RUNNING")) {
                long moved = task.approximateNumberOfMessagesMoved() == null ? 0
                        : task.approximateNumberOfMessagesMoved();
                return new Result(dlqUrl, moved, status, task.failureReason());
            }
            if (System.nanoTime() > deadline) {
                return new Result(dlqUrl, 0, status, "still running after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(dlqUrl, 0, status, "interrupted");
            }
        }
    }

    /** A client of the runtime's SQS engine (ElasticMQ accepts any credentials; the runtime's own calls). */
    public static SqsClient client(String endpoint, String region) {
        return SqsClient.builder().region(Region.of(region)).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * {@code Redrive [--state cdk.out/local-logs/runtime.json | --endpoint URL --region R] [--queue NAME]}: every
     * dead-letter queue of the running local runtime (or the one whose name contains NAME) back to its source.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        String endpoint = a.get("--endpoint");
        String region = a.getOrDefault("--region", "us-east-1");
        if (endpoint == null) {
            Path state = Path.of(a.getOrDefault("--state", "cdk.out/local-logs/runtime.json"));
            if (!Files.exists(state)) {
                System.err.println(state + " is missing: start the local runtime first (scripts/run-local)");
                System.exit(1);
            }
            var json = Json.MAPPER.readTree(state.toFile());
            endpoint = json.path("sqs").asText();
            region = json.path("region").asText(region);
        }
        int failed = 0;
        try (SqsClient sqs = client(endpoint, region)) {
            List<String> dlqs = deadLetterQueues(sqs).stream()
                    .filter(u -> !a.containsKey("--queue") || u.substring(u.lastIndexOf('/') + 1)
                            .contains(a.get("--queue"))).toList();
            if (dlqs.isEmpty()) {
                System.err.println("no dead-letter queue" + (a.containsKey("--queue") ? " named like '"
                        + a.get("--queue") + "'" : "") + " at " + endpoint);
                System.exit(1);
            }
            for (String dlq : dlqs) {
                Result r = redrive(sqs, dlq, Duration.ofMinutes(2));
                System.out.println(dlq + ": " + r.status() + ", " + r.moved() + " message(s) moved back"
                        + (r.failureReason() == null ? "" : " (" + r.failureReason() + ")"));
                failed += r.status().equals("COMPLETED") ? 0 : 1;
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
