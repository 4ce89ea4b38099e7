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
 * End-to-end click throughput through the local runtime: N clicks posted by C concurrent clients, one per
 * {@code POST /clicks} or ({@code -Dbench.batch=10}) ten per {@code POST /clicks/batch}, until every one is counted in
 * the Clicks table (sum of {@code clicks} under {@code CAMPAIGN#<id>}), bounded by a deadline. A warm-up round
 * ({@code -Dbench.warmupClicks}, default N) runs first on another campaign and is printed apart. Reports
 * clicks/s from the first post to the last click counted, and whether any was lost.
 * Args: {@code [clicks (5000)] [clients (16)] [deadline seconds (180)]}. Goal: >= 500 clicks/s, nothing lost.
 */
public final class ClickThroughput {
    private ClickThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int clicks = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long deadlineSeconds = args.length > 2 ? Long.parseLong(args[2]) : 180;
        int batch = Integer.getInteger("bench.batch", 1);
        System.out.println("== Local runtime: click throughput, posted to counted (" + clicks + " clicks, " + clients
                + " clients, " + (batch == 1 ? "one click per POST /clicks" : batch + " clicks per POST /clicks/batch")
                + ")");
        System.out.println(Machine.describe());
        LocalRuntime runtime = BenchStage.start();
        try {
            Map<String, FunctionHost> hosts = LatencyBenchmark.hosts(runtime);
            String table = LatencyBenchmark.host(hosts, "CampaignStatsHandler").environment().get("CLICKS_TABLE");
            DynamoDbClient dynamo = runtime.provisioner().dynamo();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(runtime.apiUrl().replaceAll("/$", "") + (batch == 1 ? "/clicks" : "/clicks/batch"));
            // JIT warm-up, outside the figure: the runtime, its embedded ElasticMQ and every function's SDK copy
            // start interpreted; a long-running local runtime (or a warm Lambda fleet) does not pay that per click.
            // One round of the measured size: with C1 compiling every function's own SDK copy, a 2 000-click round
            // ran at ~180 clicks/s and a 6 000-click one at ~300, and a measured round after 2 000 was still warming
            // up (400 and 525 clicks/s where the same round after 6 000 gave 618 and 636; bench/README.md)
            int warmupClicks = Integer.getInteger("bench.warmupClicks", clicks);
            if (warmupClicks > 0) {
                Round warm = round(http, uri, dynamo, table, warmupClicks, clients, batch, deadlineSeconds);
                System.out.println("warm-up (not the figure): " + warm);
            }
            Round measured = round(http, uri, dynamo, table, clicks, clients, batch, deadlineSeconds);
            System.out.println("measured:                 " + measured);
            System.out.printf("throughput end to end: %.0f clicks/s; lost: %d%n", measured.rate(), measured.lost());
            boolean met = measured.rate() >= 500 && measured.lost() == 0;
            System.out.println("goal >= 500 clicks/s, nothing lost: " + (met ? "MET" : "NOT MET"));
        } catch (Exception e) {
            e.printStackTrace(System.out);
            runtime.close();
            System.exit(1); // the runtime's and the clients' threads would otherwise keep the JVM alive
        } finally {
            runtime.close();
        }
        System.exit(0);
    }

    /** One round: {@code clicks} posted by {@code clients} to a fresh campaign, until all are counted. */
    record Round(int clicks, int accepted, int refused, double postSeconds, long counted, double totalSeconds) {
        double rate() {
            return counted / totalSeconds;
        }

        long lost() {
            return accepted - counted + refused;
        }

        @Override
        public String toString() {
            return String.format("%d posted (%d accepted, %d refused) in %.2f s (%.0f clicks posted/s); %d counted in %.2f s"
                    + " from the first post: %.0f clicks/s end to end, %d lost", clicks, accepted, refused,
                    postSeconds, clicks / postSeconds, counted, totalSeconds, rate(), lost());
        }
    }

    static Round round(HttpClient http, URI uri, DynamoDbClient dynamo, String table, int clicks, int clients,
                       int batch, long deadlineSeconds) throws Exception {
        String campaign = "bench-" + UUID.randomUUID();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i; (i = next.getAndAdd(batch)) < clicks; ) {
                        int n = Math.min(batch, clicks - i);
                        int status = post(http, uri, campaign, i, n, batch > 1);
                        (status == 202 ? accepted : refused).addAndGet(n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow(); // a failed post ends the round (and its client threads) instead of hanging the JVM
        }
        long posted = System.nanoTime();
        long counted = 0;
        long deadline = posted + deadlineSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            counted = count(dynamo, table, campaign);
            if (counted >= accepted.get()) {
                break;
            }
            Thread.sleep(100); // each count is a consistent Query: polling faster costs the runtime CPU
        }
        long done = System.nanoTime();
        return new Round(clicks, accepted.get(), refused.get(), (posted - t0) / 1e9, counted, (done - t0) / 1e9);
    }

    /** Posts clicks {@code i..i+n-1}: one per request to /clicks, or n in one request to /clicks/batch. */
    private static int post(HttpClient http, URI uri, String campaign, int i, int n, boolean batch) throws Exception {
        StringBuilder body = new StringBuilder(batch ? "{\"clicks\":[" : "");
        for (int k = 0; k < n; k++) {
            body.append(k == 0 ? "" : ",").append("{\"campaignId\":\"").append(campaign).append("\",\"adId\":\"ad-")
                    .append((i + k) % 8).append("\",\"clickId\":\"").append(UUID.randomUUID()).append("\"}");
        }
        if (batch) {
            body.append("]}");
        }
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.discarding());
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
