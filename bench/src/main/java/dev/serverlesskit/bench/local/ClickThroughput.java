package dev.serverlesskit.bench.local;

import dev.serverlesskit.bench.harness.Machine;
import dev.serverlesskit.local.FunctionHost;
import dev.serverlesskit.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * End-to-end click throughput through the local runtime: N clicks posted to {@code POST /clicks} by C concurrent
 * clients, until every one is counted in the Clicks table (sum of {@code clicks} under {@code CAMPAIGN#<id>}),
 * bounded by a deadline. Reports clicks/s from the first post to the last click counted, and whether any was lost.
 * Args: {@code [clicks (5000)] [clients (16)] [deadline seconds (180)]}. Goal: >= 500 clicks/s, nothing lost.
 */
public final class ClickThroughput {
    private ClickThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int clicks = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long deadlineSeconds = args.length > 2 ? Long.parseLong(args[2]) : 180;
        System.out.println("== Local runtime: click throughput, posted to counted (" + clicks + " clicks, " + clients
                + " clients)");
        System.out.println(Machine.describe());
        LocalRuntime runtime = BenchStage.start();
        try {
            Map<String, FunctionHost> hosts = LatencyBenchmark.hosts(runtime);
            String table = LatencyBenchmark.host(hosts, "CampaignStatsHandler").environment().get("CLICKS_TABLE");
            DynamoDbClient dynamo = runtime.provisioner().dynamo();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(runtime.apiUrl().replaceAll("/$", "") + "/clicks");
            // warm the intake and the processor, outside the figure
            post(http, uri, "warmup-" + UUID.randomUUID(), 0);
            String campaign = "bench-" + UUID.randomUUID();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < clicks; ) {
                        int status = post(http, uri, campaign, i);
                        (status == 202 ? accepted : refused).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            long posted = System.nanoTime();
            pool.shutdown();
            long counted = 0;
            long deadline = posted + deadlineSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                counted = count(dynamo, table, campaign);
                if (counted >= accepted.get()) {
                    break;
                }
                Thread.sleep(50);
            }
            long done = System.nanoTime();
            double postSeconds = (posted - t0) / 1e9;
            double totalSeconds = (done - t0) / 1e9;
            System.out.printf("posted:   %d accepted (202), %d refused, in %.2f s (%.0f posts/s)%n", accepted.get(),
                    refused.get(), postSeconds, clicks / postSeconds);
            System.out.printf("counted:  %d of %d in %.2f s from the first post%n", counted, accepted.get(),
                    totalSeconds);
            double rate = counted / totalSeconds;
            boolean lost = counted != accepted.get() || refused.get() > 0;
            System.out.printf("throughput end to end: %.0f clicks/s; lost: %d%n", rate, accepted.get() - counted
                    + refused.get());
            System.out.println("goal >= 500 clicks/s, nothing lost: " + (rate >= 500 && !lost ? "MET" : "NOT MET"));
        } finally {
            runtime.close();
        }
        System.exit(0);
    }

    private static int post(HttpClient http, URI uri, String campaign, int i) throws Exception {
        String body = "{\"campaignId\":\"" + campaign + "\",\"adId\":\"ad-" + (i % 8) + "\",\"clickId\":\""
                + UUID.randomUUID() + "\"}";
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    private static long count(DynamoDbClient dynamo, String table, String campaign) {
        long sum = 0;
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CAMPAIGN#" + campaign)))
                    .exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (item.containsKey("clicks")) {
                    sum += Long.parseLong(item.get("clicks").n());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return sum;
    }
}
